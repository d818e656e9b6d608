import { type CoreContext, nowIso, requireAccount } from './context.js'
import { EmulatorError, echo } from './errors.js'
import type { Ids } from './ids.js'
import { keysIn } from './indexes.js'
import { requireAccountPolicies } from './key-policies.js'
import { memoByIdentity } from './memo.js'
import type { AccessKey, AccessKeyStatus, KeyScope, KeyUse, State } from './model.js'
import { entry, type Transaction } from './store.js'

/** An access key as shown after creation: everything but the secret. */
export type AccessKeyView = Omit<AccessKey, 'secret'>

/** How a provider's key ids and secrets look. */
export interface KeyShape {
  idPrefix: string
  /** Characters after the prefix. */
  idLength: number
  /** 'uuid': the id is a random UUID (prefix and length unused). */
  idAlphabet: 'upper-alnum' | 'base32' | 'base62' | 'uuid'
  secretAlphabet: 'secret' | 'base62'
  /** What every secret starts with (none by default). */
  secretPrefix?: string
}

export interface NewAccessKey {
  namespace: string
  accountId: string
  userId: string | null
  shape: KeyShape
  bucketId?: string
  scope?: KeyScope
  label?: string
  description?: string
  regions?: string[]
  holder?: string
  /** Managed policies of the account to attach to the key (see AccessKey.policyIds). */
  policyIds?: string[]
  /** At most `max` keys per owner (user or root) or per bucket, counting inactive ones. */
  quota?: { per: 'owner' | 'bucket'; max: number; name: string }
}

/**
 * Which keys an operation may see: those of one namespace and account, and optionally of one owner,
 * and of one bucket (`bucketId: null`: only keys that belong to no bucket).
 */
export interface KeyFilter {
  namespace: string
  accountId: string
  userId?: string | null
  bucketId?: string | null
  /** Only keys issued to this holder. */
  holder?: string
}

const SECRET_LENGTH = 40

