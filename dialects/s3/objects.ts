import { EmulatorError, echo, isEmulatorError } from '../../src/core/errors.js'
import type { StoredObject } from '../../src/core/model.js'
import type { ObjectRead } from '../../src/core/objects.js'
import type { RouteContext } from '../../src/protocol/route.js'
import { requireBucketName, requireKey } from './addressing.js'
import { bucketPermission, bucketQueryOf, mayAlso } from './auth.js'
import {
  answerHeadersOf,
  conditionsOf,
  lastModifiedHeader,
  metadataHeaders,
  rangeOf,
  storedHeadersOf,
  userMetadataOf,
} from './headers.js'
import { receiveUpload } from './payload.js'
import { bodyAnswer, emptyAnswer, isoMillis, xmlAnswer } from './render.js'
import { s3Operation } from './routes.js'

export interface ObjectInput {
  bucket: string
  key: string
}

/** The bucket and key an object operation names. */
export const objectInput = (req: Parameters<typeof requireKey>[0]): ObjectInput => ({
  bucket: requireBucketName(req),
  key: requireKey(req),
})

/** The objects' own checksums as answer headers (`x-amz-checksum-crc32` …). */
const checksumHeaders = (checksums: Record<string, string>) =>
  Object.fromEntries(Object.entries(checksums).map(([alg, value]) => [`x-amz-checksum-${alg}`, value]))

// A missing key is NoSuchKey only to a caller who may list the bucket; anyone else learns nothing
// (s3.md "GetObject", the model's GetObject and HeadObject docs).
function hideMissing(ctx: RouteContext<ObjectInput>, err: unknown): never {
  if (isEmulatorError(err) && err.code === 'NotFound' && err.detail.entity === 'object') {
    if (!mayAlso(ctx, bucketPermission(ctx, 's3:ListBucket', ctx.input.bucket))) {
      throw new EmulatorError('Forbidden', 'Access Denied', { key: ctx.input.key })
    }
    throw new EmulatorError('NotFound', err.message, { entity: 'object', key: ctx.input.key })
  }
  throw err
}

const putObject = s3Operation<ObjectInput>({
  method: 'PUT',
  operation: 'PutObject',
  level: 'object',
  when: (req) => req.headers['x-amz-copy-source'] === undefined,
  streamBody: true,
  parse: objectInput,
  authorize: (ctx) => bucketPermission(ctx, 's3:PutObject', ctx.input.bucket, ctx.input.key),
  async handle(ctx) {
    const ifNoneMatch = ctx.req.headers['if-none-match']
    if (ifNoneMatch !== undefined && ifNoneMatch !== '*') {
      throw new EmulatorError(
        'InvalidInput',
        'A header you provided implies functionality that is not implemented: If-None-Match takes only *.',
        { s3Code: 'NotImplemented' },
      )
    }
    const upload = receiveUpload(ctx)
    const object = await ctx.core.putObject({
      bucket: bucketQueryOf(ctx, ctx.input.bucket),
      key: ctx.input.key,
      body: upload.body,
      expectedSize: upload.expectedSize,
      headers: storedHeadersOf(ctx.req),
      metadata: userMetadataOf(ctx.req),
      checksums: upload.checksums,
      ...(ifNoneMatch === '*' && { ifNoneMatch: '*' as const }),
    })
    return emptyAnswer(ctx.requestId, 200, { etag: object.etag, ...checksumHeaders(object.checksums) })
  },
})

// Checksums describe the whole object: a range or a part answers none.
function readHeaders(ctx: RouteContext<ObjectInput>, object: StoredObject, whole: boolean) {
  const wholeChecksums = whole && ctx.req.headers['x-amz-checksum-mode'] === 'ENABLED' && object.parts === undefined
  // One object written in place: spreading each part was a read's costliest step.
  const headers = answerHeadersOf(object.headers)
  Object.assign(headers, lastModifiedHeader(object.lastModified))
  headers.etag = object.etag
  headers['accept-ranges'] = 'bytes'
  Object.assign(headers, metadataHeaders(object.metadata))
  if (object.parts !== undefined) headers['x-amz-mp-parts-count'] = String(object.parts)
  if (wholeChecksums) Object.assign(headers, checksumHeaders(object.checksums))
  return headers
}

const partNumberOf = (ctx: RouteContext<ObjectInput>) => {
  const value = ctx.req.url.searchParams.get('partNumber')
  if (value === null) return undefined
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 10000) {
    throw new EmulatorError('InvalidInput', 'Part number must be an integer between 1 and 10000, inclusive', {
      field: 'partNumber',
    })
  }
  return Number(value)
}

