import type { KeyFilter } from '../../src/core/access-keys.js'
import { pageAfter } from '../../src/core/pagination.js'
import { userArn } from '../../src/protocol/aws/arn.js'
import { AWS_KEY_SHAPE, IAM_KEYS } from '../../src/protocol/aws/key-shape.js'
import { members, queryOperation } from '../../src/protocol/wire/aws-query.js'
import { allow, type Subject, subjectOf } from './identity.js'
import { isoSeconds, NAMESPACE, pageFields, renderAccessKey } from './render.js'
import {
  CreateAccessKeyInput,
  DeleteAccessKeyInput,
  GetAccessKeyLastUsedInput,
  ListAccessKeysInput,
  UpdateAccessKeyInput,
} from './schemas.js'

// Inactive keys count too: deactivating a key does not free its slot.
const KEY_QUOTA = { per: 'owner', max: 2, name: 'AccessKeysPerUser' } as const

const bySerial = (k: { serial: number }) => String(k.serial).padStart(12, '0')

// IAM sees the long-term keys of users and root, never the keys other services hang on a bucket.
const iamKeys = (accountId: string, subject?: Subject): KeyFilter => ({
  namespace: IAM_KEYS,
  accountId,
  ...(subject && { userId: subject.userId }),
  bucketId: null,
})

export const accessKeyRoutes = [
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'CreateAccessKey',
    input: CreateAccessKeyInput,
    async handle(ctx) {
      const subject = subjectOf(ctx.core, ctx.principal, ctx.input.UserName)
      allow(ctx, 'CreateAccessKey', subject.arn)
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
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'ListAccessKeys',
    input: ListAccessKeysInput,
    handle(ctx) {
      const { UserName, Marker, MaxItems = 100 } = ctx.input
      const subject = subjectOf(ctx.core, ctx.principal, UserName)
      allow(ctx, 'ListAccessKeys', subject.arn)
      const keys = ctx.core.listAccessKeys(iamKeys(ctx.principal.accountId, subject))
      const page = pageAfter(keys, { cursor: Marker, limit: MaxItems, field: 'Marker' }, bySerial)
      return {
        ...(subject.userName !== undefined && { UserName: subject.userName }),
        AccessKeyMetadata: members(page.items.map((k) => renderAccessKey(k, subject.userName))),
        ...pageFields(page.next),
      }
    },
  }),
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'UpdateAccessKey',
    input: UpdateAccessKeyInput,
    async handle(ctx) {
      const subject = subjectOf(ctx.core, ctx.principal, ctx.input.UserName)
      allow(ctx, 'UpdateAccessKey', subject.arn)
      await ctx.core.setAccessKeyStatus(
        iamKeys(ctx.principal.accountId, subject),
        ctx.input.AccessKeyId,
        ctx.input.Status,
      )
      return undefined
    },
  }),
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'DeleteAccessKey',
    input: DeleteAccessKeyInput,
    async handle(ctx) {
      const subject = subjectOf(ctx.core, ctx.principal, ctx.input.UserName)
      allow(ctx, 'DeleteAccessKey', subject.arn)
      await ctx.core.deleteAccessKey(iamKeys(ctx.principal.accountId, subject), ctx.input.AccessKeyId)
      return undefined
    },
  }),
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'GetAccessKeyLastUsed',
    input: GetAccessKeyLastUsedInput,
    handle(ctx) {
      const accountId = ctx.principal.accountId
      const key = ctx.core.getAccessKey(iamKeys(accountId), ctx.input.AccessKeyId)
      const owner = key.userId ? ctx.core.getUserById(key.userId) : undefined
      allow(
        ctx,
        'GetAccessKeyLastUsed',
        owner ? userArn(accountId, owner.path, owner.name) : `arn:aws:iam::${accountId}:root`,
      )
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
