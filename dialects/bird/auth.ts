import { EmulatorError, echo } from '../../src/core/errors.js'
import { authenticateKeyToken } from '../../src/protocol/rest/bearer.js'
import type { AuthContext, Permission, RouteContext } from '../../src/protocol/route.js'

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
 * nobody learns which organizations exist. Then the key's roles, as policies, decide.
 */
export function authorize(ctx: RouteContext<unknown>, permission: Permission): void {
  const organizationId = ctx.params.organizationId ?? ''
  if (organizationId !== ctx.principal.accountId) {
    throw new EmulatorError('NotFound', `Organization ${echo(organizationId)} not found.`, { entity: 'organization' })
  }
  const request = { action: permission.action, resource: resourceOf(ctx, permission.resource) }
  if (ctx.core.authorize(ctx.principal, request).effect !== 'allow') {
    throw new EmulatorError('Forbidden', `The roles of this access key do not allow ${permission.action}.`, {
      action: permission.action,
    })
  }
}
