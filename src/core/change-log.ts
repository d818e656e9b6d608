import { existsSync, readFileSync } from 'node:fs'
import { type FileHandle, open, unlink } from 'node:fs/promises'
import { setEntry } from './store.js'

/**
 * One entity as a change left it: `[collection, id, entity]` when stored, `[collection, id]` when
 * removed, `['counters', name, value]` for a counter.
 */
export type Change = [collection: string, id: string, value?: unknown]

/**
 * An append-only file of changes beside the state file, one line per committed transaction, so that
 * a change costs one small write instead of rewriting the whole state. A line is on disk (fsync'd)
 * before its change is answered; lines of changes made meanwhile go in the same write. The state
 * file takes the log in (compaction) on start, on close and when the log grows large.
 */
export class ChangeLog {
  #handle: FileHandle | undefined
  #pending: { line: string; resolve: () => void; reject: (err: unknown) => void }[] = []
  #busy: Promise<void> | undefined
  /** Tasks waiting for the file to themselves: no new batch starts before them. */
  #waiting = 0
  /** Bytes appended since the last compaction. */
  bytes = 0

  constructor(readonly file: string) {}

  /** Every complete line of the log; a line cut short by a crash was never acknowledged and is left out. */
  static read(file: string): Change[][] {
    if (!existsSync(file)) return []
    const out: Change[][] = []
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue
      try {
        out.push(JSON.parse(line) as Change[])
      } catch {
        break
      }
    }
    return out
  }

  /** Resolves once the changes are on disk. */
  append(changes: Change[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ line: `${JSON.stringify(changes)}\n`, resolve, reject })
      this.#next()
    })
  }

  /**
   * Run `writeState` (which must write the whole state, atomically) when no append is in flight,
   * then empty the log: what it held is in the state file now.
   */
  compact(writeState: () => Promise<void>): Promise<void> {
    return this.#exclusive(async () => {
      // The state written holds the changes still waiting to be logged, so they need no line.
      const absorbed = this.#pending.splice(0)
      try {
        await writeState()
      } catch (err) {
        this.#pending.unshift(...absorbed)
        throw err
      }
      if (this.#handle) await this.#handle.truncate(0)
      this.bytes = 0
      for (const a of absorbed) a.resolve()
    })
  }

  /** Compact, then remove the log file, leaving the state file alone. */
  async close(writeState: () => Promise<void>): Promise<void> {
    await this.compact(writeState)
    await this.#exclusive(async () => {
      await this.#handle?.close()
      this.#handle = undefined
      if (existsSync(this.file)) await unlink(this.file)
    })
  }

  // One write (and fsync) at a time; appends queued meanwhile go out together in the next one.
  #next(): void {
    if (this.#busy || this.#waiting > 0 || this.#pending.length === 0) return
    const batch = this.#pending.splice(0)
    this.#run(async () => {
      try {
        this.#handle ??= await open(this.file, 'a')
        // A log removed from under us (its folder deleted) would swallow writes no restart can see.
        if ((await this.#handle.stat()).nlink === 0) throw new Error(`${this.file} was removed`)
        const text = batch.map((b) => b.line).join('')
        await this.#handle.write(text)
        await this.#handle.datasync()
        this.bytes += Buffer.byteLength(text)
        for (const b of batch) b.resolve()
      } catch (err) {
        // Reopen the path next time rather than keep a handle that failed.
        await this.#handle?.close().catch(() => undefined)
        this.#handle = undefined
        for (const b of batch) b.reject(err)
      }
    })
  }

  async #exclusive(task: () => Promise<void>): Promise<void> {
    this.#waiting++
    try {
      while (this.#busy) await this.#busy
    } finally {
      this.#waiting--
    }
    return this.#run(task)
  }

  #run(task: () => Promise<void>): Promise<void> {
    const done = task()
    this.#busy = done
      .catch(() => undefined)
      .finally(() => {
        this.#busy = undefined
        this.#next()
      })
    return done
  }
}

/** Apply logged changes to a plain (not yet held) state. */
export function replay(state: Record<string, Record<string, unknown>>, lines: Change[][]): void {
  for (const changes of lines) {
    for (const [collection, id, value] of changes) {
      const record = state[collection]
      if (!record) continue
      if (value === undefined) delete record[id]
      else setEntry(record, id, value)
    }
  }
}
