import { type Decision, evaluate, type NamedPolicy, type RequestContext } from './evaluator.js'
import { grantsEverything, scopePolicy, tokenScopePolicy } from './grants.js'
import { boundedCache } from './memo.js'
import type { AccessKey, KeyUse, State } from './model.js'
import { parsePolicyDocument } from './policy-document.js'
import { entry } from './store.js'

/** Who is calling: an account's root identity or one of its users, through a key or a token. */
export interface Principal {
  accountId: string
  /** null for the account's root identity. */
  userId: string | null
  /** The access key that signed the call, if a key did. */
  keyId: string | null
  /** Where the key is being used, recorded as its last use once the call succeeds. */
  keyUse?: Omit<KeyUse, 'at'>
  /** The OAuth-style scopes of the token that made the call; undefined when no token limits it. */
  scopes?: readonly string[]
  /** The policy of an end user the caller acts for (a Tigris partner's user_role), which limits the call further. */
  actingAs?: NamedPolicy
}

/** @example principalOfKey(key) // { accountId, userId, keyId } */
export function principalOfKey(key: AccessKey): Principal {
  return { accountId: key.accountId, userId: key.userId, keyId: key.id }
}

const parsed = boundedCache<NamedPolicy['document']>(2000)

// Stored documents were validated on the way in; parsing once per distinct text keeps evaluation cheap.
const parsedDocument = (text: string): NamedPolicy['document'] => parsed(text, () => parsePolicyDocument(text))

/** The identity policies of a user: inline ones, then attached managed ones. */
export function userPolicies(state: Readonly<State>, userId: string): NamedPolicy[] {
  const user = entry(state.users, userId)
  if (!user) return []
  const inline = Object.entries(user.inlinePolicies).map(([name, text]) => ({ name, document: parsedDocument(text) }))
  const attached = user.attachedPolicyIds.flatMap((id) => {
    const policy = entry(state.policies, id)
    return policy ? [{ name: policy.name, document: parsedDocument(policy.document) }] : []
  })
  return [...inline, ...attached]
}

/** The managed policies attached to a key itself, when it has any. */
export function keyPolicies(state: Readonly<State>, key: AccessKey): NamedPolicy[] {
  return (key.policyIds ?? []).flatMap((id) => {
    const policy = entry(state.policies, id)
    return policy ? [{ name: policy.name, document: parsedDocument(policy.document) }] : []
  })
}

/**
 * Which of a caller's layers decided: its root identity, its user's policies, its key's scope, the
 * policies attached to its key, its token's scopes, the key being no longer active, its account
 * being disabled, the end user it acts for, or the resource being another account's; or none, for an
 * operation that asks no permission.
 */
export type DecidingLayer =
  | 'unrestricted'
  | 'root'
  | 'identity'
  | 'key-scope'
  | 'key-policies'
  | 'token-scopes'
  | 'inactive-key'
  | 'disabled-account'
  | 'acting-user'
  | 'other-account'

/** A decision and the layer of the caller that made it. */
export interface Authorization extends Decision {
  via: DecidingLayer
}

/**
 * May this principal take this action on this resource? Root may do anything its key's scope, the
 * key's own policies and its token's scopes allow; a user only what its policies allow (and its key's,
 * if it has any). Policies on a key whose scope grants everything do not narrow it. An explicit Deny
 * in any of them wins; otherwise the first layer that does not allow. Nobody of a disabled account may
 * do anything, and nobody anything to another account's resource (no resource policy ever grants it;
 * an explicit Deny of the caller's own still says why first).
 *
 * @example authorize(state, principal, { action: 'iam:CreateAccessKey', resource: userArn }).effect === 'allow'
 */
export function authorize(state: Readonly<State>, principal: Principal, request: RequestContext): Authorization {
  const key = principal.keyId ? entry(state.accessKeys, principal.keyId) : undefined
  // A key deleted or deactivated since it authenticated speaks for nobody.
  if (principal.keyId && key?.status !== 'Active') return { effect: 'implicit-deny', via: 'inactive-key' }
  if (entry(state.accounts, principal.accountId)?.disabled) return { effect: 'implicit-deny', via: 'disabled-account' }
  const owner: Authorization =
    principal.userId === null
      ? { effect: 'allow', via: 'root' }
      : { ...evaluate(userPolicies(state, principal.userId), request), via: 'identity' }
  const decisions = [owner]
  if (request.resourceAccountId !== undefined && request.resourceAccountId !== principal.accountId) {
    decisions.unshift({ effect: 'implicit-deny', via: 'other-account' })
  }
  if (key?.scope) decisions.push({ ...evaluate([scopePolicy(key.scope)], request), via: 'key-scope' })
  if (key?.policyIds && !grantsEverything(key.scope)) {
    decisions.push({ ...evaluate(keyPolicies(state, key), request), via: 'key-policies' })
  }
  if (principal.scopes) {
    decisions.push({ ...evaluate([tokenScopePolicy(principal.scopes)], request), via: 'token-scopes' })
  }
  if (principal.actingAs) decisions.push({ ...evaluate([principal.actingAs], request), via: 'acting-user' })
  const deciding =
    decisions.find((d) => d.effect === 'explicit-deny') ?? decisions.find((d) => d.effect === 'implicit-deny')
  // When every layer allows, the most specific one says why (a key's scope over its owner's root).
  return deciding ?? (decisions[decisions.length - 1] as Authorization)
}
