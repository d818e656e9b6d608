import { existsSync } from 'node:fs'
import { unlink } from 'node:fs/promises'
import { Low, Memory } from 'lowdb'
import { JSONFile } from 'lowdb/node'
import { type Change, ChangeLog, replay } from './change-log.js'
import { EmulatorError } from './errors.js'
import { attachIndexes, Indexes, indexesOf } from './indexes.js'
import { type AccessKey, emptyState, type State } from './model.js'

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
 * file, `update` resolves only once the change is on disk: appended to a change log beside the file
 * (`<file>.changes`, fsync'd), which the file takes in on start, on close and when the log grows. The
 * file itself is only ever written whole (to a temporary file renamed over it), so after a clean
 * stop it is plain JSON holding everything.
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
/** Past this many bytes of change log, the state file takes the log in. */
const COMPACT_AFTER_BYTES = 8 * 1024 * 1024

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
  // `__proto__` is the one inherited setter of a plain object; any other id is an own entry as
  // assigned, and assigning is far cheaper than defining.
  if (id === '__proto__')
    Object.defineProperty(record, id, { value, writable: true, enumerable: true, configurable: true })
  else record[id] = value
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
  withObjectCollections(state)
  for (const [name, records] of Object.entries(state)) {
    if (name !== 'counters') for (const entity of Object.values(records as object)) deepFreeze(entity)
  }
  attachIndexes(state, new Indexes(state))
  return state
}

type Undo = () => void

/** What a transaction touched, by collection (`counters` for counters): read back as a change set. */
type Touched = Map<string, Set<string>>

function mark(touched: Touched, collection: string, id: string): void {
  const ids = touched.get(collection)
  if (ids) ids.add(id)
  else touched.set(collection, new Set([id]))
}

/** The touched entities as they are now (absent ones as removals). */
function changesOf(state: State, touched: Touched): Change[] {
  const out: Change[] = []
  for (const [collection, ids] of touched) {
    const record = state[collection as keyof State] as Record<string, unknown>
    for (const id of ids) {
      const value = entry(record, id)
      out.push(value === undefined ? [collection, id] : [collection, id, value])
    }
  }
  return out
}

function transaction(state: State, indexes: Indexes, undo: Undo[], touched: Touched): Transaction {
  const records = (collection: Collection) => state[collection] as Record<string, unknown>
  // Record and indexes change together, and so are undone together.
  const set = (collection: Collection, id: string, before: unknown, after: unknown) => {
    const record = records(collection)
    if (after === undefined) delete record[id]
    else setEntry(record, id, after)
    indexes.change(collection, id, before, after)
    mark(touched, collection, id)
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
      mark(touched, 'counters', name)
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
  const log = file ? new ChangeLog(`${file}.changes`) : undefined
  if (file && existsSync(file)) {
    try {
      await db.read()
    } catch (err) {
      throw new EmulatorError('InvalidInput', `${file} is not valid JSON: ${(err as Error).message}`, { field: file })
    }
    if (!isState(db.data))
      throw new EmulatorError('InvalidInput', `${file} does not hold a keyemu state`, { field: file })
    // A state written before sandboxes existed has none.
    db.data.sandboxes ??= {}
    // Changes acknowledged after the file was last written (the process was killed, not stopped).
    const logged = ChangeLog.read(`${file}.changes`)
    withObjectCollections(db.data)
    replay(db.data as unknown as Record<string, Record<string, unknown>>, logged)
    withKeyNamespaces(db.data)
    heldState(db.data)
    if (logged.length > 0) await db.write()
    if (existsSync(`${file}.changes`)) await unlink(`${file}.changes`)
  } else {
    db.data = heldState(options.initial ? structuredClone(options.initial) : emptyState())
    if (file) await db.write()
  }

  const writeState = () => db.write()
  let touchedMeanwhile: Touched = new Map()
  let pendingTouch: NodeJS.Timeout | undefined
  const flushTouches = async () => {
    if (pendingTouch) clearTimeout(pendingTouch)
    pendingTouch = undefined
    const touched = touchedMeanwhile
    touchedMeanwhile = new Map()
    if (log && touched.size > 0) await log.append(changesOf(db.data, touched))
  }

  // Run `fn` as one transaction: undone whole if it throws.
  const apply = <T>(fn: (tx: Transaction) => T, touched: Touched): { result: T; undo: Undo[] } => {
    const undo: Undo[] = []
    try {
      return { result: fn(transaction(db.data, indexesOf(db.data), undo, touched)), undo }
    } catch (err) {
      rollback(undo)
      throw err
    }
  }

  return {
    file,
    read: (fn) => fn(db.data),
    async update(fn) {
      const touched: Touched = new Map()
      const { result, undo } = apply(fn, touched)
      if (!log || undo.length === 0) return result
      // Changes are applied in memory at once (so the next request sees them) and logged in order.
      try {
        await log.append(changesOf(db.data, touched))
      } catch (err) {
        // Memory and disk must not disagree: what the disk refused did not happen.
        rollback(undo)
        throw new EmulatorError('Internal', `The state could not be written to ${file}: ${(err as Error).message}`)
      }
      if (log.bytes > COMPACT_AFTER_BYTES) void log.compact(writeState).catch(() => undefined)
      return result
    },
    touch(fn) {
      apply(fn, touchedMeanwhile)
      if (log && !pendingTouch) {
        pendingTouch = setTimeout(() => void flushTouches().catch(() => undefined), TOUCH_FLUSH_MS)
        pendingTouch.unref()
      }
    },
    snapshot: () => structuredClone(db.data),
    async replace(state) {
      const before = db.data
      db.data = heldState(structuredClone(state))
      if (!log) return
      try {
        await log.compact(writeState)
      } catch (err) {
        db.data = before
        throw new EmulatorError('Internal', `The state could not be written to ${file}: ${(err as Error).message}`)
      }
    },
    async close() {
      if (pendingTouch) clearTimeout(pendingTouch)
      pendingTouch = undefined
      await log?.close(writeState)
    },
  }
}

// A state written before keys had namespaces: each key takes its account's realm, as a seeded key does.
function withKeyNamespaces(state: State): void {
  for (const key of Object.values(state.accessKeys) as Partial<AccessKey>[]) {
    if (key.namespace === undefined && key.accountId !== undefined) {
      key.namespace = entry(state.accounts, key.accountId)?.realm ?? ''
    }
  }
}

// A state written before objects were kept: it has none.
function withObjectCollections(state: State): void {
  const partial = state as Partial<State>
  partial.objects ??= {}
  partial.uploads ??= {}
  partial.parts ??= {}
}

function isState(value: unknown): value is State {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return ['accounts', 'users', 'accessKeys', 'buckets', 'policies', 'tokens', 'counters'].every(
    (k) => typeof v[k] === 'object' && v[k] !== null,
  )
}
