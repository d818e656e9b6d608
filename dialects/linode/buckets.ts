import { EmulatorError, echo } from '../../src/core/errors.js'
import type { Account, Bucket } from '../../src/core/model.js'
import { pageNumber } from '../../src/core/pagination.js'
import { invalidInput, jsonResponse } from '../../src/protocol/rest/json.js'
import type { NumberedPageQuery } from '../../src/protocol/rest/paging.js'
import { type RouteContext, route } from '../../src/protocol/route.js'
import { accountOf, findRegion, reads, writes } from './auth.js'
import { renderBucket, renderPage } from './render.js'
import { CreateBucketBody, type CreateBucketInput, pageQuery, parseBody } from './schemas.js'

const BUCKETS = '/v4/object-storage/buckets'

/** The region a path names by id or cluster id; an unknown one is a resource that is not there. */
function pathRegion(account: Account, idOrCluster: string) {
  const region = findRegion(account, idOrCluster)
  if (!region) throw new EmulatorError('NotFound', `Region ${echo(idOrCluster)} does not exist.`, { entity: 'region' })
  return region
}

function bucketAt(ctx: RouteContext<unknown>, params: Record<string, string>): { account: Account; bucket: Bucket } {
  const account = accountOf(ctx)
  const region = pathRegion(account, params.regionId ?? '')
  const bucket = ctx.core.getBucket({ accountId: account.id, name: params.bucket ?? '', region: region.id })
  return { account, bucket }
}

export const bucketRoutes = [
  route<NumberedPageQuery>({
    method: 'GET',
    path: BUCKETS,
    operation: 'GET /v4/object-storage/buckets',
    authorize: reads,
    parse: (req) => pageQuery(req),
    handle(ctx) {
      const account = accountOf(ctx)
      const page = pageNumber(ctx.core.listBuckets(account.id), ctx.input.page, ctx.input.pageSize)
      return jsonResponse(
        200,
        renderPage(page, (b) => renderBucket(b, account)),
      )
    },
  }),
  route<CreateBucketInput>({
    method: 'POST',
    path: BUCKETS,
    operation: 'POST /v4/object-storage/buckets',
    authorize: writes,
    parse: (req) => parseBody(CreateBucketBody, req),
    async handle(ctx) {
      const account = accountOf(ctx)
      const { label, region: regionId, cluster, acl, cors_enabled } = ctx.input
      const field = regionId !== undefined ? 'region' : 'cluster'
      const where = regionId ?? cluster ?? ''
      const region = findRegion(account, where)
      if (!region)
        throw invalidInput([{ message: `${field} ${where} is not an Object Storage region of this account.`, field }])
      if (ctx.core.findBucket({ accountId: account.id, name: label, region: region.id })) {
        throw invalidInput([{ message: `A bucket named ${label} already exists in ${region.id}.`, field: 'label' }])
      }
      const bucket = await ctx.core.createBucket({
        accountId: account.id,
        name: label,
        region: region.id,
        uniqueIn: 'region',
        settings: { acl: acl ?? 'private', corsEnabled: cors_enabled ?? true },
      })
      return jsonResponse(200, renderBucket(bucket, account))
    },
  }),
  route<NumberedPageQuery>({
    method: 'GET',
    path: `${BUCKETS}/:regionId`,
    operation: 'GET /v4/object-storage/buckets/{regionId}',
    authorize: reads,
    parse: (req) => pageQuery(req),
    handle(ctx) {
      const account = accountOf(ctx)
      const region = pathRegion(account, ctx.params.regionId ?? '')
      const page = pageNumber(ctx.core.listBuckets(account.id, region.id), ctx.input.page, ctx.input.pageSize)
      return jsonResponse(
        200,
        renderPage(page, (b) => renderBucket(b, account)),
      )
    },
  }),
  route({
    method: 'GET',
    path: `${BUCKETS}/:regionId/:bucket`,
    operation: 'GET /v4/object-storage/buckets/{regionId}/{bucket}',
    authorize: reads,
    handle(ctx) {
      const { account, bucket } = bucketAt(ctx, ctx.params)
      return jsonResponse(200, renderBucket(bucket, account))
    },
  }),
  route({
    method: 'DELETE',
    path: `${BUCKETS}/:regionId/:bucket`,
    operation: 'DELETE /v4/object-storage/buckets/{regionId}/{bucket}',
    authorize: writes,
    async handle(ctx) {
      const { bucket } = bucketAt(ctx, ctx.params)
      await ctx.core.deleteBucket({ accountId: bucket.accountId, name: bucket.name, region: bucket.region })
      return jsonResponse(200, {})
    },
  }),
]
