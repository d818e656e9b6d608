import { createHash } from 'node:crypto'
import { EmulatorError, echo, isEmulatorError } from '../../src/core/errors.js'
import type { Account, Bucket } from '../../src/core/model.js'
import { AWS_REALM } from '../../src/protocol/aws/auth.js'
import { sigV4ClaimOf } from '../../src/protocol/aws/claim.js'
import type { RouteContext } from '../../src/protocol/route.js'
import { escapeXml } from '../../src/protocol/wire/xml.js'
import { requireBucketName, targetOf } from './addressing.js'
import { bucketPermission, callerBucket, listsOnlyReachable, mayAlso, s3Arn, uniqueInRegion } from './auth.js'
import { emptyAnswer, isoMillis, NAMESPACE, requestIdHeaders, xmlAnswer } from './render.js'
import { s3Operation } from './routes.js'
import { readXml, textOf } from './xml-input.js'

/** The canonical user id S3 shows as a bucket's owner: 64 hex digits, one per account. */
export const canonicalIdOf = (accountId: string): string => createHash('sha256').update(accountId).digest('hex')

/** The region a bucket reports, as its provider's S3 endpoint names it (a Linode cluster id, not its region). */
export const s3RegionOf = (ctx: RouteContext<unknown>, bucket: Bucket): string => {
  const region = ctx.core.getAccount(bucket.accountId)?.regions.find((r) => r.id === bucket.region)
  return region?.alias ?? bucket.region
}

const signedRegion = (ctx: RouteContext<unknown>): string | undefined => {
  const claim = sigV4ClaimOf(ctx.req)
  return typeof claim === 'object' ? claim.region : undefined
}

const locationError = (message: string, s3Code: string) => new EmulatorError('InvalidInput', message, { s3Code })

// AWS (s3.md "CreateBucket"): us-east-1 takes no constraint; elsewhere the constraint must name the
// region the request was signed for. Other providers place the bucket where the constraint, the
// cluster host or the signing region says, else in the account's first region (Tigris's `auto`).
function creationRegion(ctx: RouteContext<unknown>, account: Account, constraint: string | undefined): string {
  const signed = signedRegion(ctx) ?? 'us-east-1'
  if (account.realm === AWS_REALM) {
    if (constraint === 'us-east-1')
      throw locationError('The specified location-constraint is not valid', 'InvalidLocationConstraint')
    if (constraint === undefined && signed !== 'us-east-1') {
      throw locationError(
        'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
        'IllegalLocationConstraintException',
      )
    }
    if (constraint !== undefined && signed !== 'us-east-1' && constraint !== signed) {
      throw locationError(
        `The ${echo(constraint)} location constraint is incompatible for the region specific endpoint this request was sent to.`,
        'IllegalLocationConstraintException',
      )
    }
    const wanted = constraint ?? 'us-east-1'
    if (!account.regions.some((r) => r.id === wanted)) {
      throw locationError('The specified location-constraint is not valid', 'InvalidLocationConstraint')
    }
    return wanted
  }
  const host = targetOf(ctx.req).host
  const named = (wanted: string | undefined) =>
    wanted === undefined ? undefined : account.regions.find((r) => r.id === wanted || r.alias === wanted)
  if (constraint !== undefined) {
    const region = named(constraint)
    if (!region) throw locationError('The specified location-constraint is not valid', 'InvalidLocationConstraint')
    return region.id
  }
  const region = account.regions.find((r) => r.s3Endpoint === host) ?? named(signed) ?? account.regions[0]
  if (!region) throw locationError('The account has no region to create a bucket in.', 'InvalidLocationConstraint')
  return region.id
}

interface CreateInput {
  name: string
  constraint: string | undefined
}

const regions = new WeakMap<RouteContext<unknown>, string>()
function regionToCreateIn(ctx: RouteContext<CreateInput>): string {
  let region = regions.get(ctx as RouteContext<unknown>)
  if (!region) {
    const account = ctx.core.getAccount(ctx.principal.accountId) as Account
    region = creationRegion(ctx as RouteContext<unknown>, account, ctx.input.constraint)
    regions.set(ctx as RouteContext<unknown>, region)
  }
  return region
}

