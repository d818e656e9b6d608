import type { KeyFilter } from '../../src/core/access-keys.js'
import type { Bucket, KeyScope } from '../../src/core/model.js'
import { AWS_KEY_SHAPE, LIGHTSAIL_BUCKET_KEYS } from '../../src/protocol/aws/key-shape.js'
import type { AuthorizationRules } from '../../src/protocol/route.js'
import { bucketOf, lightsailOperation, operations } from './caller.js'
import { bucketArn, renderAccessKey } from './render.js'
import { BucketNameInput, DeleteBucketAccessKeyInput } from './schemas.js'

// "You can have a maximum of two access keys per bucket" (CreateBucketAccessKey's documentation).
const KEY_QUOTA = { per: 'bucket', max: 2, name: 'AccessKeysPerBucket' } as const

/** A bucket key may do anything to its one bucket and its objects, and nothing else. */
export function bucketKeyScope(bucket: Bucket): KeyScope {
  return { grants: [{ bucket: bucket.name, region: bucket.region, access: 'full' }], accountActions: [] }
}

/** A bucket key's rights, as Lightsail states them: the one bucket the key belongs to. */
export const describeBucketKey: AuthorizationRules['describe'] = (decision, _request, key) => {
  if (decision.via !== 'key-scope') return undefined
  const bucket = key?.scope?.grants[0]?.bucket
  return decision.effect === 'allow'
    ? `the key belongs to bucket ${bucket}, which it may use in full`
    : `the key belongs to bucket ${bucket} and reaches nothing else`
}

const keysOf = (bucket: Bucket): KeyFilter => ({
  namespace: LIGHTSAIL_BUCKET_KEYS,
  accountId: bucket.accountId,
  bucketId: bucket.id,
})

export const accessKeyRoutes = [
  lightsailOperation({
    operation: 'CreateBucketAccessKey',
    input: BucketNameInput,
    resource: (ctx) => bucketArn(bucketOf(ctx, ctx.input.bucketName)),
    async handle(ctx) {
      const bucket = bucketOf(ctx, ctx.input.bucketName)
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
  lightsailOperation({
    operation: 'GetBucketAccessKeys',
    input: BucketNameInput,
    resource: (ctx) => bucketArn(bucketOf(ctx, ctx.input.bucketName)),
    handle(ctx) {
      const bucket = bucketOf(ctx, ctx.input.bucketName)
      const keys = ctx.core.listAccessKeys(keysOf(bucket))
      return { accessKeys: keys.map((k) => renderAccessKey(k)) }
    },
  }),
  lightsailOperation({
    operation: 'DeleteBucketAccessKey',
    input: DeleteBucketAccessKeyInput,
    resource: (ctx) => bucketArn(bucketOf(ctx, ctx.input.bucketName)),
    async handle(ctx) {
      const bucket = bucketOf(ctx, ctx.input.bucketName)
      await ctx.core.deleteAccessKey(keysOf(bucket), ctx.input.accessKeyId)
      return { operations: operations(ctx, bucket, 'DeleteBucketAccessKey') }
    },
  }),
]
