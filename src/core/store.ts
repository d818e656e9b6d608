import { existsSync } from 'node:fs'
import { Low, Memory } from 'lowdb'
import { JSONFile } from 'lowdb/node'
import { EmulatorError } from './errors.js'
import { attachIndexes, Indexes, indexesOf } from './indexes.js'
import { emptyState, type State } from './model.js'

/** The collections of the state, each a record of entities by id. */
export type Collection = Exclude<keyof State, 'counters'>
export type EntityOf<C extends Collection> = State[C][string]

/**
 * One change to the state, made through `put` and `remove` only: stored entities are frozen, so a
 * change made any other way throws, and a change that throws half-way is undone whole.
 */
export interface Transaction {
  readonly state: Readonly<State>
  /** Store `entity` under `id`, replacing what was there. */
  put<C extends Collection>(collection: C, id: string, entity: EntityOf<C>): void
  remove(collection: Collection, id: string): void
  setCounter(name: keyof State['counters'], value: number): void
}

/**
 * The state of one emulator, held by lowdb. Every change goes through `update`: either all of it
 * happens or none of it does, whether its function throws half-way or the disk write fails. With a
 * file, `update` resolves only once the new state is on disk (written to a temporary file and renamed
 * over the old one, so the file is never half-written).
 */
export interface Store {
  read<T>(fn: (state: Readonly<State>) => T): T
  update<T>(fn: (tx: Transaction) => T): Promise<T>
  /** A change that need not wait for the disk (bookkeeping such as a key's last use); flushed soon after. */
  touch(fn: (tx: Transaction) => void): void
  /** A deep copy of the whole state. */
  snapshot(): State
  /** Put a whole new state in place (reset, seed). */
  replace(state: State): Promise<void>
  /** Flush pending writes. */
  close(): Promise<void>
  readonly file: string | undefined
}

export interface StoreOptions {
  /** A JSON file to persist to; its content, when it exists, wins over `initial`. */
  file?: string
  /** The state to start from when there is no file (or no file yet). */
  initial?: State
}

const TOUCH_FLUSH_MS = 100

/**
 * The entity stored under `id`, if any: only the record's own entries count, so ids a client sends
 * (`constructor`, `__proto__`) never reach Object.prototype.
 *
 * @example entry(state.tokens, bearer)
 */
export function entry<T>(record: Readonly<Record<string, T>>, id: string): T | undefined {
  return Object.hasOwn(record, id) ? record[id] : undefined
}

/** Set an own entry, even one named `__proto__`. @example setEntry(policies, name, text) */
export function setEntry<T>(record: Record<string, T>, id: string, value: T): void {
  Object.defineProperty(record, id, { value, writable: true, enumerable: true, configurable: true })
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

// A state as the store holds it: every entity frozen, and indexed.
function heldState(state: State): State {
  for (const [name, records] of Object.entries(state)) {
    if (name !== 'counters') for (const entity of Object.values(records as object)) deepFreeze(entity)
  }
  attachIndexes(state, new Indexes(state))
  return state
}

type Undo = () => void

function transaction(state: State, indexes: Indexes, undo: Undo[]): Transaction {
  const records = (collection: Collection) => state[collection] as Record<string, unknown>
  // Record and indexes change together, and so are undone together.
  const set = (collection: Collection, id: string, before: unknown, after: unknown) => {
    const record = records(collection)
    if (after === undefined) delete record[id]
    else setEntry(record, id, after)
    indexes.change(collection, id, before, after)
  }
  return {
    state,
    put(collection, id, entity) {
      const before = entry(records(collection), id)
      const after = deepFreeze(entity)
      set(collection, id, before, after)
      undo.push(() => set(collection, id, after, before))
    },
    remove(collection, id) {
      const before = entry(records(collection), id)
      if (before === undefined) return
      set(collection, id, before, undefined)
      undo.push(() => set(collection, id, undefined, before))
    },
    setCounter(name, value) {
      const before = state.counters[name]
      state.counters[name] = value
      undo.push(() => {
        state.counters[name] = before
      })
    },
  }
}

function rollback(undo: Undo[]): void {
  for (let i = undo.length - 1; i >= 0; i--) undo[i]?.()
}

/**
 * @example
 * const store = await openStore({ initial: seedState })
 * await store.update((tx) => tx.put('accounts', account.id, account))
 */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const file = options.file
  const db = new Low<State>(file ? new JSONFile<State>(file) : new Memory<State>(), emptyState())
  if (file && existsSync(file)) {
    try {
      await db.read()
    } catch (err) {
      throw new EmulatorError('InvalidInput', `${file} is not valid JSON: ${(err as Error).message}`, { field: file })
    }
    if (!isState(db.data))
      throw new EmulatorError('InvalidInput', `${file} does not hold a keyemu state`, { field: file })
    heldState(db.data)
  } else {
    db.data = heldState(options.initial ? structuredClone(options.initial) : emptyState())
    if (file) await db.write()
  }

  let pendingTouch: NodeJS.Timeout | undefined
  const flushTouches = async () => {
    if (pendingTouch) clearTimeout(pendingTouch)
    pendingTouch = undefined
    if (file) await db.write()
  }
  // Changes are applied in memory at once (so the next request sees them) and written in order.
  let writing: Promise<void> = Promise.resolve()

  // Run `fn` as one transaction: undone whole if it throws.
  const apply = <T>(fn: (tx: Transaction) => T): { result: T; undo: Undo[] } => {
    const undo: Undo[] = []
    try {
      return { result: fn(transaction(db.data, indexesOf(db.data), undo)), undo }
    } catch (err) {
      rollback(undo)
      throw err
    }
  }

  return {
    file,
    read: (fn) => fn(db.data),
    async update(fn) {
      const { result, undo } = apply(fn)
      if (!file || undo.length === 0) return result
      const written = writing.then(() => db.write())
      writing = written.catch(() => undefined)
      try {
        await written
      } catch (err) {
        // Memory and file must not disagree: what the disk refused did not happen.
        rollback(undo)
        throw new EmulatorError('Internal', `The state could not be written to ${file}: ${(err as Error).message}`)
      }
      return result
    },
    touch(fn) {
      apply(fn)
      if (file && !pendingTouch) {
        pendingTouch = setTimeout(() => void flushTouches().catch(() => undefined), TOUCH_FLUSH_MS)
        pendingTouch.unref()
      }
    },
    snapshot: () => structuredClone(db.data),
    async replace(state) {
      const before = db.data
      db.data = heldState(structuredClone(state))
      if (!file) return
      try {
        await db.write()
      } catch (err) {
        db.data = before
        throw new EmulatorError('Internal', `The state could not be written to ${file}: ${(err as Error).message}`)
      }
    },
    close: flushTouches,
  }
}

function isState(value: unknown): value is State {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return ['accounts', 'users', 'accessKeys', 'buckets', 'policies', 'tokens', 'counters'].every(
    (k) => typeof v[k] === 'object' && v[k] !== null,
  )
}