const headObject = s3Operation<ObjectInput>({
  method: 'HEAD',
  operation: 'HeadObject',
  level: 'object',
  parse: objectInput,
  authorize: (ctx) => bucketPermission(ctx, 's3:GetObject', ctx.input.bucket, ctx.input.key),
  handle(ctx) {
    try {
      const object = ctx.core.headObject({
        bucket: bucketQueryOf(ctx, ctx.input.bucket),
        key: ctx.input.key,
        conditions: conditionsOf(ctx.req),
        partNumber: partNumberOf(ctx),
      })
      const headers = readHeaders(ctx, object, ctx.req.url.searchParams.get('partNumber') === null)
      return emptyAnswer(ctx.requestId, 200, { ...headers, 'content-length': String(object.size) })
    } catch (err) {
      hideMissing(ctx, err)
    }
  },
})

const getObject = s3Operation<ObjectInput>({
  method: 'GET',
  operation: 'GetObject',
  level: 'object',
  parse: objectInput,
  authorize: (ctx) => bucketPermission(ctx, 's3:GetObject', ctx.input.bucket, ctx.input.key),
  handle(ctx) {
    let read: ObjectRead
    try {
      read = ctx.core.readObject({
        bucket: bucketQueryOf(ctx, ctx.input.bucket),
        key: ctx.input.key,
        conditions: conditionsOf(ctx.req),
        range: rangeOf(ctx.req),
        partNumber: partNumberOf(ctx),
      })
    } catch (err) {
      hideMissing(ctx, err)
    }
    const { object, range, body } = read
    const headers = readHeaders(ctx, object, range === undefined)
    if (!range) {
      headers['content-length'] = String(object.size)
      return bodyAnswer(ctx.requestId, 200, headers, body)
    }
    headers['content-length'] = String(range.end - range.start + 1)
    headers['content-range'] = `bytes ${range.start}-${range.end}/${object.size}`
    return bodyAnswer(ctx.requestId, 206, headers, body)
  },
})

const deleteObject = s3Operation<ObjectInput>({
  method: 'DELETE',
  operation: 'DeleteObject',
  level: 'object',
  parse: objectInput,
  authorize: (ctx) => bucketPermission(ctx, 's3:DeleteObject', ctx.input.bucket, ctx.input.key),
  async handle(ctx) {
    await ctx.core.deleteObject({ bucket: bucketQueryOf(ctx, ctx.input.bucket), key: ctx.input.key })
    return emptyAnswer(ctx.requestId, 204)
  },
})

interface CopyInput extends ObjectInput {
  source: ObjectInput
}

// x-amz-copy-source: `bucket/key` or `/bucket/key`, URL-encoded, perhaps with `?versionId=`.
function copySourceOf(value: string): ObjectInput {
  const [path = ''] = value.split('?')
  const trimmed = path.startsWith('/') ? path.slice(1) : path
  const slash = trimmed.indexOf('/')
  const invalid = () =>
    new EmulatorError('InvalidInput', `Copy Source must mention the source bucket and key: ${echo(value)}`, {
      field: 'x-amz-copy-source',
    })
  if (slash <= 0 || slash === trimmed.length - 1) throw invalid()
  try {
    return { bucket: decodeURIComponent(trimmed.slice(0, slash)), key: decodeURIComponent(trimmed.slice(slash + 1)) }
  } catch {
    throw invalid()
  }
}

const copyObject = s3Operation<CopyInput>({
  method: 'PUT',
  operation: 'CopyObject',
  level: 'object',
  when: (req) => req.headers['x-amz-copy-source'] !== undefined,
  parse: (req) => ({ ...objectInput(req), source: copySourceOf(req.headers['x-amz-copy-source'] ?? '') }),
  authorize: (ctx) => bucketPermission(ctx, 's3:PutObject', ctx.input.bucket, ctx.input.key),
  async handle(ctx) {
    const { source } = ctx.input
    // Reading the source is a permission of its own (s3.md "CopyObject").
    ctx.authorize(bucketPermission(ctx, 's3:GetObject', source.bucket, source.key))
    const directive = ctx.req.headers['x-amz-metadata-directive'] ?? 'COPY'
    if (directive !== 'COPY' && directive !== 'REPLACE') {
      throw new EmulatorError('InvalidInput', 'Unknown metadata directive.', { field: 'x-amz-metadata-directive' })
    }
    const object = await ctx.core.copyObject({
      source: { bucket: bucketQueryOf(ctx, source.bucket), key: source.key },
      target: { bucket: bucketQueryOf(ctx, ctx.input.bucket), key: ctx.input.key },
      sourceConditions: conditionsOf(ctx.req, 'x-amz-copy-source-'),
      metadataDirective: directive,
      ...(directive === 'REPLACE' && { headers: storedHeadersOf(ctx.req), metadata: userMetadataOf(ctx.req) }),
    })
    return xmlAnswer(ctx.requestId, 'CopyObjectResult', {
      ETag: object.etag,
      LastModified: isoMillis(object.lastModified),
    })
  },
})

export const objectRoutes = [copyObject, putObject, headObject, getObject, deleteObject]