const listBuckets = s3Operation({
  method: 'GET',
  operation: 'ListBuckets',
  level: 'service',
  authorize: { action: 's3:ListAllMyBuckets', resource: '*' },
  handle(ctx) {
    const prefix = ctx.req.url.searchParams.get('prefix') ?? ''
    const onlyReachable = listsOnlyReachable(ctx.core, ctx.principal)
    const buckets = ctx.core
      .listBuckets(ctx.principal.accountId)
      .filter((b) => b.name.startsWith(prefix))
      .filter(
        (b) =>
          !onlyReachable ||
          mayAlso(ctx, {
            action: 's3:ListBucket',
            resource: s3Arn(b.name),
            conditions: { 'aws:RequestedRegion': b.region },
          }),
      )
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const owner = canonicalIdOf(ctx.principal.accountId)
    return xmlAnswer(ctx.requestId, 'ListAllMyBucketsResult', {
      Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: isoMillis(b.createdAt) })) },
      Owner: { ID: owner, DisplayName: ctx.principal.accountId },
      ...(prefix !== '' && { Prefix: prefix }),
    })
  },
})

const createBucket = s3Operation<CreateInput>({
  method: 'PUT',
  operation: 'CreateBucket',
  level: 'bucket',
  parse(req) {
    const name = requireBucketName(req)
    if (req.body.length === 0) return { name, constraint: undefined }
    const doc = readXml(req, 'CreateBucketConfiguration')
    const constraint = textOf(doc.LocationConstraint)
    return { name, constraint: constraint === '' ? undefined : constraint }
  },
  authorize: (ctx) => ({
    action: 's3:CreateBucket',
    resource: s3Arn(ctx.input.name),
    conditions: { 'aws:RequestedRegion': regionToCreateIn(ctx) },
  }),
  async handle(ctx) {
    const { name } = ctx.input
    const region = regionToCreateIn(ctx)
    const mine = ctx.core
      .listBucketsNamed(name, ctx.principal.accountId)
      .find((b) => b.accountId === ctx.principal.accountId)
    const answer = emptyAnswer(ctx.requestId, 200, { location: `/${name}` })
    if (mine) {
      // us-east-1 answers a repeated create of one's own bucket with success (s3.md "CreateBucket").
      if (mine.region === 'us-east-1' && region === 'us-east-1') return answer
      throw new EmulatorError('AlreadyExists', 'The bucket is already yours.', { entity: 'own-bucket', bucket: name })
    }
    try {
      await ctx.core.createBucket({
        accountId: ctx.principal.accountId,
        name,
        region,
        uniqueIn: uniqueInRegion(ctx.core, ctx.principal) ? 'region' : 'everywhere',
      })
    } catch (err) {
      if (isEmulatorError(err) && err.code === 'AlreadyExists') {
        throw new EmulatorError('AlreadyExists', err.message, { entity: 'bucket', bucket: name })
      }
      throw err
    }
    return answer
  },
})

const headBucket = s3Operation({
  method: 'HEAD',
  operation: 'HeadBucket',
  level: 'bucket',
  parse: requireBucketName,
  authorize: (ctx) => bucketPermission(ctx, 's3:ListBucket', ctx.input),
  handle(ctx) {
    const bucket = callerBucket(ctx, ctx.input)
    return emptyAnswer(ctx.requestId, 200, { 'x-amz-bucket-region': s3RegionOf(ctx, bucket) })
  },
})

const getBucketLocation = s3Operation({
  method: 'GET',
  operation: 'GetBucketLocation',
  level: 'bucket',
  subresource: 'location',
  parse: requireBucketName,
  authorize: (ctx) => bucketPermission(ctx, 's3:GetBucketLocation', ctx.input),
  handle(ctx) {
    const region = s3RegionOf(ctx, callerBucket(ctx, ctx.input))
    // us-east-1 is the empty constraint, as S3 has always answered it.
    const text = region === 'us-east-1' ? '' : escapeXml(region)
    return {
      status: 200,
      headers: { 'content-type': 'application/xml', ...requestIdHeaders(ctx.requestId) },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${NAMESPACE}">${text}</LocationConstraint>`,
    }
  },
})

const deleteBucket = s3Operation({
  method: 'DELETE',
  operation: 'DeleteBucket',
  level: 'bucket',
  parse: requireBucketName,
  authorize: (ctx) => bucketPermission(ctx, 's3:DeleteBucket', ctx.input),
  async handle(ctx) {
    const bucket = callerBucket(ctx, ctx.input)
    // Refused while objects or uploads are in it (BucketNotEmpty), and while a provider's keys belong to it.
    await ctx.core.deleteBucket({ accountId: bucket.accountId, name: bucket.name, region: bucket.region })
    return emptyAnswer(ctx.requestId, 204)
  },
})

export const bucketRoutes = [listBuckets, createBucket, headBucket, deleteBucket, getBucketLocation]
