import { existsSync } from 'node:fs'
import { Low, Memory } from 'lowdb'
import { JSONFile } from 'lowdb/node'
import { EmulatorError } from './errors.js'
import { emptyState, type State } from './model.js'

/**
 * The state of one emulator, held by lowdb. Every change goes through `update`, whose function must
 * make all its checks before it changes anything: a function that throws leaves the state as it was.
 * With a file, `update` resolves only once the new state is on disk (written to a temporary file and
 * renamed over the old one, so the file is never half-written).
 */
export interface Store {
  read<T>(fn: (state: Readonly<State>) => T): T
  update<T>(fn: (state: State) => T): Promise<T>
  /** A change that need not wait for the disk (bookkeeping such as a key's last use); flushed soon after. */
  touch(fn: (state: State) => void): void
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
 * @example
 * const store = await openStore({ initial: seedState })
 * await store.update((s) => { s.accounts[a.id] = a })
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
  } else {
    db.data = options.initial ? structuredClone(options.initial) : emptyState()
    if (file) await db.write()
  }

  let pendingTouch: NodeJS.Timeout | undefined
  const flushTouches = async () => {
    if (pendingTouch) clearTimeout(pendingTouch)
    pendingTouch = undefined
    if (file) await db.write()
  }

  return {
    file,
    read: (fn) => fn(db.data),
    async update(fn) {
      const result = fn(db.data)
      if (file) await db.write()
      return result
    },
    touch(fn) {
      fn(db.data)
      if (file && !pendingTouch) {
        pendingTouch = setTimeout(() => void flushTouches(), TOUCH_FLUSH_MS)
        pendingTouch.unref()
      }
    },
    snapshot: () => structuredClone(db.data),
    async replace(state) {
      db.data = structuredClone(state)
      if (file) await db.write()
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
