import { EmulatorError } from '../../core/errors.js'
import type { Permission, RouteContext } from '../route.js'
import { userArn } from './arn.js'

/**
 * Refuse the call unless the caller's policies (and its key's scope) allow the permission, naming
 * the caller, action and resource as AWS does in its AccessDenied message.
 *
 * @example authorize: authorizeAws
 */
export function authorizeAws(ctx: RouteContext<unknown>, { action, resource }: Permission): void {
  const { core, principal, req } = ctx
  const user = () => (principal.userId ? core.getUserById(principal.userId) : undefined)
  const arn = () => {
    const u = user()
    return u ? userArn(u.accountId, u.path, u.name) : `arn:aws:iam::${principal.accountId}:root`
  }
  // Built only when a statement has a condition or a policy variable: most calls never need it.
  const context = () => {
    const u = user()
    const now = core.now()
    return {
      'aws:CurrentTime': now.toISOString(),
      'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
      'aws:SourceIp': req.remoteAddress?.replace(/^::ffff:/, ''),
      'aws:SecureTransport': String(req.url.protocol === 'https:'),
      'aws:username': u?.name,
      'aws:userid': u?.id ?? principal.accountId,
      'aws:PrincipalAccount': principal.accountId,
      'aws:RequestedRegion': principal.keyUse?.region,
      'aws:PrincipalArn': arn(),
    }
  }
  const decision = core.authorize(principal, { action, resource, context })
  if (decision.effect === 'allow') return
  const because = decision.effect === 'explicit-deny' ? ' with an explicit deny in an identity-based policy' : ''
  throw new EmulatorError(
    'Forbidden',
    `User: ${arn()} is not authorized to perform: ${action} on resource: ${resource}${because}`,
    { action, resource },
  )
}
