import {
  AccessDeniedException,
  CreateBucketAccessKeyCommand,
  CreateBucketCommand,
  DeleteBucketAccessKeyCommand,
  DeleteBucketCommand,
  GetBucketAccessKeysCommand,
  GetBucketBundlesCommand,
  GetBucketsCommand,
  InvalidInputException,
  LightsailClient,
  LightsailServiceException,
  NotFoundException,
  UpdateBucketCommand,
} from '@aws-sdk/client-lightsail'
import { describe, expect, test } from 'vitest'
import { principalOfKey } from '../../src/core/principals.js'
import { IAM_KEYS } from '../../src/protocol/aws/key-shape.js'
import { ROOT } from '../../test/support/aws-signing.js'
import { failure as failOf } from '../../test/support/failure.js'
import { forEachTransport, type Transport } from '../../test/support/transports.js'

const ACCOUNT = '000000000000'
const origin = (region: string) => `https://lightsail.${region}.amazonaws.com`

const failure = (promise: Promise<unknown>) => failOf(promise, LightsailServiceException)

forEachTransport('lightsail', (t: Transport) => {
  const client = (credentials = ROOT, region = 'us-east-1') =>
    new LightsailClient({ endpoint: t.endpoint(origin(region)), region, credentials, maxAttempts: 1 })

  async function bucket(name: string, ls = client()) {
    return ls.send(new CreateBucketCommand({ bucketName: name, bundleId: 'small_1_0' }))
  }

  describe('buckets', () => {
    test('creates a bucket in the region of the call and answers with the bucket and a finished operation', async () => {
      const { bucket: created, operations } = await bucket('photos')
      expect(created).toMatchObject({
        name: 'photos',
        resourceType: 'Bucket',
        bundleId: 'small_1_0',
        objectVersioning: 'NeverEnabled',
        accessRules: { getObject: 'private', allowPublicOverrides: false },
        location: { regionName: 'us-east-1' },
        state: { code: 'OK' },
        readonlyAccessAccounts: [],
      })
      expect(created?.arn).toMatch(new RegExp(`^arn:aws:lightsail:us-east-1:${ACCOUNT}:Bucket/`))
      expect(created?.createdAt).toBeInstanceOf(Date)
      expect(operations).toHaveLength(1)
      expect(operations?.[0]).toMatchObject({
        resourceName: 'photos',
        resourceType: 'Bucket',
        location: { regionName: 'us-east-1' },
        isTerminal: true,
        operationType: 'CreateBucket',
        status: 'Succeeded',
      })
      expect(operations?.[0]?.id).toMatch(/^[0-9a-f-]{36}$/)
      expect(operations?.[0]?.createdAt).toBeInstanceOf(Date)
      expect(t.core.findBucket({ accountId: ACCOUNT, name: 'photos', region: 'us-east-1' })).toBeDefined()
    })

    test('lists the bucket bundles and refuses a bundle id they do not hold with InvalidInput', async () => {
      const { bundles } = await client().send(new GetBucketBundlesCommand({}))
      expect(bundles?.map((b) => b.bundleId)).toEqual(['small_1_0', 'medium_1_0', 'large_1_0'])
      expect(bundles?.[0]).toMatchObject({ price: 1, storagePerMonthInGb: 5, transferPerMonthInGb: 25, isActive: true })
      const before = t.snapshot()
      const err = await failure(client().send(new CreateBucketCommand({ bucketName: 'photos', bundleId: 'nano_2_0' })))
      expect(err).toBeInstanceOf(InvalidInputException)
      expect(err.$metadata.httpStatusCode).toBe(400)
      expect(err.message).toMatch(/nano_2_0/)
      expect(t.snapshot()).toEqual(before)
    })

    test('refuses a bucket name that any account already uses with InvalidInput', async () => {
      await t.core.createAccount({ id: '111111111111', name: 'other', realm: 'aws', regions: [{ id: 'us-east-1' }] })
      await t.core.importAccessKey({
        namespace: IAM_KEYS,
        accountId: '111111111111',
        userId: null,
        accessKeyId: 'AKIAOTHERACCOUNTKEY1',
        secretAccessKey: 'other-secret',
      })
      await bucket('shared-name')
      const before = t.snapshot()
      const other = client({ accessKeyId: 'AKIAOTHERACCOUNTKEY1', secretAccessKey: 'other-secret' })
      const err = await failure(bucket('shared-name', other))
      expect(err).toBeInstanceOf(InvalidInputException)
      expect(err.message).toMatch(/already exists/)
      expect(t.snapshot()).toEqual(before)
      // ... and the other account does not see the first account's bucket.
      expect(await failure(other.send(new GetBucketsCommand({ bucketName: 'shared-name' })))).toBeInstanceOf(
        NotFoundException,
      )
    })

    test('gets one bucket by name, and answers an unknown one with NotFoundException (HTTP 400)', async () => {
      await bucket('photos')
      const one = await client().send(new GetBucketsCommand({ bucketName: 'photos' }))
      expect(one.buckets?.map((b) => b.name)).toEqual(['photos'])
      expect(one.nextPageToken).toBeUndefined()
      const err = await failure(client().send(new GetBucketsCommand({ bucketName: 'nope-nope' })))
      expect(err).toBeInstanceOf(NotFoundException)
      expect(err.name).toBe('NotFoundException')
      expect(err.$metadata.httpStatusCode).toBe(400)
      expect(err.message).toMatch(/nope-nope/)
      expect((err as NotFoundException).code).toBe('DoesNotExist')
      expect((err as NotFoundException).docs).toMatch(/^https:\/\//)
    })

    test('pages GetBuckets with pageToken, every bucket once, in name order', async () => {
      const names = Array.from({ length: 23 }, (_, i) => `bucket-${String(i).padStart(2, '0')}`)
      for (const name of [...names].reverse()) await bucket(name)
      const first = await client().send(new GetBucketsCommand({}))
      expect(first.buckets).toHaveLength(20)
      expect(first.nextPageToken).toEqual(expect.any(String))
      const second = await client().send(new GetBucketsCommand({ pageToken: first.nextPageToken }))
      expect(second.nextPageToken).toBeUndefined()
      expect([...(first.buckets ?? []), ...(second.buckets ?? [])].map((b) => b.name)).toEqual(names)
    })

    test('shows a bucket only in its own region', async () => {
      await bucket('in-paris', client(ROOT, 'eu-west-3'))
      const here = await client().send(new GetBucketsCommand({}))
      expect(here.buckets).toEqual([])
      const err = await failure(client().send(new GetBucketsCommand({ bucketName: 'in-paris' })))
      expect(err).toBeInstanceOf(NotFoundException)
      const there = await client(ROOT, 'eu-west-3').send(new GetBucketsCommand({}))
      expect(there.buckets?.map((b) => [b.name, b.location?.regionName])).toEqual([['in-paris', 'eu-west-3']])
    })

    test('updates access rules, versioning and read-only accounts', async () => {
      await bucket('photos')
      const { bucket: updated, operations } = await client().send(
        new UpdateBucketCommand({
          bucketName: 'photos',
          accessRules: { getObject: 'public' },
          versioning: 'Enabled',
          readonlyAccessAccounts: ['222222222222'],
        }),
      )
      expect(updated).toMatchObject({
        accessRules: { getObject: 'public', allowPublicOverrides: false },
        objectVersioning: 'Enabled',
        readonlyAccessAccounts: ['222222222222'],
      })
      expect(operations?.[0]?.operationType).toBe('UpdateBucket')
      await client().send(new UpdateBucketCommand({ bucketName: 'photos', versioning: 'Suspended' }))
      const { buckets } = await client().send(new GetBucketsCommand({ bucketName: 'photos' }))
      expect(buckets?.[0]).toMatchObject({ objectVersioning: 'Suspended', accessRules: { getObject: 'public' } })
    })

    test('refuses more than ten read-only accounts with InvalidInput', async () => {
      await bucket('photos')
      const before = t.snapshot()
      const accounts = Array.from({ length: 11 }, (_, i) => String(100000000000 + i))
      const err = await failure(
        client().send(new UpdateBucketCommand({ bucketName: 'photos', readonlyAccessAccounts: accounts })),
      )
      expect(err).toBeInstanceOf(InvalidInputException)
      expect(err.message).toMatch(/readonlyAccessAccounts.*less than or equal to 10/)
      expect(t.snapshot()).toEqual(before)
    })

    test('refuses DeleteBucket while the bucket has keys, and deletes bucket and keys with forceDelete', async () => {
      await bucket('photos')
      await client().send(new CreateBucketAccessKeyCommand({ bucketName: 'photos' }))
      const before = t.snapshot()
      const err = await failure(client().send(new DeleteBucketCommand({ bucketName: 'photos' })))
      expect(err).toBeInstanceOf(InvalidInputException)
      expect(err.$metadata.httpStatusCode).toBe(400)
      expect(t.snapshot()).toEqual(before)
      const { operations } = await client().send(new DeleteBucketCommand({ bucketName: 'photos', forceDelete: true }))
      expect(operations?.[0]).toMatchObject({ operationType: 'DeleteBucket', resourceName: 'photos' })
      expect(Object.values(t.snapshot().buckets).filter((b) => b.accountId === ACCOUNT)).toEqual([])
      expect(Object.values(t.snapshot().accessKeys).filter((k) => k.bucketId !== undefined)).toEqual([])
    })

    test('deletes a bucket without keys', async () => {
      await bucket('photos')
      await client().send(new DeleteBucketCommand({ bucketName: 'photos' }))
      expect(await failure(client().send(new DeleteBucketCommand({ bucketName: 'photos' })))).toBeInstanceOf(
        NotFoundException,
      )
    })
  })

  describe('bucket access keys', () => {
    test('creates two active keys for a bucket and refuses a third with InvalidInput, changing nothing', async () => {
      await bucket('photos')
      const ls = client()
      const first = await ls.send(new CreateBucketAccessKeyCommand({ bucketName: 'photos' }))
      await ls.send(new CreateBucketAccessKeyCommand({ bucketName: 'photos' }))
      expect(first.accessKey?.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/)
      expect(first.accessKey?.secretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/)
      expect(first.accessKey?.status).toBe('Active')
      expect(first.accessKey?.createdAt).toBeInstanceOf(Date)
      expect(first.accessKey?.lastUsed).toBeUndefined()
      expect(first.operations?.[0]).toMatchObject({
        resourceName: 'photos',
        resourceType: 'Bucket',
        operationType: 'CreateBucketAccessKey',
        isTerminal: true,
        status: 'Succeeded',
      })
      const before = t.snapshot()
      const err = await failure(ls.send(new CreateBucketAccessKeyCommand({ bucketName: 'photos' })))
      expect(err).toBeInstanceOf(InvalidInputException)
      expect(err.$metadata.httpStatusCode).toBe(400)
      expect(err.message).toMatch(/2/)
      expect(t.snapshot()).toEqual(before)
    })

    test('lists the keys of a bucket without their secrets, never used yet', async () => {
      await bucket('photos')
      const a = await client().send(new CreateBucketAccessKeyCommand({ bucketName: 'photos' }))
      const b = await client().send(new CreateBucketAccessKeyCommand({ bucketName: 'photos' }))
      const res = await client().send(new GetBucketAccessKeysCommand({ bucketName: 'photos' }))
      expect(res.accessKeys?.map((k) => k.accessKeyId)).toEqual([a.accessKey?.accessKeyId, b.accessKey?.accessKeyId])
      for (const key of res.accessKeys ?? []) {
        expect(key).not.toHaveProperty('secretAccessKey')
        expect(key.status).toBe('Active')
        expect(key.createdAt).toBeInstanceOf(Date)
        expect(key.lastUsed).toEqual({ region: 'N/A', serviceName: 'N/A' })
      }
      expect(JSON.stringify(res)).not.toContain(a.accessKey?.secretAccessKey)
    })

    test('deletes one key, after which a new one may be created', async () => {
      await bucket('photos')
      const a = await client().send(new CreateBucketAccessKeyCommand({ bucketName: 'photos' }))
      const b = await client().send(new CreateBucketAccessKeyCommand({ bucketName: 'photos' }))
      const { operations } = await client().send(
        new DeleteBucketAccessKeyCommand({ bucketName: 'photos', accessKeyId: a.accessKey?.accessKeyId }),
      )
      expect(operations?.[0]).toMatchObject({ operationType: 'DeleteBucketAccessKey', resourceName: 'photos' })
      const c = await client().send(new CreateBucketAccessKeyCommand({ bucketName: 'photos' }))
      const res = await client().send(new GetBucketAccessKeysCommand({ bucketName: 'photos' }))
      expect(res.accessKeys?.map((k) => k.accessKeyId)).toEqual([b.accessKey?.accessKeyId, c.accessKey?.accessKeyId])
    })

    test('keys of one bucket count only toward that bucket', async () => {
      await bucket('photos')
      await bucket('videos')
      for (const name of ['photos', 'photos', 'videos', 'videos']) {
        await client().send(new CreateBucketAccessKeyCommand({ bucketName: name }))
      }
      const videos = await client().send(new GetBucketAccessKeysCommand({ bucketName: 'videos' }))
      expect(videos.accessKeys).toHaveLength(2)
    })

    test('answers key calls on an unknown bucket or key with NotFoundException', async () => {
      await bucket('photos')
      const before = t.snapshot()
      const ls = client()
      const calls: [string, () => Promise<unknown>][] = [
        ['CreateBucketAccessKey', () => ls.send(new CreateBucketAccessKeyCommand({ bucketName: 'nope-nope' }))],
        ['GetBucketAccessKeys', () => ls.send(new GetBucketAccessKeysCommand({ bucketName: 'nope-nope' }))],
        [
          'DeleteBucketAccessKey (bucket)',
          () =>
            ls.send(new DeleteBucketAccessKeyCommand({ bucketName: 'nope-nope', accessKeyId: 'AKIAAAAAAAAAAAAAAAAA' })),
        ],
        [
          'DeleteBucketAccessKey (key)',
          () =>
            ls.send(new DeleteBucketAccessKeyCommand({ bucketName: 'photos', accessKeyId: 'AKIAAAAAAAAAAAAAAAAA' })),
        ],
        ['UpdateBucket', () => ls.send(new UpdateBucketCommand({ bucketName: 'nope-nope', versioning: 'Enabled' }))],
        ['DeleteBucket', () => ls.send(new DeleteBucketCommand({ bucketName: 'nope-nope' }))],
      ]
      for (const [name, send] of calls) {
        const err = await failure(send())
        expect(err, name).toBeInstanceOf(NotFoundException)
        expect(err.$metadata.httpStatusCode, name).toBe(400)
      }
      expect(t.snapshot()).toEqual(before)
    })

    test("a key of another bucket cannot be deleted through this bucket's name", async () => {
      await bucket('photos')
      await bucket('videos')
      const key = await client().send(new CreateBucketAccessKeyCommand({ bucketName: 'videos' }))
      const err = await failure(
        client().send(
          new DeleteBucketAccessKeyCommand({ bucketName: 'photos', accessKeyId: key.accessKey?.accessKeyId }),
        ),
      )
      expect(err).toBeInstanceOf(NotFoundException)
    })

    test('a bucket key is a core key with full access to its one bucket and nothing else', async () => {
      await bucket('photos')
      await bucket('videos')
      const { accessKey } = await client().send(new CreateBucketAccessKeyCommand({ bucketName: 'photos' }))
      const id = accessKey?.accessKeyId as string
      const stored = t.store.snapshot().accessKeys[id]
      expect(stored).toMatchObject({ accountId: ACCOUNT, userId: null, status: 'Active' })
      const principal = principalOfKey(stored as NonNullable<typeof stored>)
      const decide = (action: string, resource: string) =>
        t.core.authorize(principal, { action, resource, context: { 'aws:RequestedRegion': 'us-east-1' } }).effect
      expect(decide('s3:PutObject', 'arn:aws:s3:::photos/cat.jpg')).toBe('allow')
      expect(decide('s3:ListBucket', 'arn:aws:s3:::photos')).toBe('allow')
      expect(decide('s3:GetObject', 'arn:aws:s3:::videos/clip.mp4')).toBe('implicit-deny')
      expect(
        t.core.authorize(principal, {
          action: 's3:GetObject',
          resource: 'arn:aws:s3:::photos/cat.jpg',
          context: { 'aws:RequestedRegion': 'eu-west-1' },
        }).effect,
      ).toBe('implicit-deny')
      expect(decide('lightsail:GetBuckets', '*')).toBe('implicit-deny')
      expect(decide('iam:CreateUser', '*')).toBe('implicit-deny')
      // Signed calls to Lightsail itself with that key are refused by the same evaluator.
      const own = client({ accessKeyId: id, secretAccessKey: accessKey?.secretAccessKey as string })
      const err = await failure(own.send(new GetBucketAccessKeysCommand({ bucketName: 'photos' })))
      expect(err).toBeInstanceOf(AccessDeniedException)
      expect(err.$metadata.httpStatusCode).toBe(400)
      expect(err.message).toMatch(/lightsail:GetBucketAccessKeys/)
    })
  })

  describe('authentication', () => {
    test('answers a wrong secret with InvalidSignatureException and an unknown key with UnrecognizedClientException', async () => {
      const wrong = await failure(
        client({ accessKeyId: 'test', secretAccessKey: 'wrong' }).send(new GetBucketBundlesCommand({})),
      )
      expect(wrong.name).toBe('InvalidSignatureException')
      expect(wrong.$metadata.httpStatusCode).toBe(400)
      expect(wrong.message).toMatch(/signature we calculated does not match/)
      const unknown = await failure(
        client({ accessKeyId: 'AKIANOSUCHKEYATALL00', secretAccessKey: 'x' }).send(new GetBucketBundlesCommand({})),
      )
      expect(unknown.name).toBe('UnrecognizedClientException')
      expect(unknown.$metadata.httpStatusCode).toBe(400)
    })

    test('records where a bucket key was last used', async () => {
      await bucket('photos')
      const { accessKey } = await client().send(new CreateBucketAccessKeyCommand({ bucketName: 'photos' }))
      t.core.recordKeyUse(accessKey?.accessKeyId as string, { service: 's3', region: 'us-east-1' })
      const { accessKeys } = await client().send(new GetBucketAccessKeysCommand({ bucketName: 'photos' }))
      expect(accessKeys?.[0]?.lastUsed).toMatchObject({ region: 'us-east-1', serviceName: 's3' })
      expect(accessKeys?.[0]?.lastUsed?.lastUsedDate).toBeInstanceOf(Date)
    })
  })
})

forEachTransport(
  'lightsail with auth off',
  (t: Transport) => {
    test('serves any caller as the seeded account, in the region the client signs for', async () => {
      const ls = new LightsailClient({
        endpoint: t.endpoint(origin('eu-west-1')),
        region: 'eu-west-1',
        credentials: { accessKeyId: 'anything', secretAccessKey: 'at-all' },
        maxAttempts: 1,
      })
      const { bucket: created } = await ls.send(
        new CreateBucketCommand({ bucketName: 'photos', bundleId: 'small_1_0' }),
      )
      expect(created?.location?.regionName).toBe('eu-west-1')
      expect(t.core.findBucket({ accountId: ACCOUNT, name: 'photos', region: 'eu-west-1' })).toBeDefined()
    })
  },
  { auth: 'off' },
)
