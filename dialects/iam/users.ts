import { userArn } from '../../src/protocol/aws/arn.js'
import { members, queryOperation } from '../../src/protocol/wire/aws-query.js'
import { allow, subjectOf } from './identity.js'
import { NAMESPACE, pageFields, renderRootUser, renderUser } from './render.js'
import { CreateUserInput, DeleteUserInput, GetUserInput, ListUsersInput } from './schemas.js'

const MAX_USERS = 5000

export const userRoutes = [
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'CreateUser',
    input: CreateUserInput,
    async handle(ctx) {
      const { UserName, Path = '/', Tags = [] } = ctx.input
      allow(ctx, 'CreateUser', userArn(ctx.principal.accountId, Path, UserName))
      const user = await ctx.core.createUser({
        accountId: ctx.principal.accountId,
        name: UserName,
        path: Path,
        tags: Tags.map((t) => ({ key: t.Key, value: t.Value })),
        maxUsers: MAX_USERS,
      })
      return { User: renderUser(user, { withTags: true }) }
    },
  }),
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'GetUser',
    input: GetUserInput,
    handle(ctx) {
      const subject = subjectOf(ctx.core, ctx.principal, ctx.input.UserName)
      allow(ctx, 'GetUser', subject.arn)
      if (subject.userId === null) {
        const account = ctx.core.getAccount(ctx.principal.accountId)
        return { User: renderRootUser(ctx.principal.accountId, account?.createdAt ?? ctx.core.now().toISOString()) }
      }
      const user = ctx.core.getUserById(subject.userId)
      return { User: user ? renderUser(user, { withTags: true }) : {} }
    },
  }),
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'ListUsers',
    input: ListUsersInput,
    handle(ctx) {
      const { PathPrefix = '/', Marker, MaxItems = 100 } = ctx.input
      allow(ctx, 'ListUsers', `arn:aws:iam::${ctx.principal.accountId}:user${PathPrefix}`)
      const page = ctx.core.listUsers(ctx.principal.accountId, {
        pathPrefix: PathPrefix,
        cursor: Marker,
        limit: MaxItems,
        field: 'Marker',
      })
      return { Users: members(page.items.map((u) => renderUser(u, { withTags: false }))), ...pageFields(page.next) }
    },
  }),
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'DeleteUser',
    input: DeleteUserInput,
    async handle(ctx) {
      const subject = subjectOf(ctx.core, ctx.principal, ctx.input.UserName)
      allow(ctx, 'DeleteUser', subject.arn)
      await ctx.core.deleteUser(ctx.principal.accountId, ctx.input.UserName)
      return undefined
    },
  }),
]
