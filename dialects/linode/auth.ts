import { EmulatorError } from '../../src/core/errors.js'
import type { Account } from '../../src/core/model.js'
import type { Principal } from '../../src/core/principals.js'
import type { AuthContext, RouteContext } from '../../src/protocol/route.js'
import { MISSING_SCOPE } from './render.js'

/** The realm of the accounts this dialect serves. */
export const LINODE_REALM = 'linode'

const READ_SCOPES = ['*', 'object_storage:read_only', 'object_storage:read_write']
const WRITE_SCOPES = ['*', 'object_storage:read_write']

/**
 * The caller of a personal access token: the root of the token's account. Reads need an
 * object_storage scope, anything else object_storage:read_write (or `*`), as each operation of the API
 * reference states under "OAuth scopes". With auth off, every request is the first Linode account.
 */
export function authenticate(ctx: AuthContext): Principal {
  if (ctx.auth === 'off') {
    const account = ctx.core.defaultAccount(LINODE_REALM)
    if (!account) throw new EmulatorError('UnknownCredentials', 'No Linode account is seeded to serve this request.')
    return { accountId: account.id, userId: null, keyId: null }
  }
  const header = ctx.req.headers.authorization ?? ''
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1]
  if (bearer === undefined) throw new EmulatorError('MissingCredentials', 'The request has no Bearer token.')
  const token = ctx.core.findToken(bearer)
  const account = token && ctx.core.getAccount(token.accountId)
  if (!token || account?.realm !== LINODE_REALM) {
    throw new EmulatorError('UnknownCredentials', 'The token is not a Linode personal access token.')
  }
  const needed = ctx.route.method === 'GET' || ctx.route.method === 'HEAD' ? READ_SCOPES : WRITE_SCOPES
  // Linode writes a token's scopes as one space-separated string; a seed may list them either way.
  const scopes = token.scopes.flatMap((s) => s.split(/[\s,]+/))
  if (!scopes.some((scope) => needed.includes(scope))) {
    throw new EmulatorError('Forbidden', `${ctx.route.operation} needs the scope ${needed[needed.length - 1]}.`, {
      wireCode: MISSING_SCOPE,
    })
  }
  return { accountId: token.accountId, userId: null, keyId: null }
}

/** The caller's account. */
export function accountOf(ctx: RouteContext<unknown>): Account {
  const account = ctx.core.getAccount(ctx.principal.accountId)
  if (!account) throw new EmulatorError('UnknownCredentials', 'The account of this token no longer exists.')
  return account
}

/** A region of the account by its id (us-east) or its legacy cluster id (us-east-1): the API takes either. */
export function findRegion(account: Account, idOrCluster: string) {
  return account.regions.find((r) => r.id === idOrCluster) ?? account.regions.find((r) => r.alias === idOrCluster)
}
