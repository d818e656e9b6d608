import type { KeyFilter } from '../../src/core/access-keys.js'
import type { Bucket, KeyScope } from '../../src/core/model.js'
import { AWS_KEY_SHAPE, LIGHTSAIL_BUCKET_KEYS } from '../../src/protocol/aws/key-shape.js'
import { jsonOperation } from '../../src/protocol/wire/aws-json.js'
import { allow, bucketOf, operations, TARGET_PREFIX } from './caller.js'
import { bucketArn, renderAccessKey } from './render.js'
import { BucketNameInput, DeleteBucketAccessKeyInput } from './schemas.js'

// "You can have a maximum of two access keys per bucket" (CreateBucketAccessKey's documentation).
const KEY_QUOTA = { per: 'bucket', max: 2, name: 'AccessKeysPerBucket' } as const

/** A bucket key may do anything to its one bucket and its objects, and nothing else. */
export function bucketKeyScope(bucket: Bucket): KeyScope {
  return { grants: [{ bucket: bucket.name, region: bucket.region, access: 'full' }], accountActions: [] }
}

const keysOf = (bucket: Bucket): KeyFilter => ({
  namespace: LIGHTSAIL_BUCKET_KEYS,
  accountId: bucket.accountId,
  bucketId: bucket.id,
})

const target = (operation: string) => `${TARGET_PREFIX}.${operation}`

export const accessKeyRoutes = [
  jsonOperation({
    target: target('CreateBucketAccessKey'),
    input: BucketNameInput,
    async handle(ctx) {
      const bucket = bucketOf(ctx, ctx.input.bucketName)
      allow(ctx, 'CreateBucketAccessKey', bucketArn(bucket))
      const key = await ctx.core.createAccessKey({
        namespace: LIGHTSAIL_BUCKET_KEYS,
        accountId: bucket.accountId,
        userId: null,
        shape: AWS_KEY_SHAPE,
        bucketId: bucket.id,
        scope: bucketKeyScope(bucket),
        quota: KEY_QUOTA,
      })
      return {
        accessKey: renderAccessKey(key, key.secret),
        operations: operations(ctx, bucket, 'CreateBucketAccessKey'),
      }
    },
  }),
  jsonOperation({
    target: target('GetBucketAccessKeys'),
    input: BucketNameInput,
    handle(ctx) {
      const bucket = bucketOf(ctx, ctx.input.bucketName)
      allow(ctx, 'GetBucketAccessKeys', bucketArn(bucket))
      const keys = ctx.core.listAccessKeys(keysOf(bucket))
      return { accessKeys: keys.map((k) => renderAccessKey(k)) }
    },
  }),
  jsonOperation({
    target: target('DeleteBucketAccessKey'),
    input: DeleteBucketAccessKeyInput,
    async handle(ctx) {
      const bucket = bucketOf(ctx, ctx.input.bucketName)
      allow(ctx, 'DeleteBucketAccessKey', bucketArn(bucket))
      await ctx.core.deleteAccessKey(keysOf(bucket), ctx.input.accessKeyId)
      return { operations: operations(ctx, bucket, 'DeleteBucketAccessKey') }
    },
  }),
]
