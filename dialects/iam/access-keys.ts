import type { AccessKeyView, KeyFilter } from '../../src/core/access-keys.js'
import type { Core } from '../../src/core/core.js'
import { pageAfter } from '../../src/core/pagination.js'
import { rootArn, userArn } from '../../src/protocol/aws/arn.js'
import { AWS_KEY_SHAPE, IAM_KEYS } from '../../src/protocol/aws/key-shape.js'
import { members } from '../../src/protocol/wire/aws-query.js'
import { iamOperation, type Subject, subjectArn, subjectOf } from './identity.js'
import { isoSeconds, pageFields, renderAccessKey } from './render.js'
import {
  CreateAccessKeyInput,
  DeleteAccessKeyInput,
  GetAccessKeyLastUsedInput,
  ListAccessKeysInput,
  UpdateAccessKeyInput,
} from './schemas.js'

// Inactive keys count too: deactivating a key does not free its slot.
const KEY_QUOTA = { per: 'owner', max: 2, name: 'AccessKeysPerUser' } as const

const ownerOf = (core: Core, key: AccessKeyView) => (key.userId ? core.getUserById(key.userId) : undefined)

const bySerial = (k: { serial: number }) => String(k.serial).padStart(12, '0')

// IAM sees the long-term keys of users and root, never the keys other services hang on a bucket.
const iamKeys = (accountId: string, subject?: Subject): KeyFilter => ({
  namespace: IAM_KEYS,
  accountId,
  ...(subject && { userId: subject.userId }),
  bucketId: null,
})

export const accessKeyRoutes = [
  ...iamOperation({
    operation: 'CreateAccessKey',
    input: CreateAccessKeyInput,
    resource: (ctx) => subjectArn(ctx),
    async handle(ctx) {
      const subject = subjectOf(ctx.core, ctx.principal, ctx.input.UserName)
      const key = await ctx.core.createAccessKey({
        namespace: IAM_KEYS,
        accountId: ctx.principal.accountId,
        userId: subject.userId,
        shape: AWS_KEY_SHAPE,
        quota: KEY_QUOTA,
      })
      return { AccessKey: renderAccessKey(key, subject.userName, key.secret) }
    },
  }),
  ...iamOperation({
    operation: 'ListAccessKeys',
    input: ListAccessKeysInput,
    resource: (ctx) => subjectArn(ctx),
    handle(ctx) {
      const { UserName, Marker, MaxItems = 100 } = ctx.input
      const subject = subjectOf(ctx.core, ctx.principal, UserName)
      const keys = ctx.core.listAccessKeys(iamKeys(ctx.principal.accountId, subject))
      const page = pageAfter(keys, { cursor: Marker, limit: MaxItems, field: 'Marker' }, bySerial)
      return {
        ...(subject.userName !== undefined && { UserName: subject.userName }),
        AccessKeyMetadata: members(page.items.map((k) => renderAccessKey(k, subject.userName))),
        ...pageFields(page.next),
      }
    },
  }),
  ...iamOperation({
    operation: 'UpdateAccessKey',
    input: UpdateAccessKeyInput,
    resource: (ctx) => subjectArn(ctx),
    async handle(ctx) {
      const subject = subjectOf(ctx.core, ctx.principal, ctx.input.UserName)
      await ctx.core.setAccessKeyStatus(
        iamKeys(ctx.principal.accountId, subject),
        ctx.input.AccessKeyId,
        ctx.input.Status,
      )
      return undefined
    },
  }),
  ...iamOperation({
    operation: 'DeleteAccessKey',
    input: DeleteAccessKeyInput,
    resource: (ctx) => subjectArn(ctx),
    async handle(ctx) {
      const subject = subjectOf(ctx.core, ctx.principal, ctx.input.UserName)
      await ctx.core.deleteAccessKey(iamKeys(ctx.principal.accountId, subject), ctx.input.AccessKeyId)
      return undefined
    },
  }),
  ...iamOperation({
    operation: 'GetAccessKeyLastUsed',
    input: GetAccessKeyLastUsedInput,
    resource(ctx) {
      const accountId = ctx.principal.accountId
      const owner = ownerOf(ctx.core, ctx.core.getAccessKey(iamKeys(accountId), ctx.input.AccessKeyId))
      return owner ? userArn(accountId, owner.path, owner.name) : rootArn(accountId)
    },
    handle(ctx) {
      const key = ctx.core.getAccessKey(iamKeys(ctx.principal.accountId), ctx.input.AccessKeyId)
      const owner = ownerOf(ctx.core, key)
      const used = key.lastUsed
      return {
        ...(owner && { UserName: owner.name }),
        AccessKeyLastUsed: used
          ? { LastUsedDate: isoSeconds(used.at), ServiceName: used.service, Region: used.region }
          : { ServiceName: 'N/A', Region: 'N/A' },
      }
    },
  }),
]
