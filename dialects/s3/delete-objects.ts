import { EmulatorError } from '../../src/core/errors.js'
import { BodyChecksums, checksumExpectation } from '../../src/protocol/aws/checksums.js'
import { requireBucketName } from './addressing.js'
import { bucketPermission, bucketQueryOf, mayAlso } from './auth.js'
import { xmlAnswer } from './render.js'
import { s3Operation } from './routes.js'
import { listOf, malformedXml, readXml, textOf } from './xml-input.js'

/** The most keys one DeleteObjects names (the model's Delete.Objects). */
const MAX_KEYS = 1000

interface DeleteInput {
  bucket: string
  keys: string[]
  quiet: boolean
}

const deletePermission = (ctx: Parameters<typeof bucketPermission>[0], bucket: string, key: string) =>
  bucketPermission(ctx, 's3:DeleteObject', bucket, key)

const deleteObjects = s3Operation<DeleteInput>({
  method: 'POST',
  operation: 'DeleteObjects',
  level: 'bucket',
  subresource: 'delete',
  parse(req) {
    const bucket = requireBucketName(req)
    const doc = readXml(req, 'Delete')
    const objects = listOf(doc.Object)
    if (objects.length === 0 || objects.length > MAX_KEYS) throw malformedXml()
    const keys = objects.map((o) => {
      const key = textOf(o.Key)
      if (key === undefined || key === '') throw malformedXml()
      return key
    })
    const quiet = textOf(doc.Quiet)
    if (quiet !== undefined && quiet !== 'true' && quiet !== 'false') throw malformedXml()
    return { bucket, keys, quiet: quiet === 'true' }
  },
  // Every key is S3's s3:DeleteObject on that key; keyemu deletes all or none (README), so the request
  // is judged by its first key the caller may not delete, or else by its first key.
  authorize: (ctx) => {
    const { bucket, keys } = ctx.input
    const refused = keys.find((key) => !mayAlso(ctx, deletePermission(ctx, bucket, key)))
    return deletePermission(ctx, bucket, refused ?? (keys[0] as string))
  },
  async handle(ctx) {
    // The model's httpChecksum trait: a body digest (Content-MD5 or a flexible checksum) is required.
    const expectation = checksumExpectation(ctx.req.headers)
    if (!expectation.checksum && expectation.contentMd5 === undefined) {
      throw new EmulatorError('InvalidInput', 'Missing required header for this request: Content-Md5.', {
        s3Code: 'InvalidRequest',
      })
    }
    const checks = new BodyChecksums(expectation)
    checks.update(ctx.req.body)
    await checks.verify()
    const { deleted } = await ctx.core.deleteObjects({
      bucket: bucketQueryOf(ctx, ctx.input.bucket),
      keys: ctx.input.keys,
    })
    return xmlAnswer(ctx.requestId, 'DeleteResult', {
      Deleted: ctx.input.quiet ? undefined : deleted.map((key) => ({ Key: key })),
    })
  },
})

export const deleteObjectsRoutes = [deleteObjects]
