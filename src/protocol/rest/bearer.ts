import { EmulatorError } from '../../core/errors.js'
import { type Principal, principalOfKey } from '../../core/principals.js'
import type { AuthContext, Permission, RouteContext, WireRequest } from '../route.js'

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
 * token's scopes (checked per operation by `authorizeScopes`). With auth off, every request is the
 * realm's first account, unrestricted.
 *
 * @example authenticate: (ctx) => authenticateBearer(ctx, { realm: 'linode', schemes: ['Bearer'] })
 */
export function authenticateBearer(
  ctx: AuthContext,
  options: { realm: string; schemes: readonly string[] },
): Principal {
  if (ctx.auth === 'off') return anonymousRoot(ctx, options.realm)
  const presented = requireToken(ctx, options.schemes)
  const token = ctx.core.findToken(presented)
  if (!token || ctx.core.getAccount(token.accountId)?.realm !== options.realm) {
    throw new EmulatorError('UnknownCredentials', 'The token is not a personal access token of this API.')
  }
  // Scopes are written space-separated (OAuth) or listed; a seed may do either.
  return {
    accountId: token.accountId,
    userId: null,
    keyId: null,
    scopes: token.scopes.flatMap((s) => s.split(/[\s,]+/)),
  }
}

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
 * Refuse a caller whose token lacks the scope an operation declares as its action. Scopes read
 * `<area>:read_only` / `<area>:read_write` (the second implies the first) or `*` for everything.
 *
 * @example authorize: authorizeScopes
 */
export function authorizeScopes(ctx: RouteContext<unknown>, { action }: Permission): void {
  const scopes = ctx.principal.scopes
  if (scopes === undefined) return
  const [area] = action.split(':')
  const granted = scopes.some(
    (s) => s === '*' || s === action || (action.endsWith(':read_only') && s === `${area}:read_write`),
  )
  if (!granted)
    throw new EmulatorError('InsufficientScope', `This operation needs the OAuth scope ${action}.`, { action })
}
