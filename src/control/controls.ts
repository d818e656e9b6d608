import type { Core } from '../core/core.js'
import type { State } from '../core/model.js'
import { sandboxOf } from '../core/sandboxes.js'
import type { Store } from '../core/store.js'
import type { RequestRecord } from '../protocol/dispatch.js'
import type { AuthMode, Dialect } from '../protocol/route.js'
import { seededCredentials } from './credentials.js'
import { type Explanation, explain } from './explain.js'
import { createFaults } from './faults.js'
import { createJournal, DEFAULT_JOURNAL_SIZE } from './journal.js'
import { createSandboxes } from './sandboxes.js'
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
  const sandboxes = createSandboxes(deps.core)
  // Each entry says which sandbox the caller's account belongs to, so a test can ask for its own.
  const record = (entry: RequestRecord) => {
    const { principal } = entry
    const sandbox = principal && deps.store.read((state) => sandboxOf(state, principal.accountId))
    journal.record(sandbox ? { ...entry, sandbox } : entry)
  }
  return {
    /** What the dispatcher needs from the controls: where to journal, which faults to inject. */
    hooks: { record, fault: faults.take },
    auth: deps.auth,
    dialects: deps.dialects.map((d) => d.name),
    /** Each dialect with the realm of the accounts it serves. */
    realms: deps.dialects.map(({ name, realm }) => ({ name, realm })),
    /** The credentials the emulator started with, without their secrets. */
    seeded: seededCredentials(deps.initial),
    /** The state now (with secrets: redact before showing it). */
    state: () => deps.store.snapshot(),
    explain: (query: unknown): Explanation => explain(deps, query),
    journal,
    faults,
    snapshots: createSnapshots(deps.store, () => deps.core.now(), deps.core),
    sandboxes,
    /**
     * Back to the state the emulator started from (sandboxes and all); or one sandbox back to its
     * seed. Bodies only the state of before referred to are freed.
     */
    async reset(options: { sandbox?: string } = {}): Promise<void> {
      if (options.sandbox !== undefined) return sandboxes.reset(options.sandbox)
      await deps.store.replace(structuredClone(deps.initial))
      await deps.core.sweepBodies()
    },
  }
}

export type Controls = ReturnType<typeof createControls>
