import { EmulatorError, echo } from '../../src/core/errors.js'
import { principalOfKey } from '../../src/core/principals.js'
import { authenticateKeyToken } from '../../src/protocol/rest/bearer.js'
import type { AuthContext, AuthorizationRules, Permission, RouteContext } from '../../src/protocol/route.js'

/** The realm of the accounts (Bird organizations) this dialect serves. */
export const BIRD_REALM = 'bird'

/** Bird access keys: their tokens authenticate this API and nothing else. */
export const BIRD_KEYS = 'bird'

/**
 * The caller of `Authorization: AccessKey <token>` (the API reference's scheme), or `Bearer <token>`
 * (GitBook's generated samples): the organization of the key the token belongs to.
 */
export const authenticate = (ctx: AuthContext) =>
  authenticateKeyToken(ctx, { realm: BIRD_REALM, namespace: BIRD_KEYS, schemes: ['AccessKey', 'Bearer'] })

/**
 * The permission an operation needs: a Bird-style action and the resource as a path below the
 * organization, whose `:name` segments are filled from the request path (`access-key/:accessKeyId`).
 */
export const needs = (action: string, resource: string): Permission => ({ action: `bird:${action}`, resource })

const resourceOf = (ctx: RouteContext<unknown>, resource: string): string =>
  `arn:bird:accounts::${ctx.principal.accountId}:${resource.replace(/:(\w+)/g, (_, name: string) => ctx.params[name] ?? '')}`

/**
 * A caller reaches only its own organization: any other (existing or not) is not found, so that
 * nobody learns which organizations exist. Then the key's roles, as policies, decide. A token names its key.
 */
export const authorization: AuthorizationRules = {
  request(ctx, permission) {
    const organizationId = ctx.params.organizationId ?? ctx.principal.accountId
    if (organizationId !== ctx.principal.accountId) {
      throw new EmulatorError('NotFound', `Organization ${echo(organizationId)} not found.`, { entity: 'organization' })
    }
    return { action: permission.action, resource: resourceOf(ctx, permission.resource) }
  },
  denial: (_ctx, { action }) =>
    new EmulatorError('Forbidden', `The roles of this access key do not allow ${action}.`, { action }),
  caller(core, { token }) {
    const key = token === undefined ? undefined : core.findKeyBySecret(BIRD_KEYS, token)
    return key && principalOfKey(key)
  },
  describe(decision) {
    if (decision.via !== 'key-policies') return undefined
    if (decision.effect === 'implicit-deny') return "none of the key's roles allows it"
    const statement = decision.sid ?? `#${decision.statementIndex}`
    return `role ${decision.policy} (statement ${statement}) ${decision.effect === 'allow' ? 'allows' : 'denies'} it`
  },
}
