import type { Core } from '../../core/core.js'
import { EmulatorError } from '../../core/errors.js'
import { memoByIdentity } from '../../core/memo.js'
import { type Principal, principalOfKey } from '../../core/principals.js'
import type { AuthContext, AuthorizationRules, WireRequest } from '../route.js'

/**
 * The token of an `Authorization: <scheme> <token>` header, for any of the given schemes (compared
 * without case), or undefined when there is none.
 *
 * @example bearerToken(req, ['AccessKey', 'Bearer'])
 */
export function bearerToken(req: WireRequest, schemes: readonly string[]): string | undefined {
  const header = req.headers.authorization ?? ''
  const space = header.indexOf(' ')
  if (space < 0) return undefined
  const scheme = header.slice(0, space).toLowerCase()
  if (!schemes.some((s) => s.toLowerCase() === scheme)) return undefined
  const token = header.slice(space + 1).trim()
  return token && !/\s/.test(token) ? token : undefined
}

/**
 * The caller of a personal access token of an account of `realm`: that account's root, with the
 * token's scopes (judged per operation as `scopeAuthorization` says). With auth off, every request is the
 * realm's first account, unrestricted.
 *
 * @example authenticate: (ctx) => authenticateBearer(ctx, { realm: 'linode', schemes: ['Bearer'] })
 */
export function authenticateBearer(
  ctx: AuthContext,
  options: { realm: string; schemes: readonly string[] },
): Principal {
  if (ctx.auth === 'off') return anonymousRoot(ctx, options.realm)
  const principal = tokenPrincipal(ctx.core, requireToken(ctx, options.schemes), options.realm)
  if (!principal) throw new EmulatorError('UnknownCredentials', 'The token is not a personal access token of this API.')
  return principal
}

/**
 * The root of the account a personal access token of `realm` belongs to, with the token's scopes, or
 * undefined when it is no such token.
 *
 * @example tokenPrincipal(core, 'linode-token', 'linode')?.scopes // ['object_storage:read_write']
 */
export function tokenPrincipal(core: Core, presented: string, realm: string): Principal | undefined {
  const token = core.findToken(presented)
  if (!token || core.getAccount(token.accountId)?.realm !== realm) return undefined
  return { accountId: token.accountId, userId: null, keyId: null, scopes: scopesOf(token.scopes) }
}

// Scopes are written space-separated (OAuth) or listed; a seed may do either. Split once per stored
// token, so that the policy they stand for is built and compiled once too.
const scopesOf = memoByIdentity((written: readonly string[]) => written.flatMap((s) => s.split(/[\s,]+/)))

// With auth off, every request is the realm's first account, unrestricted.
function anonymousRoot(ctx: AuthContext, realm: string): Principal {
  const account = ctx.core.defaultAccount(realm)
  if (!account) throw new EmulatorError('UnknownCredentials', `No ${realm} account is seeded to serve this request.`)
  return { accountId: account.id, userId: null, keyId: null }
}

function requireToken(ctx: AuthContext, schemes: readonly string[]): string {
  const presented = bearerToken(ctx.req, schemes)
  if (presented === undefined) {
    throw new EmulatorError('MissingCredentials', `The request has no ${schemes.join(' or ')} token.`)
  }
  return presented
}

/**
 * The caller of a token that is an access key's secret (APIs whose access keys are bearer tokens):
 * the root of the key's account, speaking through the key, whose use is recorded as `service`. With
 * auth off, every request is the realm's first account, unrestricted.
 *
 * @example authenticate: (ctx) => authenticateKeyToken(ctx, { realm: 'bird', namespace: 'bird', schemes: ['AccessKey'] })
 */
export function authenticateKeyToken(
  ctx: AuthContext,
  options: { realm: string; namespace: string; schemes: readonly string[] },
): Principal {
  if (ctx.auth === 'off') return anonymousRoot(ctx, options.realm)
  const key = ctx.core.findKeyBySecret(options.namespace, requireToken(ctx, options.schemes))
  if (key?.status !== 'Active') {
    throw new EmulatorError('UnknownCredentials', 'The token is not an access key of this API.')
  }
  return { ...principalOfKey(key), keyUse: { service: options.namespace, region: '' } }
}

/**
 * How token scopes are judged: an operation's action is the scope it needs (`<area>:read_only`,
 * `<area>:read_write`), which the core judges as the token's scope policy; a token lacking it is refused
 * with InsufficientScope. `caller` names the principal of a token (a credential of this realm).
 *
 * @example authorization: scopeAuthorization({ caller: (core, c) => c.token && tokenPrincipal(core, c.token, 'linode') })
 */
export function scopeAuthorization(rules: Pick<AuthorizationRules, 'caller' | 'describe'>): AuthorizationRules {
  return {
    request: (_ctx, permission) => permission,
    denial: (_ctx, { action }) =>
      new EmulatorError('InsufficientScope', `This operation needs the OAuth scope ${action}.`, { action }),
    ...rules,
  }
}
