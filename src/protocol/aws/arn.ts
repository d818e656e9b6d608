import type { Core } from '../../core/core.js'
import { EmulatorError } from '../../core/errors.js'
import type { Principal } from '../../core/principals.js'
import type { WireRequest } from '../route.js'

/** @example userArn('000000000000', '/', 'bob') // arn:aws:iam::000000000000:user/bob */
export function userArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:user${path}${name}`
}

/** @example policyArn('000000000000', '/', 'ReadOnly') // arn:aws:iam::000000000000:policy/ReadOnly */
export function policyArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:policy${path}${name}`
}

/**
 * Split a customer-managed policy ARN. `field` names the input for the error when it is not one.
 *
 * @example parsePolicyArn('arn:aws:iam::000000000000:policy/team/ReadOnly') // { accountId, path: '/team/', name: 'ReadOnly' }
 */
export function parsePolicyArn(arn: string, field: string): { accountId: string; path: string; name: string } {
  const m = /^arn:aws:iam::(\d{12}|aws):policy(\/(?:[^/]+\/)*)([^/]+)$/.exec(arn)
  if (!m) throw new EmulatorError('InvalidInput', `ARN ${arn} is not valid.`, { field })
  const [, accountId, path, name] = m as unknown as [string, string, string, string]
  return { accountId, path, name }
}

/**
 * Refuse the call unless the caller's policies allow it, naming the action as AWS does.
 *
 * @example requireAllowed(core, principal, req, 'iam:CreateAccessKey', userArn(...))
 */
export function requireAllowed(
  core: Core,
  principal: Principal,
  req: WireRequest,
  action: string,
  resource: string,
): void {
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
