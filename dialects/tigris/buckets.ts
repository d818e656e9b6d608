import { pageAfter, sortedBy } from '../../src/core/pagination.js'
import { invalidInput, jsonResponse, type Problem } from '../../src/protocol/rest/json.js'
import type { Permission } from '../../src/protocol/route.js'
import { orgOf } from './auth.js'
import { served } from './paths.js'
import { nextToken, renderBucket } from './render.js'
import { flagParam, type PageQuery, pageQuery, parseBody, UpdateBucketBody, type UpdateBucketInput } from './schemas.js'

const buckets: Permission = { action: 'tigris:ManageBuckets', resource: 'tigris:buckets' }
const byName = (b: { name: string }) => b.name
const query = (ctx: { params: Record<string, string> }, accountId: string) => ({
  accountId,
  name: ctx.params.bucketName ?? '',
})

export const bucketRoutes = [
  ...served<PageQuery>('/:orgId/buckets', {
    method: 'GET',
    operation: 'Tigris_ListBuckets',
    authorize: buckets,
    parse: (req) => pageQuery(req, { default: 500, max: 5000 }),
    handle(ctx) {
      const org = orgOf(ctx)
      const page = pageAfter(
        sortedBy(ctx.core.listBuckets(org.id), byName),
        {
          cursor: ctx.input.continuationToken,
          limit: ctx.input.limit,
          field: 'continuation_token',
          listing: `tigris:${org.id}:buckets`,
        },
        byName,
      )
      return jsonResponse(200, { buckets: page.items.map(renderBucket), next_continuation_token: nextToken(page.next) })
    },
  }),
  ...served('/:orgId/buckets/:bucketName', {
    method: 'GET',
    operation: 'Tigris_GetBucket',
    authorize: buckets,
    handle: (ctx) => jsonResponse(200, { bucket: renderBucket(ctx.core.getBucket(query(ctx, orgOf(ctx).id))) }),
  }),
  ...served<UpdateBucketInput>('/:orgId/buckets/:bucketName', {
    method: 'PUT',
    operation: 'Tigris_UpdateBucket',
    authorize: buckets,
    parse: (req) => parseBody(UpdateBucketBody, req),
    async handle(ctx) {
      const settings = Object.fromEntries(Object.entries(ctx.input).filter(([, v]) => v !== undefined))
      await ctx.core.updateBucket(query(ctx, orgOf(ctx).id), { settings })
      return jsonResponse(200, {})
    },
  }),
  ...served<boolean>('/:orgId/buckets/:bucketName', {
    method: 'DELETE',
    operation: 'Tigris_DeleteBucket',
    authorize: buckets,
    parse: (req) => {
      const problems: Problem[] = []
      const force = flagParam(req, 'force', problems)
      if (problems.length > 0) throw invalidInput(problems)
      return force
    },
    async handle(ctx) {
      // `force` deletes a bucket that still holds objects (and keys) with them.
      await ctx.core.deleteBucket(query(ctx, orgOf(ctx).id), { force: ctx.input })
      return jsonResponse(200, {})
    },
  }),
]
