import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeletePolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetAccessKeyLastUsedCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  IAMServiceException,
  LimitExceededException,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListPoliciesCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
  paginateListUsers,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam'
import { describe, expect, test } from 'vitest'
import { ROOT } from '../../test/support/aws-signing.js'
import { failure as failOf } from '../../test/support/failure.js'
import { forEachTransport, type Transport } from '../../test/support/transports.js'

const IAM = 'https://iam.amazonaws.com'
const ACCOUNT = '000000000000'

const allowAll = (action: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] })

const failure = (promise: Promise<unknown>) => failOf(promise, IAMServiceException)

forEachTransport('iam', (t: Transport) => {
  const client = (credentials = ROOT, region = 'us-east-1') =>
    new IAMClient({ endpoint: t.endpoint(IAM), region, credentials, maxAttempts: 1 })

  async function userWithKey(name: string) {
    const iam = client()
    await iam.send(new CreateUserCommand({ UserName: name }))
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }))
    if (!AccessKey?.AccessKeyId || !AccessKey.SecretAccessKey) throw new Error('no key')
    return { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey }
  }

  describe('access keys', () => {
    test('creates two keys for a user and refuses a third with LimitExceeded', async () => {
      const iam = client()
      await iam.send(new CreateUserCommand({ UserName: 'alice' }))
      const first = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))
      await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))
      expect(first.AccessKey?.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/)
      expect(first.AccessKey?.SecretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/)
      expect(first.AccessKey?.Status).toBe('Active')
      expect(first.AccessKey?.UserName).toBe('alice')
      const before = t.snapshot()
      const err = await failure(iam.send(new CreateAccessKeyCommand({ UserName: 'alice' })))
      expect(err).toBeInstanceOf(LimitExceededException)
      expect(err.$metadata.httpStatusCode).toBe(409)
      expect(err.message).toBe('Cannot exceed quota for AccessKeysPerUser: 2')
      expect(t.snapshot()).toEqual(before)
    })

    test('lists keys without secrets and pages them with Marker', async () => {
      const iam = client()
      await iam.send(new CreateUserCommand({ UserName: 'alice' }))
      const a = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))
      const b = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))
      const page1 = await iam.send(new ListAccessKeysCommand({ UserName: 'alice', MaxItems: 1 }))
      expect(page1.IsTruncated).toBe(true)
      expect(page1.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([a.AccessKey?.AccessKeyId])
      const page2 = await iam.send(new ListAccessKeysCommand({ UserName: 'alice', MaxItems: 1, Marker: page1.Marker }))
      expect(page2.IsTruncated).toBe(false)
      expect(page2.Marker).toBeUndefined()
      expect(page2.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([b.AccessKey?.AccessKeyId])
      expect(JSON.stringify([page1, page2])).not.toContain(a.AccessKey?.SecretAccessKey)
      expect(page1.AccessKeyMetadata?.[0]).not.toHaveProperty('SecretAccessKey')
    })

    test('deactivates and reactivates a key; an inactive key still counts toward the quota', async () => {
      const iam = client()
      await iam.send(new CreateUserCommand({ UserName: 'alice' }))
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))
      const id = AccessKey?.AccessKeyId as string
      await iam.send(new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: id, Status: 'Inactive' }))
      let listed = await iam.send(new ListAccessKeysCommand({ UserName: 'alice' }))
      expect(listed.AccessKeyMetadata?.[0]?.Status).toBe('Inactive')
      await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))
      const err = await failure(iam.send(new CreateAccessKeyCommand({ UserName: 'alice' })))
      expect(err).toBeInstanceOf(LimitExceededException)
      await iam.send(new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: id, Status: 'Active' }))
      listed = await iam.send(new ListAccessKeysCommand({ UserName: 'alice' }))
      expect(listed.AccessKeyMetadata?.map((k) => k.Status)).toEqual(['Active', 'Active'])
    })

    test('a call signed with a new key succeeds and updates GetAccessKeyLastUsed', async () => {
      const creds = await userWithKey('alice')
      const iam = client()
      await iam.send(
        new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'read', PolicyDocument: allowAll('iam:Get*') }),
      )
      const unused = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: creds.accessKeyId }))
      expect(unused.UserName).toBe('alice')
      expect(unused.AccessKeyLastUsed).toMatchObject({ ServiceName: 'N/A', Region: 'N/A' })
      expect(unused.AccessKeyLastUsed?.LastUsedDate).toBeUndefined()
      const me = await client(creds, 'eu-west-1').send(new GetUserCommand({}))
      expect(me.User?.UserName).toBe('alice')
      expect(me.User?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/alice`)
      const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: creds.accessKeyId }))
      expect(used.AccessKeyLastUsed).toMatchObject({ ServiceName: 'iam', Region: 'eu-west-1' })
      expect(used.AccessKeyLastUsed?.LastUsedDate).toBeInstanceOf(Date)
    })

    test('an omitted UserName means the identity that signed the request', async () => {
      const creds = await userWithKey('alice')
      await client().send(
        new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'own', PolicyDocument: allowAll('iam:*AccessKey*') }),
      )
      const own = client(creds)
      const second = await own.send(new CreateAccessKeyCommand({}))
      expect(second.AccessKey?.UserName).toBe('alice')
      const listed = await own.send(new ListAccessKeysCommand({}))
      expect(listed.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([
        creds.accessKeyId,
        second.AccessKey?.AccessKeyId,
      ])
      const rootKeys = await client().send(new ListAccessKeysCommand({}))
      expect(rootKeys.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual(['test'])
    })

    test('deletes a key, after which it authenticates nothing', async () => {
      const creds = await userWithKey('alice')
      await client().send(new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: creds.accessKeyId }))
      const err = await failure(client(creds).send(new GetUserCommand({})))
      expect(err.name).toBe('InvalidClientTokenId')
      const gone = await failure(
        client().send(new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: creds.accessKeyId })),
      )
      expect(gone.name).toBe('NoSuchEntityException')
      expect(gone.$metadata.httpStatusCode).toBe(404)
      expect(gone.message).toBe(`The Access Key with id ${creds.accessKeyId} cannot be found.`)
    })
  })

  describe('authentication', () => {
    test('refuses a wrong secret with SignatureDoesNotMatch', async () => {
      const creds = await userWithKey('alice')
      const err = await failure(client({ ...creds, secretAccessKey: 'x'.repeat(40) }).send(new GetUserCommand({})))
      expect(err.name).toBe('SignatureDoesNotMatch')
      expect(err.$metadata.httpStatusCode).toBe(403)
    })

    test('refuses an unknown key with InvalidClientTokenId', async () => {
      const err = await failure(
        client({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' }).send(new ListUsersCommand({})),
      )
      expect(err.name).toBe('InvalidClientTokenId')
      expect(err.$metadata.httpStatusCode).toBe(403)
      expect(err.message).toBe('The security token included in the request is invalid.')
    })

    test('refuses an Inactive key with InvalidClientTokenId', async () => {
      const creds = await userWithKey('alice')
      await client().send(
        new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: creds.accessKeyId, Status: 'Inactive' }),
      )
      const err = await failure(client(creds).send(new GetUserCommand({})))
      expect(err.name).toBe('InvalidClientTokenId')
      expect(err.$metadata.httpStatusCode).toBe(403)
    })

    test('a user without policies gets AccessDenied naming the action, and succeeds once a policy is attached', async () => {
      const creds = await userWithKey('alice')
      const denied = await failure(client(creds).send(new ListUsersCommand({})))
      expect(denied.name).toBe('AccessDenied')
      expect(denied.$metadata.httpStatusCode).toBe(403)
      expect(denied.message).toContain(
        `User: arn:aws:iam::${ACCOUNT}:user/alice is not authorized to perform: iam:ListUsers`,
      )
      const iam = client()
      const { Policy } = await iam.send(
        new CreatePolicyCommand({ PolicyName: 'ListThem', PolicyDocument: allowAll('iam:ListUsers') }),
      )
      await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: Policy?.Arn }))
      const listed = await client(creds).send(new ListUsersCommand({}))
      expect(listed.Users?.map((u) => u.UserName)).toEqual(['alice'])
    })

    test('an explicit Deny beats an Allow', async () => {
      const creds = await userWithKey('alice')
      const iam = client()
      await iam.send(
        new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'all', PolicyDocument: allowAll('iam:*') }),
      )
      const deny = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: 'iam:DeleteUser', Resource: '*' }],
      })
      await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'no-delete', PolicyDocument: deny }))
      await client(creds).send(new CreateUserCommand({ UserName: 'bob' }))
      const err = await failure(client(creds).send(new DeleteUserCommand({ UserName: 'bob' })))
      expect(err.name).toBe('AccessDenied')
      expect(err.message).toContain('with an explicit deny')
    })
  })

  describe('users', () => {
    test('user names are unique regardless of case', async () => {
      const iam = client()
      await iam.send(new CreateUserCommand({ UserName: 'Bob' }))
      const err = await failure(iam.send(new CreateUserCommand({ UserName: 'bob' })))
      expect(err.name).toBe('EntityAlreadyExistsException')
      expect(err.$metadata.httpStatusCode).toBe(409)
      const found = await iam.send(new GetUserCommand({ UserName: 'BOB' }))
      expect(found.User?.UserName).toBe('Bob')
    })

    test('pages ListUsers with Marker, and the SDK paginator walks every page', async () => {
      const iam = client()
      const names = ['u1', 'u2', 'u3', 'u4', 'u5']
      for (const name of names) await iam.send(new CreateUserCommand({ UserName: name, Path: '/team/' }))
      const first = await iam.send(new ListUsersCommand({ MaxItems: 2 }))
      expect(first.Users?.map((u) => u.UserName)).toEqual(['u1', 'u2'])
      expect(first.IsTruncated).toBe(true)
      const seen: string[] = []
      for await (const page of paginateListUsers({ client: iam, pageSize: 2 }, {})) {
        seen.push(...(page.Users ?? []).map((u) => u.UserName as string))
      }
      expect(seen).toEqual(names)
      const team = await iam.send(new ListUsersCommand({ PathPrefix: '/team/' }))
      expect(team.Users?.[0]?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/team/u1`)
    })

    test('DeleteUser is refused while the user has keys or policies', async () => {
      const creds = await userWithKey('alice')
      const iam = client()
      let err = await failure(iam.send(new DeleteUserCommand({ UserName: 'alice' })))
      expect(err.name).toBe('DeleteConflictException')
      expect(err.$metadata.httpStatusCode).toBe(409)
      await iam.send(new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: creds.accessKeyId }))
      await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'p', PolicyDocument: allowAll('s3:*') }))
      err = await failure(iam.send(new DeleteUserCommand({ UserName: 'alice' })))
      expect(err.message).toBe('Cannot delete entity, must delete policies first.')
      await iam.send(new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'p' }))
      await iam.send(new DeleteUserCommand({ UserName: 'alice' }))
      const gone = await failure(iam.send(new GetUserCommand({ UserName: 'alice' })))
      expect(gone.name).toBe('NoSuchEntityException')
      expect(gone.message).toBe('The user with name alice cannot be found.')
    })

    test('GetUser without a name, signed by root, describes the root identity', async () => {
      const { User } = await client().send(new GetUserCommand({}))
      expect(User?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:root`)
      expect(User?.UserId).toBe(ACCOUNT)
    })
  })

  describe('policies', () => {
    test('managed policies: create, get, list, attach, detach, delete', async () => {
      const iam = client()
      await iam.send(new CreateUserCommand({ UserName: 'alice' }))
      const doc = allowAll('s3:GetObject')
      const { Policy } = await iam.send(
        new CreatePolicyCommand({ PolicyName: 'Reader', Path: '/team/', PolicyDocument: doc, Description: 'reads' }),
      )
      expect(Policy).toMatchObject({
        PolicyName: 'Reader',
        Arn: `arn:aws:iam::${ACCOUNT}:policy/team/Reader`,
        DefaultVersionId: 'v1',
      })
      expect(Policy?.PolicyId).toMatch(/^ANPA[A-Z0-9]{17}$/)
      const arn = Policy?.Arn as string
      const dup = await failure(iam.send(new CreatePolicyCommand({ PolicyName: 'Reader', PolicyDocument: doc })))
      expect(dup.name).toBe('EntityAlreadyExistsException')
      await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }))
      await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }))
      const got = await iam.send(new GetPolicyCommand({ PolicyArn: arn }))
      expect(got.Policy?.AttachmentCount).toBe(1)
      expect(got.Policy?.Description).toBe('reads')
      const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }))
      expect(decodeURIComponent(version.PolicyVersion?.Document ?? '')).toBe(doc)
      const listed = await iam.send(new ListPoliciesCommand({ Scope: 'Local', OnlyAttached: true }))
      expect(listed.Policies?.map((p) => p.Arn)).toEqual([arn])
      const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'alice' }))
      expect(attached.AttachedPolicies).toEqual([{ PolicyName: 'Reader', PolicyArn: arn }])
      const conflict = await failure(iam.send(new DeletePolicyCommand({ PolicyArn: arn })))
      expect(conflict.name).toBe('DeleteConflictException')
      await iam.send(new DetachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }))
      await iam.send(new DeletePolicyCommand({ PolicyArn: arn }))
      const gone = await failure(iam.send(new GetPolicyCommand({ PolicyArn: arn })))
      expect(gone.name).toBe('NoSuchEntityException')
    })

    test('attaching an unknown policy is NoSuchEntity', async () => {
      const iam = client()
      await iam.send(new CreateUserCommand({ UserName: 'alice' }))
      const arn = `arn:aws:iam::${ACCOUNT}:policy/Nope`
      const err = await failure(iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn })))
      expect(err.name).toBe('NoSuchEntityException')
      expect(err.message).toBe(`Policy ${arn} does not exist or is not attachable.`)
    })

    test('inline policies: put, get (URL-encoded), list, replace, delete', async () => {
      const iam = client()
      await iam.send(new CreateUserCommand({ UserName: 'alice' }))
      const doc = allowAll('iam:Get*')
      await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'b', PolicyDocument: doc }))
      await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'a', PolicyDocument: doc }))
      const got = await iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'b' }))
      // RFC 3986 percent-encoding, as IAM sends it: even `*` is escaped.
      expect(got.PolicyDocument).toBe(encodeURIComponent(doc).replaceAll('*', '%2A'))
      expect(decodeURIComponent(got.PolicyDocument ?? '')).toBe(doc)
      const names = await iam.send(new ListUserPoliciesCommand({ UserName: 'alice' }))
      expect(names.PolicyNames).toEqual(['a', 'b'])
      const replaced = allowAll('iam:List*')
      await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'b', PolicyDocument: replaced }))
      const again = await iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'b' }))
      expect(decodeURIComponent(again.PolicyDocument ?? '')).toBe(replaced)
      await iam.send(new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'b' }))
      const missing = await failure(iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'b' })))
      expect(missing.name).toBe('NoSuchEntityException')
    })
  })
})
