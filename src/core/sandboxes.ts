import { removeBucketContents } from './bucket-contents.js'
import { type CoreContext, nowIso } from './context.js'
import { EmulatorError, echo } from './errors.js'
import { accountsInSandbox, bucketsOf, keysOfAccount, policiesOf, tokensOf, usersOf } from './indexes.js'
import type { Account, Sandbox, State } from './model.js'
import { type Collection, entry, type Transaction } from './store.js'

// A sandbox is a set of accounts marked with its id: everything else it holds belongs to those
// accounts, so what a dialect lists for an account is already the sandbox's own. What is unique
// across accounts (bucket names) is unique within a sandbox (see `sandboxOf`).

/** A sandbox as listed: its accounts, never a secret. */
export interface SandboxInfo {
  id: string
  createdAt: string
  accounts: Pick<Account, 'id' | 'realm' | 'name' | 'parentId'>[]
}

/**
 * The sandbox an account belongs to; undefined for the emulator's own accounts (and unknown ones).
 *
 * @example sandboxOf(state, bucket.accountId) === sandboxOf(state, input.accountId)
 */
export function sandboxOf(state: Readonly<State>, accountId: string): string | undefined {
  return entry(state.accounts, accountId)?.sandbox
}

/** @example const sandboxes = sandboxOps(ctx); await sandboxes.createSandbox({ id, seed, contents }) */
export function sandboxOps(ctx: CoreContext) {
  return {
    /**
     * A new sandbox holding `contents` (a state seeded from `seed`, whose accounts become the
     * sandbox's; taken over, not copied), all or nothing. An id already taken by anything in the
     * state is refused, and so is a sandbox beyond the `max`-th.
     */
    async createSandbox(input: { id: string; seed: unknown; contents: State; max: number }): Promise<SandboxInfo> {
      return ctx.store.update((tx) => {
        if (entry(tx.state.sandboxes, input.id)) {
          throw new EmulatorError('AlreadyExists', `Sandbox ${echo(input.id)} already exists.`, { entity: 'sandbox' })
        }
        if (Object.keys(tx.state.sandboxes).length >= input.max) {
          throw new EmulatorError('LimitExceeded', `At most ${input.max} sandboxes are kept; delete one first.`)
        }
        const sandbox: Sandbox = { id: input.id, createdAt: nowIso(ctx), seed: structuredClone(input.seed) }
        tx.put('sandboxes', sandbox.id, sandbox)
        insertContents(tx, sandbox.id, input.contents)
        return infoOf(tx.state, sandbox)
      })
    },

    listSandboxes(): SandboxInfo[] {
      return ctx.store.read((state) => Object.values(state.sandboxes).map((s) => infoOf(state, s)))
    },

    /** The sandbox's seed (with its credentials): what a reset seeds again. */
    sandboxSeed(id: string): unknown {
      return ctx.store.read((state) => structuredClone(requireSandbox(state, id).seed))
    },

    /** Remove the sandbox and everything its accounts hold (objects too), in one change. */
    async deleteSandbox(id: string): Promise<void> {
      await ctx.store.update((tx) => {
        requireSandbox(tx.state, id)
        removeContents(tx, id)
        tx.remove('sandboxes', id)
      })
      await ctx.bodies.collect()
    },

    /** Replace everything the sandbox holds by `contents` (its seed, seeded again; taken over), in one change. */
    async resetSandbox(id: string, contents: State): Promise<void> {
      await ctx.store.update((tx) => {
        requireSandbox(tx.state, id)
        removeContents(tx, id)
        insertContents(tx, id, contents)
      })
      await ctx.bodies.collect()
    },
  }
}

function requireSandbox(state: Readonly<State>, id: string): Sandbox {
  const sandbox = entry(state.sandboxes, id)
  if (!sandbox) throw new EmulatorError('NotFound', `There is no sandbox ${echo(id)}.`, { entity: 'sandbox' })
  return sandbox
}

function infoOf(state: Readonly<State>, sandbox: Sandbox): SandboxInfo {
  const accounts = accountsInSandbox(state, sandbox.id).map(({ id, realm, name, parentId }) => ({
    id,
    realm,
    name,
    ...(parentId !== undefined && { parentId }),
  }))
  return { id: sandbox.id, createdAt: sandbox.createdAt, accounts }
}

const HELD: readonly Exclude<Collection, 'sandboxes'>[] = [
  'accounts',
  'users',
  'accessKeys',
  'buckets',
  'policies',
  'tokens',
]

// Every entity of `contents` under its own id, its accounts marked as the sandbox's; key serials
// continue the state's count. An id already in use anywhere is refused (the whole change is undone).
function insertContents(tx: Transaction, sandboxId: string, contents: State): void {
  let serial = tx.state.counters.keySerial
  for (const collection of HELD) {
    for (const [id, entity] of Object.entries(contents[collection])) {
      if (entry(tx.state[collection] as Record<string, unknown>, id) !== undefined) {
        throw new EmulatorError('AlreadyExists', `An entity ${echo(id)} of ${collection} already exists.`)
      }
      const stored =
        collection === 'accounts'
          ? { ...(entity as Account), sandbox: sandboxId }
          : collection === 'accessKeys'
            ? { ...(entity as State['accessKeys'][string]), serial: ++serial }
            : entity
      tx.put(collection, id, stored as never)
    }
  }
  tx.setCounter('keySerial', serial)
}

function removeContents(tx: Transaction, sandboxId: string): void {
  for (const account of accountsInSandbox(tx.state, sandboxId)) {
    for (const bucket of bucketsOf(tx.state, account.id)) removeBucketContents(tx, bucket.id)
    const held = [
      ['accessKeys', keysOfAccount(tx.state, account.id)],
      ['users', usersOf(tx.state, account.id)],
      ['buckets', bucketsOf(tx.state, account.id)],
      ['policies', policiesOf(tx.state, account.id)],
    ] as const
    for (const [collection, entities] of held) for (const e of entities) tx.remove(collection, e.id)
    for (const token of tokensOf(tx.state, account.id)) tx.remove('tokens', token.token)
    tx.remove('accounts', account.id)
  }
}
