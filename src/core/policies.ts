import { type CoreContext, nowIso, requireAccount, requireUser } from './context.js'
import { EmulatorError, echo } from './errors.js'
import { keyCountOfPolicy, policiesOf, policyNamed, userCountOfPolicy } from './indexes.js'
import type { ManagedPolicy, State, Tag } from './model.js'
import { type CursorPage, type PageRequest, pageAfter, sortedBy } from './pagination.js'
import { parsePolicyDocument } from './policy-document.js'
import { entry, setEntry, type Transaction } from './store.js'

export interface NewManagedPolicy {
  /** A given id (seeding), which must be unused; else one in IAM's shape. */
  id?: string
  accountId: string
  name: string
  path?: string
  description?: string
  document: string
  tags?: Tag[]
}

/** A managed policy with how many identities it is attached to. */
export interface ManagedPolicyView extends ManagedPolicy {
  attachmentCount: number
}

/** A managed policy named by path and name; `label` is how the caller's provider names it in messages (an ARN). */
export interface PolicyRef {
  path: string
  name: string
  label?: string
}

const labelOf = (ref: PolicyRef) => echo(ref.label ?? `${ref.path}${ref.name}`)

export interface PolicyLimits {
  /** Most managed policies attached to one user. */
  maxAttachedPerUser?: number
  /** Most characters (white space excluded) of all inline policies of one user together. */
  maxInlineChars?: number
}

/** @example const policies = policyOps(ctx); await policies.createPolicy({ accountId, name, document }) */
export function policyOps(ctx: CoreContext) {
  return {
    async createPolicy(input: NewManagedPolicy): Promise<ManagedPolicyView> {
      parsePolicyDocument(input.document)
      return ctx.store.update((tx) => withCount(tx.state, insertPolicy(ctx, tx, input)))
    },

    /** A policy found by its path and name within the account. */
    getPolicy(accountId: string, ref: PolicyRef): ManagedPolicyView {
      return ctx.store.read((state) => withCount(state, requirePolicy(state, accountId, ref)))
    },

    listPolicies(
      accountId: string,
      query: { pathPrefix?: string; onlyAttached?: boolean } & PageRequest,
    ): CursorPage<ManagedPolicyView> {
      return ctx.store.read((state) => {
        const prefix = query.pathPrefix ?? '/'
        const all = policiesOf(state, accountId)
          .filter((p) => p.path.startsWith(prefix))
          .map((p) => withCount(state, p))
          .filter((p) => !query.onlyAttached || p.attachmentCount > 0)
        return pageAfter(sortedBy(all, byName), query, byName)
      })
    },

    async deletePolicy(accountId: string, ref: PolicyRef): Promise<void> {
      await ctx.store.update(({ state, remove }) => {
        const policy = requirePolicy(state, accountId, ref)
        if (attachmentCount(state, policy.id) > 0) {
          throw new EmulatorError('InUse', 'Cannot delete a policy attached to entities.', { entity: 'policy' })
        }
        remove('policies', policy.id)
      })
    },

    async attachUserPolicy(
      accountId: string,
      userName: string,
      policy: PolicyRef,
      limits: PolicyLimits = {},
    ): Promise<void> {
      await ctx.store.update(({ state, put }) => {
        const user = requireUser(state, accountId, userName)
        const found = findPolicy(state, accountId, policy.path, policy.name)
        if (!found) {
          throw new EmulatorError('NotFound', `Policy ${labelOf(policy)} does not exist or is not attachable.`, {
            entity: 'policy',
          })
        }
        if (user.attachedPolicyIds.includes(found.id)) return
        const max = limits.maxAttachedPerUser
        if (max !== undefined && user.attachedPolicyIds.length >= max) {
          throw new EmulatorError('LimitExceeded', `Cannot exceed quota for PoliciesPerUser: ${max}`)
        }
        put('users', user.id, { ...user, attachedPolicyIds: [...user.attachedPolicyIds, found.id] })
      })
    },

    async detachUserPolicy(accountId: string, userName: string, policy: PolicyRef): Promise<void> {
      await ctx.store.update(({ state, put }) => {
        const user = requireUser(state, accountId, userName)
        const found = findPolicy(state, accountId, policy.path, policy.name)
        if (!found || !user.attachedPolicyIds.includes(found.id)) {
          throw new EmulatorError('NotFound', `Policy ${labelOf(policy)} was not found.`, {
            entity: 'policy',
          })
        }
        put('users', user.id, { ...user, attachedPolicyIds: user.attachedPolicyIds.filter((id) => id !== found.id) })
      })
    },

    listAttachedUserPolicies(
      accountId: string,
      userName: string,
      query: { pathPrefix?: string } & PageRequest,
    ): CursorPage<ManagedPolicy> {
      return ctx.store.read((state) => {
        const user = requireUser(state, accountId, userName)
        const prefix = query.pathPrefix ?? '/'
        const attached = user.attachedPolicyIds.flatMap((id) => {
          const p = entry(state.policies, id)
          return p?.path.startsWith(prefix) ? [p] : []
        })
        return pageAfter(sortedBy(attached, byName), query, byName)
      })
    },

    /** Adds or replaces an inline policy of a user. */
    async putUserPolicy(
      accountId: string,
      userName: string,
      name: string,
      document: string,
      limits: PolicyLimits = {},
    ): Promise<void> {
      parsePolicyDocument(document)
      await ctx.store.update(({ state, put }) => {
        const user = requireUser(state, accountId, userName)
        const next = { ...user.inlinePolicies }
        setEntry(next, name, document)
        const max = limits.maxInlineChars
        const size = Object.values(next).reduce((n, text) => n + text.replace(/\s/g, '').length, 0)
        if (max !== undefined && size > max) {
          throw new EmulatorError('LimitExceeded', `Maximum policy size of ${max} bytes exceeded for user ${user.name}`)
        }
        put('users', user.id, { ...user, inlinePolicies: next })
      })
    },

    getUserPolicy(accountId: string, userName: string, name: string): { userName: string; document: string } {
      return ctx.store.read((state) => {
        const user = requireUser(state, accountId, userName)
        const document = entry(user.inlinePolicies, name)
        if (document === undefined) throw noInline(userName, name)
        return { userName: user.name, document }
      })
    },

    listUserPolicies(accountId: string, userName: string, query: PageRequest): CursorPage<string> {
      return ctx.store.read((state) => {
        const user = requireUser(state, accountId, userName)
        return pageAfter(Object.keys(user.inlinePolicies).sort(), query, (n) => n)
      })
    },

    async deleteUserPolicy(accountId: string, userName: string, name: string): Promise<void> {
      await ctx.store.update(({ state, put }) => {
        const user = requireUser(state, accountId, userName)
        if (entry(user.inlinePolicies, name) === undefined) throw noInline(userName, name)
        const rest = { ...user.inlinePolicies }
        delete rest[name]
        put('users', user.id, { ...user, inlinePolicies: rest })
      })
    },
  }
}

