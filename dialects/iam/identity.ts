import type { Core } from '../../src/core/core.js'
import type { Principal } from '../../src/core/principals.js'
import { requireAllowed, userArn } from '../../src/protocol/aws/arn.js'
import type { RouteContext } from '../../src/protocol/route.js'

/** The identity an operation is about: a user, or the account root (`userId: null`). */
export interface Subject {
  userId: string | null
  /** Undefined for root, which has no user name. */
  userName: string | undefined
  arn: string
}

/**
 * The user named by `UserName`, or, when it is omitted, whoever signed the request (IAM's rule for
 * key operations: a root key manages root's own keys).
 *
 * @example const subject = subjectOf(core, principal, input.UserName)
 */
export function subjectOf(core: Core, principal: Principal, userName: string | undefined): Subject {
  if (userName !== undefined) {
    const user = core.getUser(principal.accountId, userName)
    return { userId: user.id, userName: user.name, arn: userArn(user.accountId, user.path, user.name) }
  }
  const caller = principal.userId ? core.getUserById(principal.userId) : undefined
  if (caller)
    return { userId: caller.id, userName: caller.name, arn: userArn(caller.accountId, caller.path, caller.name) }
  return { userId: null, userName: undefined, arn: `arn:aws:iam::${principal.accountId}:root` }
}

/** Refuse unless the caller may take `iam:<operation>` on `resource`. */
export function allow(ctx: RouteContext<unknown>, operation: string, resource: string): void {
  requireAllowed(ctx.core, ctx.principal, ctx.req, `iam:${operation}`, resource)
}