/** @example const keys = accessKeyOps(ctx); const { secret } = await keys.createAccessKey({...}) */
export function accessKeyOps(ctx: CoreContext) {
  return {
    /** The only call that returns the secret. */
    async createAccessKey(input: NewAccessKey): Promise<AccessKey> {
      return ctx.store.update((tx) => ({ ...insertAccessKey(ctx, tx, input) }))
    },

    /** Add a key whose id and secret are given (seeding); the id must be unused. */
    async importAccessKey(input: {
      namespace: string
      accountId: string
      userId: string | null
      accessKeyId: string
      secretAccessKey: string
      status?: AccessKeyStatus
    }): Promise<AccessKeyView> {
      return ctx.store.update(({ state, put, setCounter }) => {
        requireAccount(state, input.accountId)
        if (entry(state.accessKeys, input.accessKeyId)) {
          throw new EmulatorError('AlreadyExists', `Access key ${echo(input.accessKeyId)} already exists.`, {
            entity: 'access-key',
          })
        }
        const now = nowIso(ctx)
        const key: AccessKey = {
          id: input.accessKeyId,
          secret: input.secretAccessKey,
          namespace: input.namespace,
          accountId: input.accountId,
          userId: input.userId,
          status: input.status ?? 'Active',
          createdAt: now,
          updatedAt: now,
          lastUsed: null,
          serial: state.counters.keySerial + 1,
        }
        setCounter('keySerial', key.serial)
        put('accessKeys', key.id, key)
        return keyView(key)
      })
    },

    /** Keys in creation order, without secrets. */
    listAccessKeys(filter: KeyFilter): AccessKeyView[] {
      return ctx.store.read((state) => keysMatching(state, filter).map(keyView))
    },

    getAccessKey(filter: KeyFilter, keyId: string): AccessKeyView {
      return ctx.store.read((state) => keyView(requireKey(state, filter, keyId)))
    },

    /** The id of the key with this serial number, for providers that name keys by number. */
    keyIdOfSerial(filter: KeyFilter, serial: number): string {
      return ctx.store.read((state) => {
        const key = keysMatching(state, filter).find((k) => k.serial === serial)
        if (!key)
          throw new EmulatorError('NotFound', `The access key ${serial} cannot be found.`, { entity: 'access-key' })
        return key.id
      })
    },

    /**
     * The key and its secret, for checking a credential; undefined when no key of these namespaces
     * has this id (a key of another namespace is no credential here).
     */
    findKeyForAuth(namespaces: readonly string[], keyId: string): Readonly<AccessKey> | undefined {
      return ctx.store.read((state) => {
        const key = entry(state.accessKeys, keyId)
        return key && namespaces.includes(key.namespace) ? key : undefined
      })
    },

    async setAccessKeyStatus(filter: KeyFilter, keyId: string, status: AccessKeyStatus): Promise<AccessKeyView> {
      return ctx.store.update(({ state, put }) => {
        const key = { ...requireKey(state, filter, keyId), status, updatedAt: nowIso(ctx) }
        put('accessKeys', key.id, key)
        return keyView(key)
      })
    },

    async updateAccessKey(
      filter: KeyFilter,
      keyId: string,
      changes: { label?: string; description?: string; regions?: string[]; policyIds?: string[] },
    ): Promise<AccessKeyView> {
      return ctx.store.update(({ state, put }) => {
        if (changes.policyIds) requireAccountPolicies(state, filter.accountId, changes.policyIds)
        const key = {
          ...requireKey(state, filter, keyId),
          ...(changes.label !== undefined && { label: changes.label }),
          ...(changes.description !== undefined && { description: changes.description }),
          ...(changes.regions !== undefined && { regions: [...changes.regions] }),
          ...(changes.policyIds !== undefined && { policyIds: [...changes.policyIds] }),
          updatedAt: nowIso(ctx),
        }
        put('accessKeys', key.id, key)
        return keyView(key)
      })
    },

    /** A new secret for the key; the old one stops working at once. The only other call that returns a secret. */
    async rotateSecret(filter: KeyFilter, keyId: string, shape: KeyShape): Promise<AccessKey> {
      return ctx.store.update(({ state, put }) => {
        const key = { ...requireKey(state, filter, keyId), secret: newSecret(ctx.ids, shape), updatedAt: nowIso(ctx) }
        put('accessKeys', key.id, key)
        return { ...key }
      })
    },

    async deleteAccessKey(filter: KeyFilter, keyId: string): Promise<AccessKeyView> {
      return ctx.store.update(({ state, remove }) => {
        const key = requireKey(state, filter, keyId)
        remove('accessKeys', key.id)
        return keyView(key)
      })
    },

    /**
     * Note that a key was just used; not awaited, since it must not slow the call it records. A use
     * within a second of the last one recorded, for the same service and region, is not written again:
     * a burst of calls would otherwise rewrite the key on every call for a time IAM shows to the second.
     */
    recordKeyUse(keyId: string, use: Omit<KeyUse, 'at'>): void {
      const last = ctx.store.read((state) => entry(state.accessKeys, keyId)?.lastUsed)
      const since = last ? ctx.clock.now().getTime() - Date.parse(last.at) : Number.NaN
      if (last?.service === use.service && last.region === use.region && since >= 0 && since < KEY_USE_RESOLUTION_MS)
        return
      ctx.store.touch(({ state, put }) => {
        const key = entry(state.accessKeys, keyId)
        if (key) put('accessKeys', keyId, { ...key, lastUsed: { ...use, at: nowIso(ctx) } })
      })
    },
  }
}

/**
 * Create a key inside a change that may make other records too (a key with its policies, an account
 * with its first key): the caller's `store.update` undoes it with the rest.
 *
 * @example ctx.store.update((tx) => insertAccessKey(ctx, tx, { namespace, accountId, userId: null, shape }))
 */
