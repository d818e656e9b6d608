import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  IAMClient,
  IAMServiceException,
  ListUsersCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam'
import {
  CreateBucketAccessKeyCommand,
  CreateBucketCommand,
  DeleteBucketAccessKeyCommand,
  GetBucketAccessKeysCommand,
  LightsailClient,
} from '@aws-sdk/client-lightsail'
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts'
import { describe, expect, test } from 'vitest'
import { LIGHTSAIL_SERVICE_ACCOUNT } from '../../src/protocol/aws/identity.js'
import { ROOT } from '../../test/support/aws-signing.js'
import { failure as failOf } from '../../test/support/failure.js'
import { forEachTransport, type Transport } from '../../test/support/transports.js'

const ACCOUNT = '000000000000'
const STS_GLOBAL = 'https://sts.amazonaws.com'
const stsRegional = (region: string) => `https://sts.${region}.amazonaws.com`
const ONLY_DENY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] })

type Credentials = { accessKeyId: string; secretAccessKey: string }

forEachTransport('sts', (t: Transport) => {
  const sts = (credentials: Credentials = ROOT, region = 'us-east-1', origin = stsRegional(region)) =>
    new STSClient({ endpoint: t.endpoint(origin), region, credentials, maxAttempts: 1 })
  const iam = (credentials: Credentials = ROOT) =>
    new IAMClient({
      endpoint: t.endpoint('https://iam.amazonaws.com'),
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    })
  const lightsail = () =>
    new LightsailClient({
      endpoint: t.endpoint('https://lightsail.us-east-1.amazonaws.com'),
      region: 'us-east-1',
      credentials: ROOT,
      maxAttempts: 1,
    })
  const failure = (promise: Promise<unknown>) => failOf(promise, STSServiceException)

  async function userKey(name: string): Promise<Credentials & { userId: string }> {
    const { User } = await iam().send(new CreateUserCommand({ UserName: name }))
    const { AccessKey } = await iam().send(new CreateAccessKeyCommand({ UserName: name }))
    if (!User?.UserId || !AccessKey?.AccessKeyId || !AccessKey.SecretAccessKey) throw new Error('no key')
    return { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey, userId: User.UserId }
  }

  async function bucketKey(bucketName: string): Promise<Credentials> {
    const { accessKey } = await lightsail().send(new CreateBucketAccessKeyCommand({ bucketName }))
    if (!accessKey?.accessKeyId || !accessKey.secretAccessKey) throw new Error('no key')
    return { accessKeyId: accessKey.accessKeyId, secretAccessKey: accessKey.secretAccessKey }
  }

  describe('GetCallerIdentity', () => {
    test('names the account root for a root key, with the account id as its UserId', async () => {
      for (const origin of [STS_GLOBAL, stsRegional('us-east-1')]) {
        const me = await sts(ROOT, 'us-east-1', origin).send(new GetCallerIdentityCommand({}))
        expect(me).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root`, UserId: ACCOUNT })
        expect(me.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/)
      }
    })

    test("names an IAM user by its ARN and AIDA id, and records the key's use as sts in the signed region", async () => {
      const alice = await userKey('alice')
      const me = await sts(alice, 'eu-west-3').send(new GetCallerIdentityCommand({}))
      expect(me).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/alice`, UserId: alice.userId })
      expect(me.UserId).toMatch(/^AIDA[A-Z0-9]{17}$/)
      const { AccessKeyLastUsed } = await iam().send(
        new GetAccessKeyLastUsedCommand({ AccessKeyId: alice.accessKeyId }),
      )
      expect(AccessKeyLastUsed).toMatchObject({ ServiceName: 'sts', Region: 'eu-west-3' })
      expect(AccessKeyLastUsed?.LastUsedDate).toBeInstanceOf(Date)
    })

    test('answers a user whose only policy is Deny * (the operation needs no permission), though IAM refuses the same key', async () => {
      const bob = await userKey('bob')
      await iam().send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: 'nothing', PolicyDocument: ONLY_DENY }))
      const me = await sts(bob).send(new GetCallerIdentityCommand({}))
      expect(me.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/bob`)
      const refused = await failOf(iam(bob).send(new ListUsersCommand({})), IAMServiceException)
      expect(refused.name).toBe('AccessDenied')
      expect(refused.message).toMatch(/explicit deny/)
      // Explain agrees with both: no permission asked of STS, the explicit Deny for IAM.
      const explain = (dialect: string, action: string) =>
        t.controls.explain({ dialect, credential: { accessKeyId: bob.accessKeyId }, action, resource: '*' })
      expect(explain('sts', 'sts:GetCallerIdentity')).toMatchObject({ decision: 'allow', via: 'unrestricted' })
      expect(explain('iam', 'iam:ListUsers')).toMatchObject({ decision: 'deny', explicit: true })
    })

    test("names a Lightsail bucket key as the IAM user Lightsail manages for its bucket, in Lightsail's account", async () => {
      await lightsail().send(new CreateBucketCommand({ bucketName: 'photos', bundleId: 'small_1_0' }))
      await lightsail().send(new CreateBucketCommand({ bucketName: 'videos', bundleId: 'small_1_0' }))
      const [first, second, other] = [await bucketKey('photos'), await bucketKey('photos'), await bucketKey('videos')]
      const me = await sts(first).send(new GetCallerIdentityCommand({}))
      expect(me).toMatchObject({
        Account: LIGHTSAIL_SERVICE_ACCOUNT,
        Arn: `arn:aws:iam::${LIGHTSAIL_SERVICE_ACCOUNT}:user/lightsail/photos`,
      })
      expect(me.Account).not.toBe(ACCOUNT)
      expect(me.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/)
      // Both keys of a bucket belong to its one user; another bucket's key to another user.
      expect((await sts(second).send(new GetCallerIdentityCommand({}))).UserId).toBe(me.UserId)
      const elsewhere = await sts(other).send(new GetCallerIdentityCommand({}))
      expect(elsewhere.UserId).not.toBe(me.UserId)
      expect(elsewhere.Arn).toMatch(/:user\/lightsail\/videos$/)
      const { accessKeys } = await lightsail().send(new GetBucketAccessKeysCommand({ bucketName: 'photos' }))
      const used = accessKeys?.find((k) => k.accessKeyId === first.accessKeyId)
      expect(used?.lastUsed).toMatchObject({ serviceName: 'sts', region: 'us-east-1' })
    })

    test('refuses a deleted bucket key with InvalidClientTokenId', async () => {
      await lightsail().send(new CreateBucketCommand({ bucketName: 'photos', bundleId: 'small_1_0' }))
      const key = await bucketKey('photos')
      await lightsail().send(new DeleteBucketAccessKeyCommand({ bucketName: 'photos', accessKeyId: key.accessKeyId }))
      const err = await failure(sts(key).send(new GetCallerIdentityCommand({})))
      expect(err.name).toBe('InvalidClientTokenId')
      expect(err.$metadata.httpStatusCode).toBe(403)
    })

    test('refuses a deleted or inactive user key with InvalidClientTokenId, and changes nothing', async () => {
      const gone = await userKey('alice')
      await iam().send(new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: gone.accessKeyId }))
      const idle = await userKey('bob')
      await iam().send(
        new UpdateAccessKeyCommand({ UserName: 'bob', AccessKeyId: idle.accessKeyId, Status: 'Inactive' }),
      )
      const before = t.snapshot()
      for (const key of [gone, idle]) {
        const err = await failure(sts(key).send(new GetCallerIdentityCommand({})))
        expect(err.name).toBe('InvalidClientTokenId')
        expect(err.message).toBe('The security token included in the request is invalid.')
        expect(err.$metadata.httpStatusCode).toBe(403)
      }
      expect(t.snapshot()).toEqual(before)
    })

    test('refuses a wrong secret with SignatureDoesNotMatch', async () => {
      const alice = await userKey('alice')
      const err = await failure(
        sts({ accessKeyId: alice.accessKeyId, secretAccessKey: 'not-the-secret' }).send(
          new GetCallerIdentityCommand({}),
        ),
      )
      expect(err.name).toBe('SignatureDoesNotMatch')
      expect(err.$metadata.httpStatusCode).toBe(403)
    })
  })

  test("answers another STS action with STS's own InvalidAction", async () => {
    const err = await failure(
      sts().send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/r`, RoleSessionName: 's' })),
    )
    expect(err.name).toBe('InvalidAction')
    expect(err.message).toBe('Could not find operation AssumeRole for version 2011-06-15.')
    expect(err.$metadata.httpStatusCode).toBe(400)
  })
})
