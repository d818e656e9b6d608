import * as z from 'zod'
import { callerIdentity } from '../../src/protocol/aws/identity.js'
import { queryOperation } from '../../src/protocol/wire/aws-query.js'
import { NAMESPACE } from './render.js'

export const callerIdentityRoutes = queryOperation({
  namespace: NAMESPACE,
  operation: 'GetCallerIdentity',
  input: z.object({}),
  // "No permissions are required to perform this operation. If an administrator attaches a policy to
  // your identity that explicitly denies access to the sts:GetCallerIdentity action, you can still
  // perform this operation." (STS API reference, GetCallerIdentity)
  authorize: null,
  handle(ctx) {
    const { account, arn, userId } = callerIdentity(ctx.core, ctx.principal)
    return { Arn: arn, UserId: userId, Account: account }
  },
})
