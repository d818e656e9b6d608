import type * as z from 'zod'
import type { Core } from '../../src/core/core.js'
import type { Principal } from '../../src/core/principals.js'
import { rootArn, userArn } from '../../src/protocol/aws/arn.js'
import type { Route, RouteContext } from '../../src/protocol/route.js'
import { queryOperation, type XmlObject } from '../../src/protocol/wire/aws-query.js'
import { NAMESPACE } from './render.js'

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
  return { userId: null, userName: undefined, arn: rootArn(principal.accountId) }
}

/** The ARN of the operation's subject (the user named by `UserName`, else the caller), as its resource. */
export function subjectArn(ctx: RouteContext<{ UserName?: string | undefined }>): string {
  return subjectOf(ctx.core, ctx.principal, ctx.input.UserName).arn
}

/**
 * The routes of one IAM operation: Query in, XML out, needing `iam:<operation>` on `resource`.
 *
 * @example iamOperation({ operation: 'GetUser', input: GetUserInput, resource: subjectArn, handle })
 */
export function iamOperation<S extends z.ZodType>(spec: {
  operation: string
  input: S
  resource: (ctx: RouteContext<z.output<S>>) => string
  handle: (ctx: RouteContext<z.output<S>>) => Promise<XmlObject | undefined> | XmlObject | undefined
}): Route<unknown>[] {
  return queryOperation({
    namespace: NAMESPACE,
    operation: spec.operation,
    input: spec.input,
    authorize: (ctx) => ({ action: `iam:${spec.operation}`, resource: spec.resource(ctx) }),
    handle: spec.handle,
  })
}
