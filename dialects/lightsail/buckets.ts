import { EmulatorError, echo } from '../../src/core/errors.js'
import type { Bucket } from '../../src/core/model.js'
import { pageAfter, sortedBy } from '../../src/core/pagination.js'
import type { RouteContext } from '../../src/protocol/route.js'
import type { JsonObject } from '../../src/protocol/wire/aws-json.js'
import { bucketOf, lightsailOperation, operations, regionOf } from './caller.js'
import { bucketArn, type LightsailSettings, renderBucket, settingsOf } from './render.js'
import {
  CreateBucketInput,
  DeleteBucketInput,
  GetBucketBundlesInput,
  GetBucketsInput,
  type UpdateBucketChange,
  UpdateBucketInput,
} from './schemas.js'

// The bundles GetBucketBundles lists (Lightsail object storage pricing: 5/25, 100/250 and
// 250/500 GB of storage/transfer a month).
export const BUCKET_BUNDLES = [
  { bundleId: 'small_1_0', name: 'Small', price: 1, storagePerMonthInGb: 5, transferPerMonthInGb: 25, isActive: true },
  {
    bundleId: 'medium_1_0',
    name: 'Medium',
    price: 3,
    storagePerMonthInGb: 100,
    transferPerMonthInGb: 250,
    isActive: true,
  },
  {
    bundleId: 'large_1_0',
    name: 'Large',
    price: 5,
    storagePerMonthInGb: 250,
    transferPerMonthInGb: 500,
    isActive: true,
  },
]

/** GetBuckets' page size: the service does not document one. */
export const BUCKETS_PAGE_SIZE = 20

function requireBundle(bundleId: string): void {
  if (!BUCKET_BUNDLES.some((b) => b.bundleId === bundleId && b.isActive)) {
    throw new EmulatorError(
      'InvalidInput',
      `The bundle ID ${echo(bundleId)} is not valid. Use GetBucketBundles to list the bundle IDs you can specify.`,
      { field: 'bundleId' },
    )
  }
}

// A change of UpdateBucket, checked against the account before anything is written.
function settingsChange(ctx: RouteContext<unknown>, bucket: Bucket, change: UpdateBucketChange) {
  const current = settingsOf(bucket)
  const next: Partial<LightsailSettings> = {}
  if (change.accessRules) next.accessRules = { ...current.accessRules, ...change.accessRules }
  if (change.versioning) next.objectVersioning = change.versioning
  if (change.readonlyAccessAccounts) next.readonlyAccessAccounts = [...new Set(change.readonlyAccessAccounts)]
  if (change.accessLogConfig) {
    const { enabled, destination, prefix } = change.accessLogConfig
    if (enabled && destination === undefined) {
      throw new EmulatorError('InvalidInput', 'accessLogConfig.destination is required to enable access logging.', {
        field: 'accessLogConfig.destination',
      })
    }
    // The destination must be a bucket of the same account in the same region.
    if (enabled && destination !== undefined) bucketOf(ctx, destination)
    next.accessLogConfig = enabled ? { enabled, destination, ...(prefix !== undefined && { prefix }) } : { enabled }
  }
  if (change.cors) next.cors = { rules: (change.cors.rules ?? []) as JsonObject[] }
  return next
}

export const bucketRoutes = [
  lightsailOperation({
    operation: 'CreateBucket',
    input: CreateBucketInput,
    resource: () => '*',
    async handle(ctx) {
      const { bucketName, bundleId, tags, enableObjectVersioning } = ctx.input
      requireBundle(bundleId)
      const settings: LightsailSettings = {
        bundleId,
        accessRules: { getObject: 'private', allowPublicOverrides: false },
        objectVersioning: enableObjectVersioning ? 'Enabled' : 'NeverEnabled',
        readonlyAccessAccounts: [],
        accessLogConfig: { enabled: false },
      }
      const bucket = await ctx.core.createBucket({
        accountId: ctx.principal.accountId,
        name: bucketName,
        region: regionOf(ctx),
        tags: (tags ?? []).map((t) => ({ key: t.key, value: t.value ?? '' })),
        settings: { ...settings },
        uniqueIn: 'everywhere',
      })
      return { bucket: renderBucket(bucket), operations: operations(ctx, bucket, 'CreateBucket') }
    },
  }),
  lightsailOperation({
    operation: 'GetBuckets',
    input: GetBucketsInput,
    resource: (ctx) => (ctx.input.bucketName === undefined ? '*' : bucketArn(bucketOf(ctx, ctx.input.bucketName))),
    handle(ctx) {
      const { bucketName, pageToken, includeConnectedResources, includeCors } = ctx.input
      const sync = { status: 'NeverSynced', message: 'SYNC_ON_HOLD', bpaImpactsLightsail: false }
      if (bucketName !== undefined) {
        const bucket = bucketOf(ctx, bucketName)
        const shown = renderBucket(bucket, { connected: includeConnectedResources, cors: includeCors })
        return { buckets: [shown], accountLevelBpaSync: sync }
      }
      const all = sortedBy(ctx.core.listBuckets(ctx.principal.accountId, regionOf(ctx)), (b) => b.name)
      const page = pageAfter(all, { cursor: pageToken, limit: BUCKETS_PAGE_SIZE, field: 'pageToken' }, (b) => b.name)
      return {
        buckets: page.items.map((b) => renderBucket(b, { connected: includeConnectedResources })),
        ...(page.next !== undefined && { nextPageToken: page.next }),
        accountLevelBpaSync: sync,
      }
    },
  }),
  lightsailOperation({
    operation: 'UpdateBucket',
    input: UpdateBucketInput,
    resource: (ctx) => bucketArn(bucketOf(ctx, ctx.input.bucketName)),
    async handle(ctx) {
      const found = bucketOf(ctx, ctx.input.bucketName)
      const settings = settingsChange(ctx, found, ctx.input)
      const bucket = await ctx.core.updateBucket(
        { accountId: found.accountId, name: found.name, region: found.region },
        { settings: { ...settings } },
      )
      return { bucket: renderBucket(bucket), operations: operations(ctx, bucket, 'UpdateBucket') }
    },
  }),
  lightsailOperation({
    operation: 'DeleteBucket',
    input: DeleteBucketInput,
    resource: (ctx) => bucketArn(bucketOf(ctx, ctx.input.bucketName)),
    async handle(ctx) {
      const found = bucketOf(ctx, ctx.input.bucketName)
      const bucket = await ctx.core.deleteBucket(
        { accountId: found.accountId, name: found.name, region: found.region },
        { force: ctx.input.forceDelete === true },
      )
      return { operations: operations(ctx, bucket, 'DeleteBucket') }
    },
  }),
  lightsailOperation({
    operation: 'GetBucketBundles',
    input: GetBucketBundlesInput,
    resource: () => '*',
    handle(ctx) {
      const bundles = BUCKET_BUNDLES.filter((b) => b.isActive || ctx.input.includeInactive)
      return { bundles: bundles.map((b) => ({ ...b })) }
    },
  }),
]
