import { EmulatorError } from '../../src/core/errors.js'
import { CHECKSUM_ALGORITHMS } from '../../src/protocol/aws/checksums.js'
import type { RouteContext } from '../../src/protocol/route.js'
import { bucketPermission, bucketQueryOf } from './auth.js'
import { queryInteger, storedHeadersOf, userMetadataOf } from './headers.js'
import { type ObjectInput, objectInput } from './objects.js'
import { receiveUpload } from './payload.js'
import { emptyAnswer, isoMillis, xmlAnswer } from './render.js'
import { s3Operation } from './routes.js'
import { listOf, malformedXml, readXml, textOf } from './xml-input.js'

interface UploadInput extends ObjectInput {
  uploadId: string
}

const uploadInput = (req: Parameters<typeof objectInput>[0]): UploadInput => ({
  ...objectInput(req),
  uploadId: req.url.searchParams.get('uploadId') ?? '',
})

const uploadRef = (ctx: RouteContext<UploadInput>) => ({
  bucket: bucketQueryOf(ctx, ctx.input.bucket),
  key: ctx.input.key,
  uploadId: ctx.input.uploadId,
})

const objectPermission = (action: string) => (ctx: RouteContext<ObjectInput>) =>
  bucketPermission(ctx, action, ctx.input.bucket, ctx.input.key)

const createMultipartUpload = s3Operation<ObjectInput>({
  method: 'POST',
  operation: 'CreateMultipartUpload',
  level: 'object',
  subresource: 'uploads',
  parse: objectInput,
  authorize: objectPermission('s3:PutObject'),
  async handle(ctx) {
    const named = ctx.req.headers['x-amz-checksum-algorithm']
    const algorithm = named === undefined ? undefined : CHECKSUM_ALGORITHMS.find((a) => a === named.toUpperCase())
    if (named !== undefined && algorithm === undefined) {
      throw new EmulatorError('InvalidInput', 'Checksum algorithm provided is unsupported.', {
        field: 'x-amz-checksum-algorithm',
        s3Code: 'InvalidRequest',
      })
    }
    const upload = await ctx.core.createMultipartUpload({
      bucket: bucketQueryOf(ctx, ctx.input.bucket),
      key: ctx.input.key,
      headers: storedHeadersOf(ctx.req),
      metadata: userMetadataOf(ctx.req),
      checksumAlgorithm: algorithm,
    })
    return xmlAnswer(ctx.requestId, 'InitiateMultipartUploadResult', {
      Bucket: ctx.input.bucket,
      Key: ctx.input.key,
      UploadId: upload.id,
    })
  },
})

const uploadPart = s3Operation<UploadInput & { partNumber: number }>({
  method: 'PUT',
  operation: 'UploadPart',
  level: 'object',
  subresource: 'uploadId',
  when: (req) => req.headers['x-amz-copy-source'] === undefined,
  streamBody: true,
  parse: (req) => ({ ...uploadInput(req), partNumber: queryInteger(req, 'partNumber') ?? 0 }),
  authorize: objectPermission('s3:PutObject'),
  async handle(ctx) {
    const upload = receiveUpload(ctx)
    const part = await ctx.core.uploadPart({
      ...uploadRef(ctx),
      partNumber: ctx.input.partNumber,
      body: upload.body,
      expectedSize: upload.expectedSize,
      checksums: upload.checksums,
    })
    const checksums = Object.fromEntries(Object.entries(part.checksums).map(([a, v]) => [`x-amz-checksum-${a}`, v]))
    return emptyAnswer(ctx.requestId, 200, { etag: part.etag, ...checksums })
  },
})

const completeMultipartUpload = s3Operation<UploadInput & { parts: { partNumber: number; etag: string }[] }>({
  method: 'POST',
  operation: 'CompleteMultipartUpload',
  level: 'object',
  subresource: 'uploadId',
  parse(req) {
    const doc = readXml(req, 'CompleteMultipartUpload')
    const parts = listOf(doc.Part).map((part) => {
      const number = textOf(part.PartNumber)
      const etag = textOf(part.ETag)
      if (number === undefined || !/^\d{1,5}$/.test(number) || etag === undefined) throw malformedXml()
      return { partNumber: Number(number), etag }
    })
    return { ...uploadInput(req), parts }
  },
  authorize: objectPermission('s3:PutObject'),
  async handle(ctx) {
    const ifNoneMatch = ctx.req.headers['if-none-match']
    const object = await ctx.core.completeMultipartUpload({
      ...uploadRef(ctx),
      parts: ctx.input.parts,
      ...(ifNoneMatch === '*' && { ifNoneMatch: '*' as const }),
    })
    const origin = `${ctx.req.url.protocol}//${ctx.req.headers.host ?? ctx.req.url.host}`
    return xmlAnswer(ctx.requestId, 'CompleteMultipartUploadResult', {
      Location: `${origin}/${encodeURIComponent(ctx.input.bucket)}/${ctx.input.key.split('/').map(encodeURIComponent).join('/')}`,
      Bucket: ctx.input.bucket,
      Key: ctx.input.key,
      ETag: object.etag,
    })
  },
})

const abortMultipartUpload = s3Operation<UploadInput>({
  method: 'DELETE',
  operation: 'AbortMultipartUpload',
  level: 'object',
  subresource: 'uploadId',
  parse: uploadInput,
  authorize: objectPermission('s3:AbortMultipartUpload'),
  async handle(ctx) {
    await ctx.core.abortMultipartUpload(uploadRef(ctx))
    return emptyAnswer(ctx.requestId, 204)
  },
})

const listParts = s3Operation<UploadInput>({
  method: 'GET',
  operation: 'ListParts',
  level: 'object',
  subresource: 'uploadId',
  parse: uploadInput,
  authorize: objectPermission('s3:ListMultipartUploadParts'),
  handle(ctx) {
    const marker = queryInteger(ctx.req, 'part-number-marker')
    const maxParts = queryInteger(ctx.req, 'max-parts')
    const page = ctx.core.listParts({ ...uploadRef(ctx), partNumberMarker: marker, maxParts })
    return xmlAnswer(ctx.requestId, 'ListPartsResult', {
      Bucket: ctx.input.bucket,
      Key: ctx.input.key,
      UploadId: ctx.input.uploadId,
      PartNumberMarker: marker ?? 0,
      NextPartNumberMarker: page.nextPartNumberMarker,
      MaxParts: Math.min(maxParts ?? 1000, 1000),
      IsTruncated: page.isTruncated,
      StorageClass: 'STANDARD',
      Part: page.parts.map((p) => ({
        PartNumber: p.number,
        LastModified: isoMillis(p.lastModified),
        ETag: p.etag,
        Size: p.size,
      })),
    })
  },
})

export const multipartRoutes = [
  createMultipartUpload,
  uploadPart,
  completeMultipartUpload,
  abortMultipartUpload,
  listParts,
]
