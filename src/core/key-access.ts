import {
  type AccessKeyView,
  copyScope,
  insertAccessKey,
  type KeyFilter,
  keyView,
  type NewAccessKey,
  requireKey,
} from './access-keys.js'
import { type CoreContext, nowIso } from './context.js'
import { EmulatorError, echo } from './errors.js'
import type { AccessKey, KeyScope, ManagedPolicy, State } from './model.js'
import {
  findPolicy,
  insertPolicy,
  type ManagedPolicyView,
  type NewManagedPolicy,
  requirePolicy,
  withCount,
} from './policies.js'
import { parsePolicyDocument } from './policy-document.js'
import { entry, type Transaction } from './store.js'

// Policies attached to keys by name within the key's account (providers whose keys are the only
// principals): made, attached and detached together with the key and its scope, all or nothing.

/** A new policy to make and attach with a key. */
export type NewKeyPolicy = Omit<NewManagedPolicy, 'accountId'>

export interface KeyAccessChange {
  /** Replaces the key's scope. */
  scope?: KeyScope
  /** Names of policies to detach (those not attached are ignored); applied before `attach`. */
  detach?: string[]
  /** Names of existing policies to attach (those attached already are ignored). */
  attach?: string[]
}

/** A key with the names of the policies attached to it. */
export type KeyWithPolicies<K> = K & { policyNames: string[] }

/** @example const ops = keyAccessOps(ctx); await ops.createAccessKeyWithPolicies(input, { attach: ['ro'], create: [] }) */
export function keyAccessOps(ctx: CoreContext) {
  return {
    /**
     * A key with policies: `attach` names existing ones (every one must exist), `create` new ones
     * (every name must be new, every document valid). When anything fails nothing is written.
     */
    async createAccessKeyWithPolicies(
      input: NewAccessKey,
      policies: { attach: string[]; create: NewKeyPolicy[] },
    ): Promise<KeyWithPolicies<AccessKey>> {
      for (const policy of policies.create) parsePolicyDocument(policy.document)
      return ctx.store.update((tx) => {
        const attached = existingPolicies(tx.state, input.accountId, policies.attach)
        const created = policies.create.map((p) => insertPolicy(ctx, tx, { ...p, accountId: input.accountId }))
        const key = insertAccessKey(ctx, tx, input)
        const ids = unique([...attached, ...created].map((p) => p.id))
        const withPolicies = withPolicyIds(key, ids)
        tx.put('accessKeys', key.id, withPolicies)
        return { ...withPolicies, policyNames: namesOf(tx.state, ids) }
      })
    },

    /** Change a key's scope and attached policies in one step. */
    async updateKeyAccess(filter: KeyFilter, keyId: string, change: KeyAccessChange): Promise<AccessKeyView> {
      return ctx.store.update(({ state, put }) => {
        const current = requireKey(state, filter, keyId)
        const attach = existingPolicies(state, current.accountId, change.attach ?? []).map((p) => p.id)
        const detach = (change.detach ?? []).flatMap((name) => {
          const policy = findPolicy(state, current.accountId, '/', name)
          return policy ? [policy.id] : []
        })
        const kept = (current.policyIds ?? []).filter((id) => !detach.includes(id))
        const updated = withPolicyIds(
          { ...current, ...(change.scope && { scope: copyScope(change.scope) }), updatedAt: nowIso(ctx) },
          unique([...kept, ...attach]),
        )
        put('accessKeys', current.id, updated)
        return keyView(updated)
      })
    },

    /** The names of the policies attached to a key, in the order they were attached. */
    keyPolicyNames(key: Pick<AccessKey, 'policyIds'>): string[] {
      return ctx.store.read((state) => namesOf(state, key.policyIds ?? []))
    },

    /** Replace a policy's document (and description when given); every key it is attached to follows at once. */
    async updatePolicyDocument(
      accountId: string,
      name: string,
      change: { document: string; description?: string },
    ): Promise<ManagedPolicyView> {
      parsePolicyDocument(change.document)
      return ctx.store.update(({ state, put }) => {
        const policy: ManagedPolicy = {
          ...requirePolicy(state, accountId, { path: '/', name }),
          document: change.document,
          ...(change.description !== undefined && { description: change.description }),
          updatedAt: nowIso(ctx),
        }
        put('policies', policy.id, policy)
        return withCount(state, policy)
      })
    },

    /** Delete a policy after detaching it from every key it is attached to. */
    async deletePolicyDetaching(accountId: string, name: string): Promise<void> {
      await ctx.store.update((tx) => {
        const policy = requirePolicy(tx.state, accountId, { path: '/', name })
        detachEverywhere(tx, policy.id)
        tx.remove('policies', policy.id)
      })
    },
  }
}

const unique = (ids: string[]) => [...new Set(ids)]

// A key with no policies carries none at all: an empty list would let it do nothing (see AccessKey.policyIds).
function withPolicyIds(key: AccessKey, ids: string[]): AccessKey {
  const { policyIds: _old, ...rest } = key
  return ids.length > 0 ? { ...rest, policyIds: ids } : rest
}

function namesOf(state: Readonly<State>, ids: readonly string[]): string[] {
  return ids.flatMap((id) => {
    const policy = entry(state.policies, id)
    return policy ? [policy.name] : []
  })
}

// Every named policy, or NotFound naming all that are missing.
function existingPolicies(state: Readonly<State>, accountId: string, names: string[]): ManagedPolicy[] {
  const found = names.map((name) => findPolicy(state, accountId, '/', name))
  const missing = names.filter((_, i) => found[i] === undefined)
  if (missing.length > 0) {
    throw new EmulatorError(
      'NotFound',
      `${missing.length === 1 ? 'Policy' : 'Policies'} ${missing.map(echo).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist.`,
      { entity: 'policy', names: missing },
    )
  }
  return found.filter((p): p is ManagedPolicy => p !== undefined)
}

function detachEverywhere({ state, put }: Transaction, policyId: string): void {
  for (const key of Object.values(state.accessKeys)) {
    if (key.policyIds?.includes(policyId))
      put(
        'accessKeys',
        key.id,
        withPolicyIds(
          key,
          key.policyIds.filter((id) => id !== policyId),
        ),
      )
  }
  for (const user of Object.values(state.users)) {
    if (user.attachedPolicyIds.includes(policyId))
      put('users', user.id, { ...user, attachedPolicyIds: user.attachedPolicyIds.filter((id) => id !== policyId) })
  }
}