export function insertAccessKey(ctx: CoreContext, tx: Transaction, input: NewAccessKey): AccessKey {
  const { state, put, setCounter } = tx
  requireAccount(state, input.accountId)
  if (input.policyIds) requireAccountPolicies(state, input.accountId, input.policyIds)
  if (input.quota) {
    const { per, max, name } = input.quota
    const { namespace, accountId } = input
    const filter: KeyFilter =
      per === 'owner'
        ? { namespace, accountId, userId: input.userId, bucketId: input.bucketId ?? null }
        : { namespace, accountId, bucketId: input.bucketId ?? null }
    if (keysMatching(state, filter).length >= max) {
      throw new EmulatorError('LimitExceeded', `Cannot exceed quota for ${name}: ${max}`, { quota: name, max })
    }
  }
  const now = nowIso(ctx)
  const key: AccessKey = {
    id: uniqueKeyId(state, ctx.ids, input.shape),
    secret: newSecret(ctx.ids, input.shape),
    namespace: input.namespace,
    accountId: input.accountId,
    userId: input.userId,
    status: 'Active',
    createdAt: now,
    updatedAt: now,
    lastUsed: null,
    serial: state.counters.keySerial + 1,
  }
  // Filled in place: conditional spreads were the costliest lines of a create.
  if (input.label !== undefined) key.label = input.label
  if (input.description !== undefined) key.description = input.description
  if (input.policyIds) key.policyIds = [...input.policyIds]
  if (input.scope) key.scope = copyScope(input.scope)
  if (input.bucketId) key.bucketId = input.bucketId
  if (input.regions) key.regions = [...input.regions]
  if (input.holder !== undefined) key.holder = input.holder
  setCounter('keySerial', key.serial)
  put('accessKeys', key.id, key)
  return key
}

/** A key's own copy of the caller's scope (plain data: structuredClone cost a tenth of a create). */
export const copyScope = (scope: KeyScope): KeyScope => ({
  grants: scope.grants.map((grant) => ({ ...grant })),
  accountActions: [...scope.accountActions],
})

const newSecret = (ids: Ids, shape: KeyShape) =>
  ids.token(shape.secretPrefix ?? '', SECRET_LENGTH, shape.secretAlphabet)

/** How close two uses of a key may be for the later one to go unrecorded. */
const KEY_USE_RESOLUTION_MS = 1000

/** A key without its secret. A stored key is frozen: its view (every listing shows one per key) is made once and shared. */
export const keyView = memoByIdentity((key: AccessKey): AccessKeyView => {
  const { secret: _secret, ...rest } = key
  return Object.freeze(rest)
})

/** Keys the filter lets through, in creation (serial) order. */
export function keysMatching(state: Readonly<State>, filter: KeyFilter): AccessKey[] {
  const { namespace, accountId, userId, bucketId, holder } = filter
  // The narrowest index for the filter: an owner's keys (few), else a bucket's (or those of no
  // bucket), else the account's; an owner's keys are then checked for the bucket.
  let keys: AccessKey[]
  if (userId !== undefined) {
    const owned = keysIn(state, namespace, accountId, { userId })
    keys = bucketId === undefined ? owned : owned.filter((k) => (k.bucketId ?? null) === bucketId)
  } else {
    keys = keysIn(state, namespace, accountId, bucketId !== undefined ? { bucketId } : undefined)
  }
  return bySerial(holder === undefined ? keys : keys.filter((k) => k.holder === holder))
}

// Index members are in serial order but for keys put back by a rollback, so this costs about one pass.
function bySerial(keys: AccessKey[]): AccessKey[] {
  return keys.sort((a, b) => a.serial - b.serial)
}

export function requireKey(state: Readonly<State>, filter: KeyFilter, keyId: string): AccessKey {
  const key = entry(state.accessKeys, keyId)
  const visible =
    key &&
    key.namespace === filter.namespace &&
    key.accountId === filter.accountId &&
    (filter.userId === undefined || key.userId === filter.userId) &&
    (filter.bucketId === undefined || (key.bucketId ?? null) === filter.bucketId) &&
    (filter.holder === undefined || key.holder === filter.holder)
  if (!visible) {
    throw new EmulatorError('NotFound', `The Access Key with id ${echo(keyId)} cannot be found.`, {
      entity: 'access-key',
    })
  }
  return key
}

function uniqueKeyId(state: Readonly<State>, ids: Ids, shape: KeyShape): string {
  for (;;) {
    const id = shape.idAlphabet === 'uuid' ? ids.uuid() : ids.token(shape.idPrefix, shape.idLength, shape.idAlphabet)
    if (!entry(state.accessKeys, id)) return id
  }
}
