import type { KeyShape } from '../../src/core/access-keys.js'
import { EmulatorError } from '../../src/core/errors.js'
import { pageAfter } from '../../src/core/pagination.js'
import { userArn } from '../../src/protocol/aws/arn.js'
import { members, queryOperation } from '../../src/protocol/wire/aws-query.js'
import { allow, subjectOf } from './identity.js'
import { isoSeconds, NAMESPACE, pageFields, renderAccessKey } from './render.js'
import {
  CreateAccessKeyInput,
  DeleteAccessKeyInput,
  GetAccessKeyLastUsedInput,
  ListAccessKeysInput,
  UpdateAccessKeyInput,
} from './schemas.js'

/** AKIA + 16 base32 characters, 40-character secrets. */
export const IAM_KEY_SHAPE: KeyShape = {
  idPrefix: 'AKIA',
  idLength: 16,
  idAlphabet: 'base32',
  secretAlphabet: 'secret',
}

// Inactive keys count too: deactivating a key does not free its slot.
const KEY_QUOTA = { per: 'owner', max: 2, name: 'AccessKeysPerUser' } as const

const bySerial = (k: { serial: number }) => String(k.serial).padStart(12, '0')

export const accessKeyRoutes = [
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'CreateAccessKey',
    input: CreateAccessKeyInput,
    async handle(ctx) {
      const subject = subjectOf(ctx.core, ctx.principal, ctx.input.UserName)
      allow(ctx, 'CreateAccessKey', subject.arn)
      const key = await ctx.core.createAccessKey({
        accountId: ctx.principal.accountId,
        userId: subject.userId,
        shape: IAM_KEY_SHAPE,
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
      const keys = ctx.core.listAccessKeys({ accountId: ctx.principal.accountId, userId: subject.userId })
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
      const filter = { accountId: ctx.principal.accountId, userId: subject.userId }
      await ctx.core.setAccessKeyStatus(filter, ctx.input.AccessKeyId, ctx.input.Status)
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
      await ctx.core.deleteAccessKey(
        { accountId: ctx.principal.accountId, userId: subject.userId },
        ctx.input.AccessKeyId,
      )
      return undefined
    },
  }),
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'GetAccessKeyLastUsed',
    input: GetAccessKeyLastUsedInput,
    handle(ctx) {
      const accountId = ctx.principal.accountId
      const key = ctx.core.getAccessKey({ accountId }, ctx.input.AccessKeyId)
      if (key.bucketId !== undefined) {
        throw new EmulatorError('NotFound', `The Access Key with id ${key.id} cannot be found.`)
      }
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
