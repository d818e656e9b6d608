import * as z from 'zod'
import { EmulatorError, echo } from '../core/errors.js'
import type { State } from '../core/model.js'
import type { Store } from '../core/store.js'
import { parseJson } from '../protocol/rest/json.js'

// Schemas are z.lazy: each is built on its first use, not at every start (why: src/protocol/aws/validation.ts).
export const SnapshotName = z.lazy(() =>
  z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a snapshot name is 1 to 64 letters, digits, dots, dashes or underscores'),
)

/** The most snapshots kept at once: each is a whole copy of the state. */
export const MAX_SNAPSHOTS = 100

export interface SnapshotInfo {
  name: string
  takenAt: string
}

/** What snapshots need of the object bodies: a snapshot keeps the bodies it refers to. */
export interface SnapshotBodies {
  pinBodies(state: Readonly<State>): () => void
  /** Free the bodies nothing refers to any more. */
  sweepBodies(): Promise<void>
}

/**
 * Named copies of the whole state, taken and brought back in one step each (a restore replaces the
 * state as one change, so a key created since no longer authenticates). Object bodies are not
 * copied: a snapshot keeps the ones it refers to until it is deleted.
 *
 * @example const snaps = createSnapshots(store, () => new Date(), core); snaps.take({ name: 'clean' }); await snaps.restore('clean')
 */
export function createSnapshots(store: Store, now: () => Date, bodies: SnapshotBodies) {
  const saved = new Map<string, { state: State; takenAt: string; release: () => void }>()
  const named = (name: string) => {
    const found = saved.get(name)
    if (!found) throw new EmulatorError('NotFound', `There is no snapshot ${echo(name)}.`, { field: 'name' })
    return found
  }
  return {
    take(body: unknown): SnapshotInfo {
      const { name } = parseJson(z.strictObject({ name: SnapshotName }), body)
      if (!saved.has(name) && saved.size >= MAX_SNAPSHOTS) {
        throw new EmulatorError('LimitExceeded', `At most ${MAX_SNAPSHOTS} snapshots are kept; delete one first.`)
      }
      const takenAt = now().toISOString()
      const state = store.snapshot()
      const replaced = saved.get(name)
      saved.set(name, { state, takenAt, release: bodies.pinBodies(state) })
      if (replaced) {
        replaced.release()
        void bodies.sweepBodies().catch(() => undefined)
      }
      return { name, takenAt }
    },
    async restore(name: string): Promise<SnapshotInfo> {
      const { state, takenAt } = named(name)
      await store.replace(structuredClone(state))
      await bodies.sweepBodies()
      return { name, takenAt }
    },
    list(): SnapshotInfo[] {
      return [...saved].map(([name, { takenAt }]) => ({ name, takenAt }))
    },
    delete(name: string): void {
      named(name).release()
      saved.delete(name)
      // Freeing the bodies only it kept need not hold up the answer.
      void bodies.sweepBodies().catch(() => undefined)
    },
  }
}

export type Snapshots = ReturnType<typeof createSnapshots>
