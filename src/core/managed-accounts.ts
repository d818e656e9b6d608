import { insertAccessKey, type NewAccessKey } from './access-keys.js'
import { findBucket, insertBucket, type NewBucket } from './buckets.js'
import { type CoreContext, nowIso } from './context.js'
import { EmulatorError, echo } from './errors.js'
import type { AccessKey, Account, Bucket, Region, State } from './model.js'
import { type CursorPage, type PageRequest, pageAfter, sortedBy } from './pagination.js'
import { entry, type Transaction } from './store.js'

// Accounts managed by another account (a reseller's tenant organizations): made, listed, disabled and
// provisioned by the managing account, which signs its calls with its signing key.

export interface NewManagedAccount {
  parentId: string
  id: string
  name: string
  realm: string
  regions: Region[]
  settings?: Record<string, unknown>
}

export interface AccountChange {
  disabled?: boolean
  /** Merged into the account's settings. */
  settings?: Record<string, unknown>
}

/** @example const accounts = managedAccountOps(ctx); accounts.signer('tigris', 'acme')?.signingKey */
export function managedAccountOps(ctx: CoreContext) {
  return {
    /** An account of `realm` that has a signing key, by id (or the first one when no id is given). */
    signer(realm: string, id?: string): Readonly<Account> | undefined {
      return ctx.store.read((state) => {
        if (id === undefined) return Object.values(state.accounts).find((a) => a.realm === realm && a.signingKey)
        const account = entry(state.accounts, id)
        return account?.realm === realm && account.signingKey ? account : undefined
      })
    },

    /** An account `parentId` manages, or undefined (also when another account manages it). */
    findManagedAccount(parentId: string, id: string): Readonly<Account> | undefined {
      return ctx.store.read((state) => managedBy(state, parentId, id))
    },

    async createManagedAccount(input: NewManagedAccount): Promise<Account> {
      return ctx.store.update((tx) => structuredClone(insertManagedAccount(ctx, tx, input)))
    },

    /** The accounts `parentId` manages, by id; disabled ones only when asked for. */
    listManagedAccounts(
      parentId: string,
      query: { includeDisabled: boolean } & PageRequest,
    ): CursorPage<Readonly<Account>> {
      return ctx.store.read((state) => {
        const all = Object.values(state.accounts).filter(
          (a) => a.parentId === parentId && (query.includeDisabled || !a.disabled),
        )
        return pageAfter(sortedBy(all, byId), query, byId)
      })
    },

    /** Disable or enable an account (its keys stop or start working at once) and change its settings. */
    async updateManagedAccount(parentId: string, id: string, change: AccountChange): Promise<Account> {
      return ctx.store.update(({ state, put }) => {
        const current = requireManaged(state, parentId, id)
        const account: Account = {
          ...current,
          ...(change.disabled !== undefined && { disabled: change.disabled }),
          ...(change.settings && { settings: { ...current.settings, ...structuredClone(change.settings) } }),
        }
        put('accounts', account.id, account)
        return structuredClone(account)
      })
    },

    /**
     * Make sure the account and its bucket exist (creating what is missing, so that repeating the call
     * makes no duplicate) and issue a new key in it, all or nothing. A disabled account is refused.
     */
    async provision(input: {
      account: NewManagedAccount
      bucket: Omit<NewBucket, 'accountId'>
      key: Omit<NewAccessKey, 'accountId'>
    }): Promise<{ account: Account; bucket: Bucket; key: AccessKey }> {
      return ctx.store.update((tx) => {
        const { parentId, id } = input.account
        const account = managedBy(tx.state, parentId, id) ?? insertManagedAccount(ctx, tx, input.account)
        if (account.disabled) {
          throw new EmulatorError('Forbidden', `The account ${echo(id)} is disabled.`, { entity: 'account' })
        }
        const bucket =
          findBucket(tx.state, { accountId: id, name: input.bucket.name }) ??
          insertBucket(ctx, tx, { ...input.bucket, accountId: id })
        const key = insertAccessKey(ctx, tx, { ...input.key, accountId: id })
        return { account: structuredClone(account), bucket: structuredClone(bucket), key: { ...key } }
      })
    },
  }
}

const byId = (a: Account) => a.id

function managedBy(state: Readonly<State>, parentId: string, id: string): Account | undefined {
  const account = entry(state.accounts, id)
  return account?.parentId === parentId ? account : undefined
}

function requireManaged(state: Readonly<State>, parentId: string, id: string): Account {
  const account = managedBy(state, parentId, id)
  if (!account) throw new EmulatorError('NotFound', `The account ${echo(id)} cannot be found.`, { entity: 'account' })
  return account
}

// Account ids are global: one taken by any account (managed by another or by nobody) is refused.
function insertManagedAccount(ctx: CoreContext, { state, put }: Transaction, input: NewManagedAccount): Account {
  const parent = entry(state.accounts, input.parentId)
  if (!parent) {
    throw new EmulatorError('NotFound', `The account ${echo(input.parentId)} cannot be found.`, { entity: 'account' })
  }
  if (entry(state.accounts, input.id)) {
    throw new EmulatorError('AlreadyExists', `Account ${echo(input.id)} already exists.`, { entity: 'account' })
  }
  const account: Account = {
    id: input.id,
    name: input.name,
    realm: input.realm,
    regions: structuredClone(input.regions),
    parentId: input.parentId,
    createdAt: nowIso(ctx),
    ...(input.settings && { settings: structuredClone(input.settings) }),
    // An account a sandbox's account manages is the sandbox's too.
    ...(parent.sandbox !== undefined && { sandbox: parent.sandbox }),
  }
  put('accounts', account.id, account)
  return account
}
