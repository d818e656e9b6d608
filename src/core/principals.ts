import { type Decision, evaluate, type NamedPolicy, type RequestContext } from './evaluator.js'
import { grantsEverything, scopePolicy } from './grants.js'
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
}

/** @example principalOfKey(key) // { accountId, userId, keyId } */
export function principalOfKey(key: AccessKey): Principal {
  return { accountId: key.accountId, userId: key.userId, keyId: key.id }
}

const PARSED_CACHE_LIMIT = 2000
const parsed = new Map<string, NamedPolicy['document']>()

// Stored documents were validated on the way in; parsing once per distinct text keeps evaluation cheap.
function parsedDocument(text: string): NamedPolicy['document'] {
  let doc = parsed.get(text)
  if (!doc) {
    doc = parsePolicyDocument(text)
    if (parsed.size >= PARSED_CACHE_LIMIT) parsed.clear()
    parsed.set(text, doc)
  }
  return doc
}

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
 * May this principal take this action on this resource? Root may do anything its key's scope and
 * the key's own policies allow; a user only what its policies allow (and its key's, if it has any).
 * Policies on a key whose scope grants everything do not narrow it. An explicit Deny in any of them
 * wins. Nobody of a disabled account may do anything.
 *
 * @example authorize(state, principal, { action: 'iam:CreateAccessKey', resource: userArn }).effect === 'allow'
 */
export function authorize(state: Readonly<State>, principal: Principal, request: RequestContext): Decision {
  const key = principal.keyId ? entry(state.accessKeys, principal.keyId) : undefined
  // A key deleted or deactivated since it authenticated speaks for nobody.
  if (principal.keyId && key?.status !== 'Active') return { effect: 'implicit-deny' }
  if (entry(state.accounts, principal.accountId)?.disabled) return { effect: 'implicit-deny' }
  const owner: Decision =
    principal.userId === null ? { effect: 'allow' } : evaluate(userPolicies(state, principal.userId), request)
  const decisions = [owner]
  if (key?.scope) decisions.push(evaluate([scopePolicy(key.scope)], request))
  if (key?.policyIds && !grantsEverything(key.scope)) decisions.push(evaluate(keyPolicies(state, key), request))
  return (
    decisions.find((d) => d.effect === 'explicit-deny') ?? decisions.find((d) => d.effect === 'implicit-deny') ?? owner
  )
}
