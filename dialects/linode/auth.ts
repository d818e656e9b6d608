import { EmulatorError } from '../../src/core/errors.js'
import { grantOfStatement } from '../../src/core/grants.js'
import type { Account } from '../../src/core/model.js'
import { principalOfKey } from '../../src/core/principals.js'
import { authenticateBearer, scopeAuthorization, tokenPrincipal } from '../../src/protocol/rest/bearer.js'
import type { AuthContext, Permission, RouteContext } from '../../src/protocol/route.js'
import { LINODE_KEYS } from '../../src/protocol/storage-keys.js'
import { permissionsOf } from './render.js'

/** The realm of the accounts this dialect serves. */
export const LINODE_REALM = 'linode'

/**
 * The caller of a personal access token: the root of the token's account, with the token's scopes.
 * With auth off, every request is the first Linode account.
 */
export const authenticate = (ctx: AuthContext) => authenticateBearer(ctx, { realm: LINODE_REALM, schemes: ['Bearer'] })

/**
 * Tokens are judged by their OAuth scopes; an Object Storage key by its `bucket_access` entries.
 */
export const authorization = scopeAuthorization({
  caller(core, { token, accessKeyId }) {
    if (token !== undefined) return tokenPrincipal(core, token, LINODE_REALM)
    const key = accessKeyId === undefined ? undefined : core.findKeyForAuth([LINODE_KEYS], accessKeyId)
    return key && principalOfKey(key)
  },
  describe(decision, request, key) {
    if (decision.via === 'token-scopes') {
      return decision.effect === 'allow'
        ? `the token's OAuth scope ${decision.sid}`
        : `the token has no OAuth scope granting ${request.action}`
    }
    if (decision.via !== 'key-scope') return undefined
    const grant = grantOfStatement(key?.scope, decision.sid)
    if (!grant) return decision.effect === 'allow' ? undefined : 'no bucket_access entry of the key covers it'
    return `bucket_access entry ${JSON.stringify({ bucket_name: grant.bucket, region: grant.region ?? '', permissions: permissionsOf[grant.access] })}`
  },
})

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

export { LINODE_KEYS }