/**
 * Create a managed policy inside a larger change (a key created with its policies). Names are unique
 * in the account regardless of case. The document must have been checked with parsePolicyDocument.
 *
 * @example ctx.store.update((tx) => insertPolicy(ctx, tx, { accountId, name: 'uploads-rw', document }))
 */
export function insertPolicy(ctx: CoreContext, { state, put }: Transaction, input: NewManagedPolicy): ManagedPolicy {
  requireAccount(state, input.accountId)
  const clash = policyNamed(state, input.accountId, input.name) !== undefined
  if (input.id !== undefined && entry(state.policies, input.id)) {
    throw new EmulatorError('AlreadyExists', `A policy with id ${echo(input.id)} already exists.`, {
      entity: 'policy',
    })
  }
  if (clash) {
    throw new EmulatorError(
      'AlreadyExists',
      `A policy called ${echo(input.name)} already exists. Duplicate names are not allowed.`,
      { entity: 'policy', name: input.name },
    )
  }
  const now = nowIso(ctx)
  const policy: ManagedPolicy = {
    id: input.id ?? ctx.ids.token('ANPA', 17, 'upper-alnum'),
    accountId: input.accountId,
    name: input.name,
    path: input.path ?? '/',
    document: input.document,
    createdAt: now,
    updatedAt: now,
    tags: input.tags ?? [],
    ...(input.description !== undefined && { description: input.description }),
  }
  put('policies', policy.id, policy)
  return policy
}

const byName = (p: { name: string }) => p.name

function noInline(userName: string, name: string): EmulatorError {
  return new EmulatorError('NotFound', `The user policy with name ${echo(name)} cannot be found.`, {
    entity: 'user-policy',
    userName,
  })
}

export function findPolicy(
  state: Readonly<State>,
  accountId: string,
  path: string,
  name: string,
): ManagedPolicy | undefined {
  const policy = policyNamed(state, accountId, name)
  return policy?.path === path && policy.name === name ? policy : undefined
}

export function requirePolicy(state: Readonly<State>, accountId: string, ref: PolicyRef): ManagedPolicy {
  const policy = findPolicy(state, accountId, ref.path, ref.name)
  if (!policy) throw new EmulatorError('NotFound', `Policy ${labelOf(ref)} was not found.`, { entity: 'policy' })
  return policy
}

// Identities and keys alike: a policy attached to either is in use.
function attachmentCount(state: Readonly<State>, policyId: string): number {
  return userCountOfPolicy(state, policyId) + keyCountOfPolicy(state, policyId)
}

export function withCount(state: Readonly<State>, policy: ManagedPolicy): ManagedPolicyView {
  // The stored policy is frozen: its document is shared, not copied.
  return { ...policy, attachmentCount: attachmentCount(state, policy.id) }
}
