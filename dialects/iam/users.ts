import { userArn } from '../../src/protocol/aws/arn.js'
import { members } from '../../src/protocol/wire/aws-query.js'
import { iamOperation, subjectArn, subjectOf } from './identity.js'
import { pageFields, renderRootUser, renderUser } from './render.js'
import { CreateUserInput, DeleteUserInput, GetUserInput, ListUsersInput } from './schemas.js'

const MAX_USERS = 5000

export const userRoutes = [
  ...iamOperation({
    operation: 'CreateUser',
    input: CreateUserInput,
    resource: (ctx) => userArn(ctx.principal.accountId, ctx.input.Path ?? '/', ctx.input.UserName),
    async handle(ctx) {
      const { UserName, Path = '/', Tags = [] } = ctx.input
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
  ...iamOperation({
    operation: 'GetUser',
    input: GetUserInput,
    resource: (ctx) => subjectArn(ctx),
    handle(ctx) {
      const subject = subjectOf(ctx.core, ctx.principal, ctx.input.UserName)
      if (subject.userId === null) {
        const account = ctx.core.getAccount(ctx.principal.accountId)
        return { User: renderRootUser(ctx.principal.accountId, account?.createdAt ?? ctx.core.now().toISOString()) }
      }
      const user = ctx.core.getUserById(subject.userId)
      return { User: user ? renderUser(user, { withTags: true }) : {} }
    },
  }),
  ...iamOperation({
    operation: 'ListUsers',
    input: ListUsersInput,
    resource: (ctx) => `arn:aws:iam::${ctx.principal.accountId}:user${ctx.input.PathPrefix ?? '/'}`,
    handle(ctx) {
      const { PathPrefix = '/', Marker, MaxItems = 100 } = ctx.input
      const page = ctx.core.listUsers(ctx.principal.accountId, {
        pathPrefix: PathPrefix,
        cursor: Marker,
        limit: MaxItems,
        field: 'Marker',
      })
      return { Users: members(page.items.map((u) => renderUser(u, { withTags: false }))), ...pageFields(page.next) }
    },
  }),
  ...iamOperation({
    operation: 'DeleteUser',
    input: DeleteUserInput,
    resource: (ctx) => subjectArn(ctx),
    async handle(ctx) {
      await ctx.core.deleteUser(ctx.principal.accountId, ctx.input.UserName)
      return undefined
    },
  }),
]
