import { EmulatorError } from '../../src/core/errors.js'
import type { Account } from '../../src/core/model.js'
import { authenticateBearer } from '../../src/protocol/rest/bearer.js'
import type { AuthContext, Permission, RouteContext } from '../../src/protocol/route.js'

/** The realm of the accounts this dialect serves. */
export const LINODE_REALM = 'linode'

/**
 * The caller of a personal access token: the root of the token's account, with the token's scopes.
 * With auth off, every request is the first Linode account.
 */
export const authenticate = (ctx: AuthContext) => authenticateBearer(ctx, { realm: LINODE_REALM, schemes: ['Bearer'] })

// What each operation needs, as the API reference states under "OAuth scopes": reads need an
// object_storage scope, anything else object_storage:read_write (or `*`).
export const reads: Permission = { action: 'object_storage:read_only', resource: 'object_storage' }
export const writes: Permission = { action: 'object_storage:read_write', resource: 'object_storage' }

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
