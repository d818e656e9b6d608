import { readdirSync, readFileSync } from 'node:fs'
import { CreateUserCommand, IAMClient, IAMServiceException, ListUsersCommand } from '@aws-sdk/client-iam'
import { expect, test } from 'vitest'
import { evaluate } from '../../src/core/evaluator.js'
import { parsePolicyDocument } from '../../src/core/policy-document.js'
import { AWS_KEY_SHAPE, IAM_KEYS } from '../../src/protocol/aws/key-shape.js'
import { ROOT } from '../support/aws-signing.js'
import { BIRD, ORG, TOKEN } from '../support/bird.js'
import { failure } from '../support/failure.js'
import { userWithKey } from '../support/iam-user.js'
import { SEEDED_PROVIDER } from '../support/tigris-signing.js'
import { forEachTransport } from '../support/transports.js'

const ACCOUNT = '000000000000'
const IAM = 'https://iam.amazonaws.com'

interface PolicyCase {
  name: string
  action: string
  resource: string
  context?: Record<string, string | string[]>
  policies: { name: string; document: unknown }[]
}

const dir = new URL('../policy-cases/', import.meta.url)
const cases = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .flatMap((file) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as PolicyCase[])

forEachTransport('explain', (t) => {
  // Each case's policies become a user's inline policies; explain, asked about that user's key, must
  // reach the evaluator's own decision on the same policies.
  test('agrees with the evaluator on every policy case, naming the deciding policy and statement', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(60)
    for (const [i, c] of cases.entries()) {
      const user = await t.core.createUser({ accountId: ACCOUNT, name: `case-${i}` })
      for (const p of c.policies) {
        await t.core.putUserPolicy(ACCOUNT, user.name, p.name, JSON.stringify(p.document))
      }
      const key = await t.core.createAccessKey({
        namespace: IAM_KEYS,
        accountId: ACCOUNT,
        userId: user.id,
        shape: AWS_KEY_SHAPE,
      })
      const policies = c.policies.map((p) => ({
        name: p.name,
        document: parsePolicyDocument(JSON.stringify(p.document)),
      }))
      // What a real call of this user carries besides the case's own keys, which override them.
      const now = t.core.now()
      const ambient = {
        'aws:CurrentTime': now.toISOString(),
        'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
        'aws:SecureTransport': 'true',
        'aws:username': user.name,
        'aws:userid': user.id,
        'aws:PrincipalAccount': ACCOUNT,
        'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/${user.name}`,
      }
      const context = { ...ambient, ...c.context }
      const expected = evaluate(policies, { action: c.action, resource: c.resource, context })
      const explained = t.controls.explain({
        dialect: 'iam',
        credential: { accessKeyId: key.id },
        action: c.action,
        resource: c.resource,
        context: { conditions: c.context ?? {} },
      })
      expect({ case: c.name, effect: explained.effect }).toEqual({ case: c.name, effect: expected.effect })
      expect(explained.via).toBe('identity')
      expect([explained.policy, explained.sid, explained.statementIndex]).toEqual([
        expected.policy,
        expected.sid,
        expected.statementIndex,
      ])
      expect(explained.explicit).toBe(expected.effect === 'explicit-deny')
    }
  })

  test('an IAM user without policies: explain says implicit deny and the SDK call is refused with the same words', async () => {
    const { key } = await userWithKey(t, 'nobody')
    const explained = t.controls.explain({
      dialect: 'iam',
      credential: { accessKeyId: key.id },
      action: 'iam:ListUsers',
      resource: `arn:aws:iam::${ACCOUNT}:user/`,
    })
    expect(explained).toMatchObject({ decision: 'deny', explicit: false, via: 'identity', denial: { status: 403 } })
    expect(explained.decidedBy).toBe("no statement of the user's policies allows it")
    const iam = new IAMClient({
      endpoint: t.endpoint(IAM),
      region: 'us-east-1',
      credentials: { accessKeyId: key.id, secretAccessKey: key.secret },
      maxAttempts: 1,
    })
    const refused = await failure(iam.send(new ListUsersCommand({})), IAMServiceException)
    expect(refused.name).toBe('AccessDenied')
    expect(refused.message).toBe(explained.denial?.message)
    const [entry] = t.controls.journal.list({ key: key.id })
    expect(entry?.verdict).toMatchObject({ effect: explained.effect, decidedBy: explained.decidedBy })
  })

  test('the root key is allowed by its root identity', async () => {
    const explained = t.controls.explain({
      dialect: 'iam',
      credential: { accessKeyId: ROOT.accessKeyId },
      action: 'iam:CreateUser',
      resource: `arn:aws:iam::${ACCOUNT}:user/x`,
    })
    expect(explained).toMatchObject({ decision: 'allow', via: 'root' })
    await new IAMClient({ endpoint: t.endpoint(IAM), region: 'us-east-1', credentials: ROOT }).send(
      new CreateUserCommand({ UserName: 'x' }),
    )
    expect(t.controls.journal.list({ operation: 'CreateUser' })[0]?.verdict?.via).toBe('root')
  })

  test("a Lightsail bucket key is judged by its bucket, in Lightsail's words", async () => {
    const bucket = 'explain-bucket'
    const created = await t.core.createAccessKey({
      namespace: 'lightsail',
      accountId: ACCOUNT,
      userId: null,
      shape: AWS_KEY_SHAPE,
      scope: { grants: [{ bucket, region: 'us-east-1', access: 'full' }], accountActions: [] },
    })
    const ask = (resource: string) =>
      t.controls.explain({
        dialect: 'lightsail',
        credential: { accessKeyId: created.id },
        action: 's3:GetObject',
        resource,
        context: { region: 'us-east-1' },
      })
    expect(ask(`arn:aws:s3:::${bucket}/a.txt`)).toMatchObject({
      decision: 'allow',
      via: 'key-scope',
      decidedBy: `the key belongs to bucket ${bucket}, which it may use in full`,
    })
    expect(ask('arn:aws:s3:::other/a.txt')).toMatchObject({
      decision: 'deny',
      explicit: false,
      decidedBy: `the key belongs to bucket ${bucket} and reaches nothing else`,
    })
  })

  test('a Linode token is judged by its OAuth scopes, and a request gets the same', async () => {
    const ask = (token: string, action: string) =>
      t.controls.explain({ dialect: 'linode', credential: { token }, action, resource: 'object_storage' })
    expect(ask('keyemu-linode-readonly-token', 'object_storage:read_only')).toMatchObject({
      decision: 'allow',
      decidedBy: "the token's OAuth scope object_storage:read_only",
    })
    const denied = ask('keyemu-linode-readonly-token', 'object_storage:read_write')
    expect(denied).toMatchObject({
      decision: 'deny',
      decidedBy: 'the token has no OAuth scope granting object_storage:read_write',
      denial: { code: 'InsufficientScope', status: 401 },
    })
    const res = await fetch(`${t.endpoint('https://api.linode.com')}/v4/object-storage/keys`, {
      method: 'POST',
      headers: { authorization: 'Bearer keyemu-linode-readonly-token', 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'no' }),
    })
    expect(res.status).toBe(401)
    const [entry] = t.controls.journal.list({ dialect: 'linode' })
    expect(entry?.verdict).toMatchObject({ effect: denied.effect, decidedBy: denied.decidedBy })
  })

  test('a Linode Object Storage key is judged by its bucket_access entries', async () => {
    const key = await t.core.createAccessKey({
      namespace: 'linode',
      accountId: 'linode-account',
      userId: null,
      shape: AWS_KEY_SHAPE,
      scope: { grants: [{ bucket: 'example-bucket', region: 'us-east', access: 'read' }], accountActions: [] },
    })
    const explained = t.controls.explain({
      dialect: 'linode',
      credential: { accessKeyId: key.id },
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::example-bucket/x',
      context: { region: 'us-east' },
    })
    expect(explained.decidedBy).toBe(
      'bucket_access entry {"bucket_name":"example-bucket","region":"us-east","permissions":"read_only"}',
    )
    expect(
      t.controls.explain({
        dialect: 'linode',
        credential: { accessKeyId: key.id },
        action: 's3:PutObject',
        resource: 'arn:aws:s3:::example-bucket/x',
        context: { region: 'us-east' },
      }),
    ).toMatchObject({ decision: 'deny', decidedBy: 'no bucket_access entry of the key covers it' })
  })

  test('a Bird token is judged by its roles, and a request gets the same', async () => {
    const owner = t.controls.explain({
      dialect: 'bird',
      credential: { token: TOKEN },
      action: 'bird:CreateAccessKey',
      resource: 'access-key/*',
    })
    expect(owner).toMatchObject({ decision: 'allow', via: 'key-policies' })
    expect(owner.decidedBy).toMatch(/^role Owner \(statement #0\) allows it$/)
    const res = await fetch(`${t.endpoint(BIRD)}/organizations/${ORG}/access-keys`, {
      headers: { authorization: `AccessKey ${TOKEN}` },
    })
    expect(res.status).toBe(200)
    expect(t.controls.journal.list({ dialect: 'bird' })[0]?.verdict?.via).toBe('key-policies')
  })

  test('a Tigris partner, named by its provider id, is its own root', () => {
    expect(
      t.controls.explain({
        dialect: 'tigris',
        credential: { accessKeyId: SEEDED_PROVIDER },
        action: 'tigris:ListAccessKeys',
        resource: 'tigris:org/keyemu-org/keys',
      }),
    ).toMatchObject({ decision: 'allow', via: 'root', principal: { accountId: SEEDED_PROVIDER } })
  })

  test('an unknown credential or dialect is refused naming it', () => {
    expect(() =>
      t.controls.explain({ dialect: 'iam', credential: { accessKeyId: 'AKIANOPE' }, action: 'a:b', resource: '*' }),
    ).toThrow('The iam dialect knows no credential AKIANOPE.')
    expect(() =>
      t.controls.explain({ dialect: 'nope', credential: { token: 'x' }, action: 'a:b', resource: '*' }),
    ).toThrow(/No dialect nope; there are iam, sts, lightsail, linode, bird, tigris/)
    expect(() => t.controls.explain({ dialect: 'iam', credential: {}, action: 'a:b', resource: '*' })).toThrow(
      /accessKeyId or as token/,
    )
  })
})
