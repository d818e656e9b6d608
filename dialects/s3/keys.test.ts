import { DeleteAccessKeyCommand, GetAccessKeyLastUsedCommand, IAMClient } from '@aws-sdk/client-iam'
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { describe, expect, test } from 'vitest'
import { ROOT } from '../../test/support/aws-signing.js'
import { failure } from '../../test/support/failure.js'
import { ACCOUNT, userWithKey } from '../../test/support/iam-user.js'
import { credentialsOf, linodeKey, S3_ORIGIN, s3Client } from '../../test/support/s3.js'
import { SEEDED_ORG, TIGRIS, tigrisClient } from '../../test/support/tigris-signing.js'
import { forEachTransport, type Transport } from '../../test/support/transports.js'

const s3Failure = (call: Promise<unknown>) => failure(call, S3ServiceException)
const LINODE = S3_ORIGIN.linode('us-east-1')

// Keys issued by each dialect sign S3 requests and are judged by their own scope (s3.md, "Authorization
// per provider"); the enforcement matrix covers every scope, these the wiring of each provider.
forEachTransport('s3 keys', (t: Transport) => {
  describe('AWS keys', () => {
    test('an IAM user key may do what its inline policy allows, no more; a missing key it may not list is AccessDenied', async () => {
      const root = s3Client(t)
      await root.send(new CreateBucketCommand({ Bucket: 'team' }))
      await root.send(new PutObjectCommand({ Bucket: 'team', Key: 'readme', Body: 'hi' }))
      const { user, key } = await userWithKey(t, 'reader')
      await t.core.putUserPolicy(
        ACCOUNT,
        user.name,
        'read',
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::team/*' }],
        }),
      )
      const s3 = s3Client(t, { credentials: credentialsOf(key) })
      const got = await s3.send(new GetObjectCommand({ Bucket: 'team', Key: 'readme' }))
      expect(await got.Body?.transformToString()).toBe('hi')
      const put = await s3Failure(s3.send(new PutObjectCommand({ Bucket: 'team', Key: 'x', Body: 'y' })))
      expect(put).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
      expect(put.message).toContain('s3:PutObject')
      const missing = await s3Failure(s3.send(new GetObjectCommand({ Bucket: 'team', Key: 'nope' })))
      expect(missing).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
      const list = await s3Failure(s3.send(new ListObjectsV2Command({ Bucket: 'team' })))
      expect(list.name).toBe('AccessDenied')

      const iam = new IAMClient({
        region: 'us-east-1',
        credentials: ROOT,
        ...(t.kind === 'server' && { endpoint: t.endpoint('https://iam.amazonaws.com') }),
      })
      const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.id }))
      expect(used.AccessKeyLastUsed).toMatchObject({ ServiceName: 's3', Region: 'us-east-1' })

      await iam.send(new DeleteAccessKeyCommand({ UserName: user.name, AccessKeyId: key.id }))
      const gone = await s3Failure(s3.send(new GetObjectCommand({ Bucket: 'team', Key: 'readme' })))
      expect(gone).toMatchObject({ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } })
    })

    test('a bucket of another account is AccessDenied, and a wrong secret SignatureDoesNotMatch', async () => {
      const root = s3Client(t)
      const foreign = await s3Failure(root.send(new ListObjectsV2Command({ Bucket: 'example-bucket' })))
      expect(foreign).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
      const wrong = s3Client(t, { credentials: { accessKeyId: 'test', secretAccessKey: 'not-the-secret' } })
      const err = await s3Failure(wrong.send(new ListBucketsCommand({})))
      expect(err).toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } })
      const unknown = s3Client(t, { credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' } })
      expect((await s3Failure(unknown.send(new ListBucketsCommand({})))).name).toBe('InvalidAccessKeyId')
    })
    test("explain refuses another account's bucket as the request is refused; another sandbox's bucket is NoSuchBucket", async () => {
      const explained = t.controls.explain({
        dialect: 's3',
        credential: { accessKeyId: ROOT.accessKeyId },
        action: 's3:ListBucket',
        resource: 'arn:aws:s3:::example-bucket',
      })
      expect(explained).toMatchObject({
        decision: 'deny',
        explicit: false,
        via: 'other-account',
        decidedBy: expect.stringContaining('another account'),
        denial: { code: 'Forbidden', status: 403 },
      })
      // The sandbox's own Linode account holds an example-bucket too; a bucket only the default seed
      // holds is none of the sandbox's business.
      await t.core.createBucket({
        accountId: ACCOUNT,
        name: 'default-only',
        region: 'us-east-1',
        uniqueIn: 'everywhere',
      })
      const sandbox = await t.controls.sandboxes.create()
      const tenant = s3Client(t, { credentials: sandbox.credentials.aws })
      const theirs = await s3Failure(tenant.send(new ListObjectsV2Command({ Bucket: 'example-bucket' })))
      expect(theirs).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
      const elsewhere = await s3Failure(tenant.send(new ListObjectsV2Command({ Bucket: 'default-only' })))
      expect(elsewhere).toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } })
    })
  })

  describe('Linode keys', () => {
    test('a read_only key reads and lists its bucket and every bucket name, and may not write', async () => {
      const full = s3Client(t, { credentials: credentialsOf(await linodeKey(t)), origin: LINODE })
      await full.send(new PutObjectCommand({ Bucket: 'example-bucket', Key: 'a.txt', Body: 'linode' }))
      const key = await linodeKey(t, [{ region: 'us-east', bucket_name: 'example-bucket', permissions: 'read_only' }])
      const s3 = s3Client(t, { credentials: credentialsOf(key), origin: LINODE })
      const got = await s3.send(new GetObjectCommand({ Bucket: 'example-bucket', Key: 'a.txt' }))
      expect(await got.Body?.transformToString()).toBe('linode')
      const names = (await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)
      expect(names).toEqual(['example-bucket'])
      const put = await s3Failure(s3.send(new PutObjectCommand({ Bucket: 'example-bucket', Key: 'b', Body: 'x' })))
      expect(put).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
    })

    test('a limited key may create a bucket but has no rights inside it', async () => {
      const key = await linodeKey(t, [])
      const s3 = s3Client(t, { credentials: credentialsOf(key), origin: LINODE })
      await s3.send(new CreateBucketCommand({ Bucket: 'made-by-limited' }))
      expect(t.core.listBucketsNamed('made-by-limited')).toMatchObject([
        { accountId: 'linode-account', region: 'us-east' },
      ])
      const put = await s3Failure(s3.send(new PutObjectCommand({ Bucket: 'made-by-limited', Key: 'k', Body: 'x' })))
      expect(put.name).toBe('AccessDenied')
    })
  })

  describe('Tigris keys', () => {
    test('an Editor key writes its bucket, lists only the buckets it reaches, and nothing after its org is deactivated', async () => {
      const tigris = tigrisClient(t.endpoint(TIGRIS))
      const made = await tigris.call({
        method: 'POST',
        path: `/${SEEDED_ORG}/key`,
        body: { user_id: 'u-1', buckets_roles: [{ bucket_name: 'example-bucket', role: 'Editor' }] },
      })
      const key = { id: made.body.id as string, secret: made.body.secret_key as string }
      const s3 = s3Client(t, { credentials: credentialsOf(key), region: 'auto', origin: S3_ORIGIN.tigris })
      await s3.send(new PutObjectCommand({ Bucket: 'example-bucket', Key: 't', Body: 'tigris' }))
      const got = await s3.send(new GetObjectCommand({ Bucket: 'example-bucket', Key: 't' }))
      expect(await got.Body?.transformToString()).toBe('tigris')
      await s3.send(new CreateBucketCommand({ Bucket: 'tigris-second' }))
      expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual(['example-bucket'])
      const deactivated = await tigris.call({
        method: 'PUT',
        path: `/${SEEDED_ORG}`,
        body: { user_id: 'boss', user_role: 'Admin', active: false },
      })
      expect(deactivated.body).toEqual({})
      const off = await s3Failure(s3.send(new GetObjectCommand({ Bucket: 'example-bucket', Key: 't' })))
      expect(off).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
    })
  })

  test('a Bird access key is no storage credential: InvalidAccessKeyId', async () => {
    const res = await fetch(
      `${t.endpoint('https://api.bird.com')}/organizations/00000000-0000-4000-8000-000000000001/access-keys`,
      {
        method: 'POST',
        headers: { authorization: 'AccessKey keyemu-bird-token', 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'ci', description: 'ci', roleIds: ['00000000-0000-4000-8000-000000000101'] }),
      },
    )
    const { accessKey, token } = (await res.json()) as { accessKey: { id: string }; token: string }
    const s3 = s3Client(t, { credentials: { accessKeyId: accessKey.id, secretAccessKey: token } })
    const err = await s3Failure(s3.send(new ListBucketsCommand({})))
    expect(err).toMatchObject({ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } })
  })
})
