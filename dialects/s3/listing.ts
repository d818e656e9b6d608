import { EmulatorError, echo } from '../../src/core/errors.js'
import type { WireRequest } from '../../src/protocol/route.js'
import { requireBucketName } from './addressing.js'
import { bucketPermission, bucketQueryOf } from './auth.js'
import { canonicalIdOf } from './buckets.js'
import { queryInteger } from './headers.js'
import { isoMillis, xmlAnswer } from './render.js'
import { s3Operation } from './routes.js'

// S3 takes `encoding-type=url` only; botocore and the CLI always send it and decode what comes back.
function encodingOf(req: WireRequest): ((text: string) => string) | undefined {
  const encoding = req.url.searchParams.get('encoding-type')
  if (encoding === null) return undefined
  if (encoding !== 'url') {
    throw new EmulatorError('InvalidInput', `Invalid Encoding Method specified in Request: ${echo(encoding)}`, {
      field: 'encoding-type',
    })
  }
  return (text) => encodeURIComponent(text).replace(/%2F/g, '/')
}

interface ListInput {
  bucket: string
  prefix: string
  delimiter: string | undefined
  startAfter: string | undefined
  continuationToken: string | undefined
  maxKeys: number
}

const listObjectsV2 = s3Operation<ListInput>({
  method: 'GET',
  operation: 'ListObjectsV2',
  level: 'bucket',
  when: (req) => req.url.searchParams.get('list-type') === '2',
  parse(req) {
    const q = req.url.searchParams
    encodingOf(req)
    return {
      bucket: requireBucketName(req),
      prefix: q.get('prefix') ?? '',
      delimiter: q.get('delimiter') || undefined,
      startAfter: q.get('start-after') ?? undefined,
      continuationToken: q.get('continuation-token') ?? undefined,
      maxKeys: queryInteger(req, 'max-keys') ?? 1000,
    }
  },
  // The condition keys of ListBucket (amazon-s3-policy-keys): what a policy may narrow a listing by.
  authorize: (ctx) =>
    bucketPermission(ctx, 's3:ListBucket', ctx.input.bucket, undefined, {
      's3:prefix': ctx.input.prefix,
      's3:delimiter': ctx.input.delimiter,
      's3:max-keys': String(ctx.input.maxKeys),
    }),
  handle(ctx) {
    const { input, req } = ctx
    const encode = encodingOf(req)
    const text = (value: string | undefined) => (value === undefined ? undefined : encode ? encode(value) : value)
    const page = ctx.core.listObjects({
      bucket: bucketQueryOf(ctx, input.bucket),
      prefix: input.prefix,
      delimiter: input.delimiter,
      startAfter: input.startAfter,
      continuationToken: input.continuationToken,
      maxKeys: input.maxKeys,
    })
    const owner = canonicalIdOf(ctx.principal.accountId)
    const fetchOwner = req.url.searchParams.get('fetch-owner') === 'true'
    return xmlAnswer(ctx.requestId, 'ListBucketResult', {
      Name: input.bucket,
      Prefix: text(input.prefix),
      Delimiter: text(input.delimiter),
      MaxKeys: Math.min(input.maxKeys, 1000),
      KeyCount: page.objects.length + page.commonPrefixes.length,
      IsTruncated: page.isTruncated,
      ContinuationToken: input.continuationToken,
      NextContinuationToken: page.nextContinuationToken,
      StartAfter: text(input.startAfter),
      EncodingType: encode && 'url',
      Contents: page.objects.map((o) => ({
        Key: text(o.key),
        LastModified: isoMillis(o.lastModified),
        ETag: o.etag,
        Size: o.size,
        StorageClass: 'STANDARD',
        ...(fetchOwner && { Owner: { ID: owner, DisplayName: ctx.principal.accountId } }),
      })),
      CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: text(p) })),
    })
  },
})

interface UploadsInput {
  bucket: string
  prefix: string | undefined
  delimiter: string | undefined
  keyMarker: string | undefined
  uploadIdMarker: string | undefined
  maxUploads: number | undefined
}

const listMultipartUploads = s3Operation<UploadsInput>({
  method: 'GET',
  operation: 'ListMultipartUploads',
  level: 'bucket',
  subresource: 'uploads',
  parse(req) {
    const q = req.url.searchParams
    encodingOf(req)
    return {
      bucket: requireBucketName(req),
      prefix: q.get('prefix') ?? undefined,
      delimiter: q.get('delimiter') || undefined,
      keyMarker: q.get('key-marker') ?? undefined,
      uploadIdMarker: q.get('upload-id-marker') ?? undefined,
      maxUploads: queryInteger(req, 'max-uploads'),
    }
  },
  authorize: (ctx) => bucketPermission(ctx, 's3:ListBucketMultipartUploads', ctx.input.bucket),
  handle(ctx) {
    const { input } = ctx
    const encode = encodingOf(ctx.req)
    const text = (value: string | undefined) => (value === undefined ? undefined : encode ? encode(value) : value)
    const page = ctx.core.listMultipartUploads({ ...input, bucket: bucketQueryOf(ctx, input.bucket) })
    const owner = { ID: canonicalIdOf(ctx.principal.accountId), DisplayName: ctx.principal.accountId }
    return xmlAnswer(ctx.requestId, 'ListMultipartUploadsResult', {
      Bucket: input.bucket,
      KeyMarker: text(input.keyMarker ?? ''),
      UploadIdMarker: input.uploadIdMarker ?? '',
      NextKeyMarker: text(page.nextKeyMarker),
      NextUploadIdMarker: page.nextUploadIdMarker,
      Prefix: text(input.prefix),
      Delimiter: text(input.delimiter),
      MaxUploads: Math.min(input.maxUploads ?? 1000, 1000),
      IsTruncated: page.isTruncated,
      EncodingType: encode && 'url',
      Upload: page.uploads.map((u) => ({
        Key: text(u.key),
        UploadId: u.id,
        Initiator: owner,
        Owner: owner,
        StorageClass: 'STANDARD',
        Initiated: isoMillis(u.initiatedAt),
      })),
      CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: text(p) })),
    })
  },
})

export const listingRoutes = [listObjectsV2, listMultipartUploads]
