import type { Core } from '../core/core.js'
import type { State } from '../core/model.js'
import type { Store } from '../core/store.js'
import type { AuthMode, Dialect } from '../protocol/route.js'
import { seededCredentials } from './credentials.js'
import { type Explanation, explain } from './explain.js'
import { createFaults } from './faults.js'
import { createJournal, DEFAULT_JOURNAL_SIZE } from './journal.js'
import { createSnapshots } from './snapshots.js'

export interface ControlDeps {
  dialects: Dialect[]
  core: Core
  store: Store
  /** The state the emulator started from, which reset returns to. */
  initial: State
  auth: AuthMode
  /** How many requests the journal keeps (10,000 unless told). */
  journalSize?: number
}

/**
 * What the /_emu endpoints do, as plain calls: the same surface for the server and for MSW users.
 *
 * @example const controls = createControls(deps); controls.explain({ dialect: 'iam', credential, action, resource })
 */
export function createControls(deps: ControlDeps) {
  // Reset may bring back the objects the emulator started with: their bodies stay.
  deps.core.pinBodies(deps.initial)
  const journal = createJournal(deps.journalSize ?? DEFAULT_JOURNAL_SIZE)
  const faults = createFaults(deps.dialects.map((d) => d.name))
  return {
    /** What the dispatcher needs from the controls: where to journal, which faults to inject. */
    hooks: { record: journal.record, fault: faults.take },
    auth: deps.auth,
    dialects: deps.dialects.map((d) => d.name),
    /** The credentials the emulator started with, without their secrets. */
    seeded: seededCredentials(deps.initial),
    /** The state now (with secrets: redact before showing it). */
    state: () => deps.store.snapshot(),
    explain: (query: unknown): Explanation => explain(deps, query),
    journal,
    faults,
    snapshots: createSnapshots(deps.store, () => deps.core.now(), deps.core),
    /** Back to the state the emulator started from; bodies only the state of before referred to are freed. */
    async reset() {
      await deps.store.replace(structuredClone(deps.initial))
      await deps.core.sweepBodies()
    },
  }
}

export type Controls = ReturnType<typeof createControls>
