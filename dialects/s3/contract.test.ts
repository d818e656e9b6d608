import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import {
  CreateBucketCommand as CreateLightsailBucket,
  GetBucketsCommand,
  LightsailClient,
} from '@aws-sdk/client-lightsail'
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { beforeEach, describe, expect, test } from 'vitest'
import { ROOT } from '../../test/support/aws-signing.js'
import { failure } from '../../test/support/failure.js'
import { s3Client } from '../../test/support/s3.js'
import { forEachTransport, type Transport } from '../../test/support/transports.js'

const bytesOf = async (body: { transformToByteArray(): Promise<Uint8Array> } | undefined) =>
  Buffer.from((await body?.transformToByteArray()) ?? [])

const s3Failure = (call: Promise<unknown>) => failure(call, S3ServiceException)

forEachTransport('s3', (t: Transport) => {
  let s3: S3Client
  beforeEach(async () => {
    s3 = s3Client(t)
    await s3.send(new CreateBucketCommand({ Bucket: 'photos' }))
  })

  describe('buckets', () => {
    test('creates a bucket, heads it with its region, lists it and tells its location', async () => {
      const head = await s3.send(new HeadBucketCommand({ Bucket: 'photos' }))
      expect(head.BucketRegion).toBe('us-east-1')
      const list = await s3.send(new ListBucketsCommand({}))
      expect(list.Buckets?.map((b) => b.Name)).toContain('photos')
      expect(list.$metadata.requestId).toMatch(/^[0-9A-F]{16}$/)
      const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'photos' }))
      expect(location.LocationConstraint).toBeUndefined()
    })

    test('creates a bucket in the region its LocationConstraint names when signed there', async () => {
      const west = s3Client(t, { region: 'eu-west-1', origin: 'https://s3.eu-west-1.amazonaws.com' })
      await west.send(
        new CreateBucketCommand({
          Bucket: 'west-bucket',
          CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
        }),
      )
      const location = await west.send(new GetBucketLocationCommand({ Bucket: 'west-bucket' }))
      expect(location.LocationConstraint).toBe('eu-west-1')
    })

    test('answers a bucket of no account with NoSuchBucket (404)', async () => {
      const err = await s3Failure(s3.send(new GetBucketLocationCommand({ Bucket: 'nobody-has-this' })))
      expect(err).toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } })
    })

    test('refuses to delete a bucket with objects (409 BucketNotEmpty), deletes it empty (204)', async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'a', Body: 'x' }))
      const err = await s3Failure(s3.send(new DeleteBucketCommand({ Bucket: 'photos' })))
      expect(err).toMatchObject({ name: 'BucketNotEmpty', $metadata: { httpStatusCode: 409 } })
      await s3.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'a' }))
      const deleted = await s3.send(new DeleteBucketCommand({ Bucket: 'photos' }))
      expect(deleted.$metadata.httpStatusCode).toBe(204)
      expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).not.toContain('photos')
    })

    test('a bucket made through Lightsail is the same bucket here, and one made here is listed by Lightsail', async () => {
      const lightsail = new LightsailClient({
        region: 'us-east-1',
        credentials: ROOT,
        ...(t.kind === 'server' && { endpoint: t.endpoint('https://lightsail.us-east-1.amazonaws.com') }),
      })
      await lightsail.send(new CreateLightsailBucket({ bucketName: 'from-lightsail', bundleId: 'small_1_0' }))
      await s3.send(new PutObjectCommand({ Bucket: 'from-lightsail', Key: 'k', Body: 'v' }))
      const got = await s3.send(new GetObjectCommand({ Bucket: 'from-lightsail', Key: 'k' }))
      expect(await got.Body?.transformToString()).toBe('v')
      const listed = await lightsail.send(new GetBucketsCommand({}))
      expect(listed.buckets?.map((b) => b.name)).toEqual(expect.arrayContaining(['from-lightsail', 'photos']))
    })
  })

  describe('objects', () => {
    test('stores and returns every byte value exactly, with its type, metadata and MD5 ETag', async () => {
      const body = Buffer.from(Array.from({ length: 256 * 4 }, (_, i) => i % 256))
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: 'photos',
          Key: 'dir/all bytes ü.bin',
          Body: body,
          ContentType: 'application/x-test',
          Metadata: { Owner: 'alice' },
        }),
      )
      expect(put.ETag).toBe(`"${createHash('md5').update(body).digest('hex')}"`)
      const got = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'dir/all bytes ü.bin' }))
      expect((await bytesOf(got.Body)).equals(body)).toBe(true)
      expect(got).toMatchObject({
        ContentType: 'application/x-test',
        Metadata: { owner: 'alice' },
        ContentLength: 1024,
      })
      expect(got.ETag).toBe(put.ETag)
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'photos', Key: 'dir/all bytes ü.bin' }))
      expect(head).toMatchObject({ ContentLength: 1024, ETag: put.ETag, Metadata: { owner: 'alice' } })
    })

    test('streams a body of unknown length (aws-chunked with a trailing checksum)', async () => {
      const body = randomBytes(300 * 1024)
      await s3.send(
        new PutObjectCommand({
          Bucket: 'photos',
          Key: 'streamed',
          Body: Readable.from([body.subarray(0, 1000), body.subarray(1000)]),
          ContentLength: body.length,
        }),
      )
      const got = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'streamed' }))
      expect((await bytesOf(got.Body)).equals(body)).toBe(true)
    })

    test('answers a Range with 206 and Content-Range, and a range past the end with 416 InvalidRange', async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'r', Body: '0123456789' }))
      const part = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'r', Range: 'bytes=2-5' }))
      expect(part.$metadata.httpStatusCode).toBe(206)
      expect(part.ContentRange).toBe('bytes 2-5/10')
      expect(await part.Body?.transformToString()).toBe('2345')
      const tail = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'r', Range: 'bytes=-3' }))
      expect(await tail.Body?.transformToString()).toBe('789')
      const err = await s3Failure(s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'r', Range: 'bytes=10-' })))
      expect(err).toMatchObject({ name: 'InvalidRange', $metadata: { httpStatusCode: 416 } })
    })

    test('honours If-Match, If-None-Match and If-None-Match: * on a write', async () => {
      const { ETag } = await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'c', Body: 'v1' }))
      const same = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'c', IfMatch: ETag }))
      expect(await same.Body?.transformToString()).toBe('v1')
      const stale = await s3Failure(s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'c', IfMatch: '"nope"' })))
      expect(stale).toMatchObject({ $metadata: { httpStatusCode: 412 } })
      const unchanged = await s3Failure(
        s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'c', IfNoneMatch: ETag })),
      )
      expect(unchanged.$metadata.httpStatusCode).toBe(304)
      const exists = await s3Failure(
        s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'c', Body: 'v2', IfNoneMatch: '*' })),
      )
      expect(exists).toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } })
      const still = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'c' }))
      expect(await still.Body?.transformToString()).toBe('v1')
    })

    test('answers a missing key with NoSuchKey to the root, and deletes a missing key with 204', async () => {
      const err = await s3Failure(s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'missing' })))
      expect(err).toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } })
      const deleted = await s3.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'missing' }))
      expect(deleted.$metadata.httpStatusCode).toBe(204)
    })

    test('lists with a delimiter and pages with continuation tokens', async () => {
      for (const key of ['a/1', 'a/2', 'b/1', 'c', 'd', 'e']) {
        await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: key, Body: key }))
      }
      const top = await s3.send(new ListObjectsV2Command({ Bucket: 'photos', Delimiter: '/' }))
      expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['a/', 'b/'])
      expect(top.Contents?.map((o) => o.Key)).toEqual(['c', 'd', 'e'])
      expect(top.KeyCount).toBe(5)
      const seen: string[] = []
      let token: string | undefined
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: 'photos', MaxKeys: 2, ContinuationToken: token }))
        seen.push(...(page.Contents ?? []).map((o) => o.Key as string))
        token = page.NextContinuationToken
        expect(page.IsTruncated).toBe(token !== undefined)
      } while (token)
      expect(seen).toEqual(['a/1', 'a/2', 'b/1', 'c', 'd', 'e'])
      const after = await s3.send(new ListObjectsV2Command({ Bucket: 'photos', Prefix: 'a/', StartAfter: 'a/1' }))
      expect(after.Contents?.map((o) => o.Key)).toEqual(['a/2'])
    })

    test('copies an object with its metadata, or replaces the metadata', async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'src', Body: 'data', Metadata: { a: '1' } }))
      const copy = await s3.send(new CopyObjectCommand({ Bucket: 'photos', Key: 'dst', CopySource: 'photos/src' }))
      expect(copy.CopyObjectResult?.ETag).toBeDefined()
      const dst = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'dst' }))
      expect(await dst.Body?.transformToString()).toBe('data')
      expect(dst.Metadata).toEqual({ a: '1' })
      await s3.send(
        new CopyObjectCommand({
          Bucket: 'photos',
          Key: 'dst2',
          CopySource: 'photos/src',
          MetadataDirective: 'REPLACE',
          Metadata: { b: '2' },
        }),
      )
      expect((await s3.send(new HeadObjectCommand({ Bucket: 'photos', Key: 'dst2' }))).Metadata).toEqual({ b: '2' })
    })

    test('deletes several objects at once', async () => {
      for (const key of ['x', 'y']) await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: key, Body: key }))
      const res = await s3.send(
        new DeleteObjectsCommand({ Bucket: 'photos', Delete: { Objects: [{ Key: 'x' }, { Key: 'y' }, { Key: 'z' }] } }),
      )
      expect(res.Deleted?.map((d) => d.Key).sort()).toEqual(['x', 'y', 'z'])
      expect((await s3.send(new ListObjectsV2Command({ Bucket: 'photos' }))).KeyCount).toBe(0)
    })
  })

  describe('multipart and presigned URLs', () => {
    test('uploads 11 MiB in 5 MiB parts with lib-storage and reads back every byte', async () => {
      const body = randomBytes(11 * 1024 * 1024)
      const upload = new Upload({
        client: s3,
        params: { Bucket: 'photos', Key: 'big', Body: body },
        partSize: 5 * 1024 * 1024,
      })
      const done = await upload.done()
      expect(done.ETag).toMatch(/-3"$/)
      const got = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'big' }))
      expect(got.ContentLength).toBe(body.length)
      expect((await bytesOf(got.Body)).equals(body)).toBe(true)
    })

    test('a presigned PUT stores what fetch sends, and a presigned GET returns it', async () => {
      const put = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'photos', Key: 'shared.txt' }), {
        expiresIn: 60,
      })
      const stored = await fetch(put, { method: 'PUT', body: 'via presigned' })
      expect(stored.status).toBe(200)
      const get = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'photos', Key: 'shared.txt' }), {
        expiresIn: 60,
      })
      const res = await fetch(get)
      expect(res.status).toBe(200)
      expect(await res.text()).toBe('via presigned')
    })
  })
})
