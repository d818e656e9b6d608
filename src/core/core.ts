import { accessKeyOps } from './access-keys.js'
import { type BlobStore, memoryBlobs } from './blobs.js'
import { Bodies, DEFAULT_MAX_OBJECT_BYTES } from './bodies.js'
import { bucketOps } from './buckets.js'
import { type Clock, systemClock } from './clock.js'
import { type CoreContext, requireAccount } from './context.js'
import { EmulatorError } from './errors.js'
import type { RequestContext } from './evaluator.js'
import { createIds, type Ids } from './ids.js'
import { keyAccessOps } from './key-access.js'
import { keyPolicyOps } from './key-policies.js'
import { keySecretOps } from './key-secrets.js'
import { managedAccountOps } from './managed-accounts.js'
import type { Account, ApiToken, State } from './model.js'
import { multipartOps } from './multipart.js'
import { objectOps } from './objects.js'
import { policyOps } from './policies.js'
import { type Authorization, authorize, type Principal } from './principals.js'
import { sandboxOps } from './sandboxes.js'
import { entry, type Store } from './store.js'
import { userOps } from './users.js'

export interface CoreOptions {
  store: Store
  clock?: Clock
  ids?: Ids
  /** Where object bodies go (in memory unless given: `fileBlobs(dir)` keeps them on disk). */
  blobs?: BlobStore
  /** The most bytes of object bodies kept at once (256 MiB unless given). */
  maxObjectBytes?: number
}

/**
 * Every operation on the shared model, bound to one store, clock and id source.
 *
 * @example
 * const core = createCore({ store: await openStore({ initial }) })
 * const key = await core.createAccessKey({ accountId, userId: null, shape })
 */
export function createCore(options: CoreOptions) {
  const ctx: CoreContext = {
    store: options.store,
    clock: options.clock ?? systemClock,
    ids: options.ids ?? createIds(),
    bodies: new Bodies(
      options.blobs ?? memoryBlobs(),
      () => options.store.read((state) => state),
      options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES,
    ),
  }
  return {
    ctx,
    ...userOps(ctx),
    ...accessKeyOps(ctx),
    ...keySecretOps(ctx),
    ...keyPolicyOps(ctx),
    ...policyOps(ctx),
    ...bucketOps(ctx),
    ...keyAccessOps(ctx),
    ...managedAccountOps(ctx),
    ...objectOps(ctx),
    ...multipartOps(ctx),

    /**
     * Free every stored body the state does not refer to: on start (a crash's leftovers) and after
     * the state was replaced whole (reset, snapshot restore) or a snapshot let go.
     */
    sweepBodies: (): Promise<void> => ctx.bodies.sweep(),

    /** Keep the bodies a copy of the state (a snapshot) refers to, until the returned function is called. */
    pinBodies: (state: Readonly<State>): (() => void) => ctx.bodies.pin(state),
    ...sandboxOps(ctx),

    now: () => ctx.clock.now(),

    /** The stored account itself (read on every call, so not copied): read it, never change it. */
    getAccount(accountId: string): Readonly<Account> | undefined {
      return ctx.store.read((state) => entry(state.accounts, accountId))
    },

    /** The first account of a realm: whom a dialect serves when authentication is off. */
    defaultAccount(realm: string): Account | undefined {
      return ctx.store.read((state) => {
        const account = Object.values(state.accounts).find((a) => a.realm === realm)
        return account && structuredClone(account)
      })
    },

    /** Add an account (seeding). */
    async createAccount(input: Omit<Account, 'createdAt'>): Promise<Account> {
      return ctx.store.update(({ state, put }) => {
        if (entry(state.accounts, input.id)) {
          throw new EmulatorError('AlreadyExists', `Account ${input.id} already exists.`, { entity: 'account' })
        }
        const account: Account = { ...structuredClone(input), createdAt: ctx.clock.now().toISOString() }
        put('accounts', account.id, account)
        return structuredClone(account)
      })
    },

    /** Add a bearer token of an account (seeding). */
    async addToken(input: Omit<ApiToken, 'createdAt'>): Promise<void> {
      await ctx.store.update(({ state, put }) => {
        requireAccount(state, input.accountId)
        if (entry(state.tokens, input.token)) throw new EmulatorError('AlreadyExists', 'That token already exists.')
        put('tokens', input.token, { ...structuredClone(input), createdAt: ctx.clock.now().toISOString() })
      })
    },

    findToken(token: string): Readonly<ApiToken> | undefined {
      return ctx.store.read((state) => entry(state.tokens, token))
    },

    authorize(principal: Principal, request: RequestContext): Authorization {
      return ctx.store.read((state) => authorize(state, principal, request))
    },
  }
}

export type Core = ReturnType<typeof createCore>
