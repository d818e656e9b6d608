import * as z from 'zod'
import { EmulatorError, echo } from '../core/errors.js'
import type { State } from '../core/model.js'
import type { Store } from '../core/store.js'
import { parseJson } from '../protocol/rest/json.js'

export const SnapshotName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'a snapshot name is 1 to 64 letters, digits, dots, dashes or underscores')

/** The most snapshots kept at once: each is a whole copy of the state. */
export const MAX_SNAPSHOTS = 100

export interface SnapshotInfo {
  name: string
  takenAt: string
}

/**
 * Named copies of the whole state, taken and brought back in one step each (a restore replaces the
 * state as one change, so a key created since no longer authenticates).
 *
 * @example const snaps = createSnapshots(store, () => new Date()); snaps.take({ name: 'clean' }); await snaps.restore('clean')
 */
export function createSnapshots(store: Store, now: () => Date) {
  const saved = new Map<string, { state: State; takenAt: string }>()
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
      saved.set(name, { state: store.snapshot(), takenAt })
      return { name, takenAt }
    },
    async restore(name: string): Promise<SnapshotInfo> {
      const { state, takenAt } = named(name)
      await store.replace(structuredClone(state))
      return { name, takenAt }
    },
    list(): SnapshotInfo[] {
      return [...saved].map(([name, { takenAt }]) => ({ name, takenAt }))
    },
    delete(name: string): void {
      named(name)
      saved.delete(name)
    },
  }
}

export type Snapshots = ReturnType<typeof createSnapshots>
