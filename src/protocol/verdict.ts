import type { Core } from '../core/core.js'
import type { RequestContext } from '../core/evaluator.js'
import type { Authorization, Principal } from '../core/principals.js'
import { entry } from '../core/store.js'
import type { Dialect } from './route.js'

/** An authorization decision with what decided it in the provider's words. */
export interface Verdict {
  effect: Authorization['effect']
  via: Authorization['via']
  policy?: string
  sid?: string
  statementIndex?: number
  /** What decided, in the provider's words: a policy's statement, a key's bucket, a role, a token's scope. */
  decidedBy: string
}

// The words for any dialect that has none of its own for a layer.
function genericWords(decision: Authorization): string {
  const statement = () => `statement ${decision.sid ?? `#${decision.statementIndex}`} of policy ${decision.policy}`
  const implicit = decision.effect === 'implicit-deny'
  switch (decision.via) {
    case 'unrestricted':
      return 'the operation asks no permission: any caller it authenticates may call it'
    case 'root':
      return "the account's root identity, which no policy limits"
    case 'inactive-key':
      return 'the access key is not active'
    case 'identity':
      return implicit ? "no statement of the user's policies allows it" : statement()
    case 'key-scope':
      return implicit ? "nothing in the key's scope allows it" : `${statement()} (the key's scope)`
    case 'key-policies':
      return implicit ? "none of the key's policies allows it" : statement()
    case 'token-scopes':
      return implicit ? "none of the token's scopes allows it" : `the token's scope ${decision.sid}`
    case 'disabled-account':
      return 'the account is disabled'
    case 'acting-user':
      return implicit ? "the acting user's policy does not reach it" : `the acting user's ${decision.policy}`
    case 'other-account':
      return 'the resource belongs to another account, and no policy of its owner grants access to it'
  }
}

/**
 * A decision as the journal and the explain endpoint show it: the dialect's own words for what decided,
 * or generic ones.
 *
 * @example verdictOf(iam, core, principal, request, decision).decidedBy // 'statement Keys of policy own-keys'
 */
export function verdictOf(
  dialect: Dialect,
  core: Core,
  principal: Principal,
  request: RequestContext,
  decision: Authorization,
): Verdict {
  const key = principal.keyId
    ? core.ctx.store.read((state) => entry(state.accessKeys, principal.keyId as string))
    : undefined
  const decidedBy = dialect.authorization.describe?.(decision, request, key) ?? genericWords(decision)
  return { ...decision, decidedBy }
}
