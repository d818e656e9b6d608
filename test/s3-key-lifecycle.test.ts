import { DeleteAccessKeyCommand, GetAccessKeyLastUsedCommand } from '@aws-sdk/client-iam'
import { GetBucketAccessKeysCommand } from '@aws-sdk/client-lightsail'
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { describe, expect, test } from 'vitest'
import { credentialsOf, S3_ORIGIN, s3Client } from './support/s3.js'
import { OBJECT_BODY, outcomeOf, putFixtureObjects } from './support/s3-operations.js'
import {
  AWS_ACCOUNT,
  iamKeys,
  LINODE_ACCOUNT,
  lightsailKeys,
  linodeKeys,
  type StorageKey,
  tigrisKeys,
} from './support/storage-keys.js'
import { SEEDED_ORG } from './support/tigris-signing.js'
import { forEachTransport, type Transport } from './support/transports.js'

// A key stops working the moment its provider deletes, deactivates or rotates it away, or disables
// its account, and S3 says so in its own words: a key that is gone or inactive is one S3 does not
// know (InvalidAccessKeyId), an old secret no longer signs (SignatureDoesNotMatch). A successful call
// is the key's last use, as IAM and Lightsail report it.

const ALLOW_BUCKET = (bucket: string) => [
  { Effect: 'Allow', Action: 's3:*', Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] },
]

const list = (s3: S3Client, bucket: string) =>
  outcomeOf(s3.send(new ListObjectsV2Command({ Bucket: bucket })).then(() => undefined))

const aws = (t: Transport, key: StorageKey, region = 'us-east-1') =>
  s3Client(t, { credentials: credentialsOf(key), region, origin: S3_ORIGIN.aws })
const linodeS3 = (t: Transport, key: StorageKey) =>
  s3Client(t, { credentials: credentialsOf(key), origin: S3_ORIGIN.linode('us-east-1') })
const tigrisS3 = (t: Transport, key: StorageKey) =>
  s3Client(t, { credentials: credentialsOf(key), region: 'auto', origin: S3_ORIGIN.tigris })

async function awsBucket(t: Transport, name: string, region = 'us-east-1') {
  const bucket = { accountId: AWS_ACCOUNT, name, region }
  await t.core.createBucket({ ...bucket, uniqueIn: 'everywhere' })
  await putFixtureObjects(t.core, bucket, '')
}

/** A presigned GET made while the key works, fetched as a browser would. */
async function presignedGet(s3: S3Client, bucket: string) {
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'obj.txt' }), { expiresIn: 600 })
  return async () => {
    const res = await fetch(url)
    return { status: res.status, body: await res.text() }
  }
}

