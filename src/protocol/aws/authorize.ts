import { EmulatorError } from '../../core/errors.js'
import type { RequestContext } from '../../core/evaluator.js'
import { principalOfKey } from '../../core/principals.js'
import type { AuthorizationRules, Permission, RouteContext } from '../route.js'
import { callerIdentity } from './identity.js'
import { AWS_CREDENTIALS } from './key-shape.js'

const callerArn = (ctx: RouteContext<unknown>): string => callerIdentity(ctx.core, ctx.principal).arn

// Built only when a statement has a condition or a policy variable: most calls never need it.
function awsRequest(ctx: RouteContext<unknown>, { action, resource, conditions }: Permission): RequestContext {
  const { core, principal, req } = ctx
  const context = () => {
    const user = principal.userId ? core.getUserById(principal.userId) : undefined
    const now = core.now()
    return {
      'aws:CurrentTime': now.toISOString(),
      'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
      'aws:SourceIp': req.remoteAddress?.replace(/^::ffff:/, ''),
      'aws:SecureTransport': String(req.url.protocol === 'https:'),
      'aws:username': user?.name,
      'aws:userid': user?.id ?? principal.accountId,
      'aws:PrincipalAccount': principal.accountId,
      'aws:RequestedRegion': principal.keyUse?.region,
      'aws:PrincipalArn': callerArn(ctx),
      ...conditions,
    }
  }
  return { action, resource, context }
}

/**
 * How AWS dialects are judged: IAM-style requests with AWS's global condition keys, refused with
 * AWS's AccessDenied message naming the caller, action and resource; an access key id (of `namespaces`)
 * names the caller. Condition keys a permission sets itself override the global ones.
 *
 * @example authorization: awsAuthorization()
 */
export function awsAuthorization(
  describe?: AuthorizationRules['describe'],
  namespaces: readonly string[] = AWS_CREDENTIALS,
): AuthorizationRules {
  return {
    request: awsRequest,
    denial(ctx, { action, resource }, decision) {
      const because = decision.effect === 'explicit-deny' ? ' with an explicit deny in an identity-based policy' : ''
      return new EmulatorError(
        'Forbidden',
        `User: ${callerArn(ctx)} is not authorized to perform: ${action} on resource: ${resource}${because}`,
        { action, resource },
      )
    },
    caller(core, { accessKeyId }) {
      const key = accessKeyId === undefined ? undefined : core.findKeyForAuth(namespaces, accessKeyId)
      return key && principalOfKey(key)
    },
    ...(describe && { describe }),
  }
}
