import {
  CreateBucketCommand,
  GetBucketLocationCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { describe, expect, test } from 'vitest'
import { failure } from '../../test/support/failure.js'
import { s3Client } from '../../test/support/s3.js'
import { forEachTransport, type Transport } from '../../test/support/transports.js'

forEachTransport('s3', (t: Transport) => {
  describe('buckets', () => {
    test('creates a bucket, heads it with its region, lists it and tells its location', async () => {
      const s3 = s3Client(t)
      await s3.send(new CreateBucketCommand({ Bucket: 'photos' }))
      const head = await s3.send(new HeadBucketCommand({ Bucket: 'photos' }))
      expect(head.BucketRegion).toBe('us-east-1')
      const list = await s3.send(new ListBucketsCommand({}))
      expect(list.Buckets?.map((b) => b.Name)).toContain('photos')
      expect(list.$metadata.requestId).toMatch(/^[0-9A-F]{16}$/)
      const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'photos' }))
      expect(location.LocationConstraint).toBeUndefined()
    })

    test('answers a bucket of no account with NoSuchBucket (404)', async () => {
      const err = await failure(
        s3Client(t).send(new GetBucketLocationCommand({ Bucket: 'nobody-has-this' })),
        S3ServiceException,
      )
      expect(err).toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } })
    })
  })
})