forEachTransport('s3 key lifecycle', (t: Transport) => {
  describe('revoked keys', () => {
    test('an IAM key works until deactivated, and again is refused once deleted (also through a presigned URL)', async () => {
      await awsBucket(t, 'aws-own')
      const iam = iamKeys(t)
      const key = await iam.user('uploader', ALLOW_BUCKET('aws-own'))
      const s3 = aws(t, key)
      const fetchPresigned = await presignedGet(s3, 'aws-own')
      expect(await list(s3, 'aws-own')).toBe('allow')
      expect(await fetchPresigned()).toEqual({ status: 200, body: OBJECT_BODY })
      await iam.deactivate('uploader', key.id)
      expect(await list(s3, 'aws-own')).toBe('InvalidAccessKeyId 403')
      expect((await fetchPresigned()).status).toBe(403)
      await iam.iam.send(new DeleteAccessKeyCommand({ UserName: 'uploader', AccessKeyId: key.id }))
      expect(await list(s3, 'aws-own')).toBe('InvalidAccessKeyId 403')
      const refused = await fetchPresigned()
      expect(refused.status).toBe(403)
      expect(refused.body).toContain('<Code>InvalidAccessKeyId</Code>')
    })

    test('a Lightsail bucket key is refused once deleted', async () => {
      const ls = lightsailKeys(t)
      const key = await ls.bucketWithKey('ls-own')
      const s3 = aws(t, key)
      expect(await list(s3, 'ls-own')).toBe('allow')
      await ls.delete('ls-own', key.id)
      expect(await list(s3, 'ls-own')).toBe('InvalidAccessKeyId 403')
    })

    test('a Linode key is refused once revoked; the key made in its place works', async () => {
      await t.core.createBucket({ accountId: LINODE_ACCOUNT, name: 'ln-own', region: 'us-east', uniqueIn: 'region' })
      const linode = linodeKeys(t)
      try {
        const old = await linode.key('rotating', 'ln-own', 'read_write')
        expect(await list(linodeS3(t, old), 'ln-own')).toBe('allow')
        await linode.revoke(old.linodeId)
        const fresh = await linode.key('rotating', 'ln-own', 'read_write')
        expect(await list(linodeS3(t, old), 'ln-own')).toBe('InvalidAccessKeyId 403')
        expect(await list(linodeS3(t, fresh), 'ln-own')).toBe('allow')
      } finally {
        linode.release()
      }
    })

    test('a Tigris key signed with its old secret after rotation is SignatureDoesNotMatch; the new secret works', async () => {
      const tigris = tigrisKeys(t)
      const key = await tigris.key({ buckets_roles: [{ bucket_name: 'example-bucket', role: 'Editor' }] })
      expect(await list(tigrisS3(t, key), 'example-bucket')).toBe('allow')
      const secret = await tigris.rotate(key.id)
      expect(await list(tigrisS3(t, key), 'example-bucket')).toBe('SignatureDoesNotMatch 403')
      expect(await list(tigrisS3(t, { id: key.id, secret }), 'example-bucket')).toBe('allow')
    })

    test('a Tigris key is refused once deleted', async () => {
      const tigris = tigrisKeys(t)
      const key = await tigris.key({ buckets_roles: [{ bucket_name: 'example-bucket', role: 'Editor' }] })
      expect(await list(tigrisS3(t, key), 'example-bucket')).toBe('allow')
      await tigris.delete(key.id)
      expect(await list(tigrisS3(t, key), 'example-bucket')).toBe('InvalidAccessKeyId 403')
    })

    // Tigris: deactivating an org "invalidates all its access keys immediately" (tigris.md); which
    // S3 error follows is not documented: keyemu keeps the key known and refuses every action.
    test("every key of a deactivated Tigris org is refused, even an Admin's", async () => {
      const tigris = tigrisKeys(t)
      const admin = await tigris.key({ user_role: 'Admin', buckets_roles: [{ bucket_name: '*', role: 'Admin' }] })
      expect(await list(tigrisS3(t, admin), 'example-bucket')).toBe('allow')
      await tigris.deactivateOrg()
      expect(await list(tigrisS3(t, admin), 'example-bucket')).toBe('deny')
      expect(t.core.listBucketsNamed('example-bucket').some((b) => b.accountId === SEEDED_ORG)).toBe(true)
    })
  })

  describe('last use', () => {
    test('IAM GetAccessKeyLastUsed names s3 and the region of the call once the key has been used', async () => {
      await awsBucket(t, 'paris-bucket', 'eu-west-3')
      const iam = iamKeys(t)
      const key = await iam.user('reader', ALLOW_BUCKET('paris-bucket'))
      const before = await iam.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.id }))
      expect(before.AccessKeyLastUsed).toMatchObject({ ServiceName: 'N/A', Region: 'N/A' })
      expect(await list(aws(t, key, 'eu-west-3'), 'paris-bucket')).toBe('allow')
      const after = await iam.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.id }))
      expect(after.AccessKeyLastUsed).toMatchObject({ ServiceName: 's3', Region: 'eu-west-3' })
      expect(after.AccessKeyLastUsed?.LastUsedDate).toBeInstanceOf(Date)
    })

    test('a refused call is no use: the last-used record stays empty', async () => {
      await awsBucket(t, 'aws-own')
      await awsBucket(t, 'aws-other')
      const iam = iamKeys(t)
      const key = await iam.user('reader', ALLOW_BUCKET('aws-own'))
      expect(await list(aws(t, key), 'aws-other')).toBe('deny')
      const after = await iam.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.id }))
      expect(after.AccessKeyLastUsed).toMatchObject({ ServiceName: 'N/A', Region: 'N/A' })
    })

    test('Lightsail GetBucketAccessKeys shows lastUsed with s3 and the region once the key has been used', async () => {
      const ls = lightsailKeys(t)
      const key = await ls.bucketWithKey('ls-own')
      expect(await list(aws(t, key), 'ls-own')).toBe('allow')
      const { accessKeys } = await ls.ls.send(new GetBucketAccessKeysCommand({ bucketName: 'ls-own' }))
      expect(accessKeys?.find((k) => k.accessKeyId === key.id)?.lastUsed).toMatchObject({
        serviceName: 's3',
        region: 'us-east-1',
        lastUsedDate: expect.any(Date),
      })
    })
  })
})
