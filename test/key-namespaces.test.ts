import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam'
import {
  CreateBucketAccessKeyCommand,
  CreateBucketCommand,
  DeleteBucketAccessKeyCommand,
  GetBucketAccessKeysCommand,
  GetBucketsCommand,
  LightsailClient,
} from '@aws-sdk/client-lightsail'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { beforeEach, describe, expect, test } from 'vitest'
import { entry } from '../src/core/store.js'
import { ROOT } from './support/aws-signing.js'
import { SEEDED_ORG, TIGRIS, tigrisClient } from './support/tigris-signing.js'
import { forEachTransport, type Transport } from './support/transports.js'

// Every dialect's keys live in a namespace of their own: a key issued by one dialect is unknown to
// every other dialect's operations, and authenticates only where its namespace is a credential.

interface Key {
  id: string
  secret: string
}

/** What a dialect answered: its error's name, or 'ok'. */
type Outcome = string

interface Driver {
  name: string
  /** Issue a key through this dialect's own API. */
  issue(t: Transport): Promise<Key>
  /** The key ids this dialect lists where its own new key would be listed. */
  list(t: Transport): Promise<string[]>
  /** Each call naming a key by its id: how the dialect answered. Absent where the API has no such call. */
  get?(t: Transport, key: Key): Promise<Outcome>
  update?(t: Transport, key: Key): Promise<Outcome>
  remove(t: Transport, key: Key): Promise<Outcome>
  /** Sign or authenticate a harmless call with the key: 'ok', or the error the dialect answered. */
  authenticate(t: Transport, key: Key): Promise<Outcome>
  /** The error this dialect answers for a key it does not know. */
  notFound: Outcome
  /** Ids outside this dialect's key-id pattern are refused as malformed before they are looked up. */
  malformedId?: { pattern: RegExp; error: Outcome }
  /** The error this dialect answers for credentials that are not its own. */
  unknownCredential: Outcome
  /** AWS credentials sign for every AWS dialect (and are then judged by their policies and scope). */
  aws: boolean
  /** Whether the keys it issues are credentials of its own API (Linode's are only S3 credentials). */
  keysSignItsApi: boolean
}

const outcome = async (call: Promise<unknown>): Promise<Outcome> => {
  try {
    await call
    return 'ok'
  } catch (err) {
    return (err as Error).name
  }
}

const IAM = 'https://iam.amazonaws.com'
const LIGHTSAIL = 'https://lightsail.us-east-1.amazonaws.com'
const LINODE = 'https://api.linode.com'
const STS = 'https://sts.us-east-1.amazonaws.com'
const LINODE_TOKEN = 'keyemu-linode-token'

const iam = (t: Transport, credentials = ROOT) =>
  new IAMClient({ endpoint: t.endpoint(IAM), region: 'us-east-1', credentials, maxAttempts: 1 })
const lightsail = (t: Transport, credentials = ROOT) =>
  new LightsailClient({ endpoint: t.endpoint(LIGHTSAIL), region: 'us-east-1', credentials, maxAttempts: 1 })
const sts = (t: Transport, credentials = ROOT) =>
  new STSClient({ endpoint: t.endpoint(STS), region: 'us-east-1', credentials, maxAttempts: 1 })
const asCredentials = (key: Key) => ({ accessKeyId: key.id, secretAccessKey: key.secret })

async function linode(t: Transport, method: string, path: string, body?: unknown, token = LINODE_TOKEN) {
  const res = await fetch(`${t.endpoint(LINODE)}/v4/object-storage${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}
const linodeOutcome = ({ status }: { status: number }): Outcome => (status === 200 ? 'ok' : `HTTP ${status}`)
// Linode names keys by number: a key of another namespace has one too, which Linode must not know.
const serialOf = (t: Transport, key: Key) => t.store.read((s) => entry(s.accessKeys, key.id)?.serial ?? 0)

const BUCKET = 'namespace-bucket'

const BIRD = 'https://api.bird.com'
const BIRD_KEYS = '/organizations/00000000-0000-4000-8000-000000000001/access-keys'
const BIRD_OWNER_ROLE = '00000000-0000-4000-8000-000000000101'

async function bird(t: Transport, method: string, path: string, body?: unknown, token = 'keyemu-bird-token') {
  const res = await fetch(`${t.endpoint(BIRD)}${BIRD_KEYS}${path}`, {
    method,
    headers: { authorization: `AccessKey ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> }
}
const birdOutcome = ({ status }: { status: number }): Outcome => (status < 300 ? 'ok' : `HTTP ${status}`)

const tigris = (t: Transport) => tigrisClient(t.endpoint(TIGRIS))
const tigrisOutcome = ({ status }: { status: number }): Outcome => (status === 200 ? 'ok' : `HTTP ${status}`)
const ADMIN = { user_id: 'namespace-admin', user_role: 'Admin' }
const onTigrisKey = (t: Transport, method: 'POST' | 'PUT' | 'DELETE', path: string, key: Key) =>
  tigris(t)
    .call({ method, path: `/${SEEDED_ORG}${path}`, body: { ...ADMIN, id: key.id } })
    .then(tigrisOutcome)

const drivers: Driver[] = [
  {
    name: 'iam',
    aws: true,
    keysSignItsApi: true,
    notFound: 'NoSuchEntityException',
    // The IAM API model's accessKeyIdType: [\w]+, 16..128 characters (a Bird key's UUID is not one).
    malformedId: { pattern: /^\w{16,128}$/, error: 'ValidationError' },
    unknownCredential: 'InvalidClientTokenId',
    async issue(t) {
      const { AccessKey } = await iam(t).send(new CreateAccessKeyCommand({}))
      return { id: AccessKey?.AccessKeyId as string, secret: AccessKey?.SecretAccessKey as string }
    },
    async list(t) {
      const { AccessKeyMetadata = [] } = await iam(t).send(new ListAccessKeysCommand({}))
      return AccessKeyMetadata.map((k) => k.AccessKeyId as string)
    },
    get: (t, key) => outcome(iam(t).send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.id }))),
    update: (t, key) => outcome(iam(t).send(new UpdateAccessKeyCommand({ AccessKeyId: key.id, Status: 'Inactive' }))),
    remove: (t, key) => outcome(iam(t).send(new DeleteAccessKeyCommand({ AccessKeyId: key.id }))),
    authenticate: (t, key) => outcome(iam(t, asCredentials(key)).send(new ListAccessKeysCommand({}))),
  },
  {
    name: 'lightsail',
    aws: true,
    keysSignItsApi: true,
    notFound: 'NotFoundException',
    unknownCredential: 'UnrecognizedClientException',
    async issue(t) {
      const { accessKey } = await lightsail(t).send(new CreateBucketAccessKeyCommand({ bucketName: BUCKET }))
      return { id: accessKey?.accessKeyId as string, secret: accessKey?.secretAccessKey as string }
    },
    async list(t) {
      const { accessKeys = [] } = await lightsail(t).send(new GetBucketAccessKeysCommand({ bucketName: BUCKET }))
      return accessKeys.map((k) => k.accessKeyId as string)
    },
    remove: (t, key) =>
      outcome(lightsail(t).send(new DeleteBucketAccessKeyCommand({ bucketName: BUCKET, accessKeyId: key.id }))),
    authenticate: (t, key) => outcome(lightsail(t, asCredentials(key)).send(new GetBucketsCommand({}))),
  },
  {
    name: 'linode',
    aws: false,
    keysSignItsApi: false,
    notFound: 'HTTP 404',
    unknownCredential: 'HTTP 401',
    async issue(t) {
      const { body } = await linode(t, 'POST', '/keys', { label: 'namespace-key' })
      return { id: body.access_key as string, secret: body.secret_key as string }
    },
    async list(t) {
      const { body } = await linode(t, 'GET', '/keys')
      return (body.data as { access_key: string }[]).map((k) => k.access_key)
    },
    get: async (t, key) => linodeOutcome(await linode(t, 'GET', `/keys/${serialOf(t, key)}`)),
    update: async (t, key) => linodeOutcome(await linode(t, 'PUT', `/keys/${serialOf(t, key)}`, { label: 'taken' })),
    remove: async (t, key) => linodeOutcome(await linode(t, 'DELETE', `/keys/${serialOf(t, key)}`)),
    // A bearer token is the only credential Linode's API takes: neither half of a key is one.
    async authenticate(t, key) {
      const byId = linodeOutcome(await linode(t, 'GET', '/keys', undefined, key.id))
      const bySecret = linodeOutcome(await linode(t, 'GET', '/keys', undefined, key.secret))
      return byId === bySecret ? byId : `${byId} / ${bySecret}`
    },
  },
  {
    name: 'bird',
    aws: false,
    keysSignItsApi: true,
    notFound: 'HTTP 404',
    unknownCredential: 'HTTP 401',
    async issue(t) {
      const body = { name: 'namespace-key', description: 'namespaces', roleIds: [BIRD_OWNER_ROLE] }
      const created = (await bird(t, 'POST', '', body)).body as { accessKey: { id: string }; token: string }
      return { id: created.accessKey.id, secret: created.token }
    },
    async list(t) {
      const { body } = await bird(t, 'GET', '?limit=100')
      return (body.results as { id: string }[]).map((k) => k.id)
    },
    get: async (t, key) => birdOutcome(await bird(t, 'GET', `/${encodeURIComponent(key.id)}`)),
    update: async (t, key) => birdOutcome(await bird(t, 'PATCH', `/${encodeURIComponent(key.id)}`, { name: 'taken' })),
    remove: async (t, key) => birdOutcome(await bird(t, 'DELETE', `/${encodeURIComponent(key.id)}`)),
    // The token is the key's secret; its id is no token either.
    async authenticate(t, key) {
      const bySecret = birdOutcome(await bird(t, 'GET', '', undefined, key.secret))
      const byId = birdOutcome(await bird(t, 'GET', '', undefined, key.id))
      return bySecret === 'ok' || bySecret === byId ? bySecret : `${bySecret} / ${byId}`
    },
  },
  {
    name: 'tigris',
    aws: false,
    keysSignItsApi: false,
    notFound: 'HTTP 404',
    unknownCredential: 'HTTP 401',
    async issue(t) {
      const { body } = await tigris(t).call({ method: 'POST', path: `/${SEEDED_ORG}/key`, body: ADMIN })
      return { id: body.id as string, secret: body.secret_key as string }
    },
    async list(t) {
      const { body } = await tigris(t).call({ method: 'POST', path: `/${SEEDED_ORG}/keys`, body: ADMIN })
      return (body.keys as { id: string }[]).map((k) => k.id)
    },
    get: (t, key) => onTigrisKey(t, 'POST', '/key/get', key),
    update: (t, key) => onTigrisKey(t, 'PUT', '/key', key),
    remove: (t, key) => onTigrisKey(t, 'DELETE', '/key', key),
    // Only a provider's signing key signs the partner API: neither half of a key is one.
    async authenticate(t, key) {
      const asProvider = tigrisOutcome(
        await tigrisClient(t.endpoint(TIGRIS), key.id, key.secret).call({ method: 'GET', path: '' }),
      )
      const asKey = tigrisOutcome(
        await tigrisClient(t.endpoint(TIGRIS), undefined, key.secret).call({ method: 'GET', path: '' }),
      )
      return asProvider === asKey ? asProvider : `${asProvider} / ${asKey}`
    },
  },
]

forEachTransport('key namespaces', (t) => {
  beforeEach(async () => {
    await lightsail(t).send(new CreateBucketCommand({ bucketName: BUCKET, bundleId: 'small_1_0' }))
  })

  for (const issuer of drivers) {
    for (const other of drivers.filter((d) => d !== issuer)) {
      describe(`a key issued by ${issuer.name}, seen from ${other.name}`, () => {
        test('is not listed, and every call naming it is answered as for a key that does not exist', async () => {
          const key = await issuer.issue(t)
          expect(await other.list(t)).not.toContain(key.id)
          const before = t.snapshot()
          const malformed = other.malformedId && !other.malformedId.pattern.test(key.id)
          const expected = malformed ? other.malformedId?.error : other.notFound
          for (const call of [other.get, other.update, other.remove]) {
            if (call) expect(await call(t, key)).toBe(expected)
          }
          expect(t.snapshot()).toEqual(before)
          expect(await issuer.list(t)).toContain(key.id)
        })

        const both = issuer.aws && other.aws
        test(both ? 'authenticates: both are AWS credentials' : 'is no credential there', async () => {
          const key = await issuer.issue(t)
          const answer = await other.authenticate(t, key)
          if (both) expect(answer).not.toBe(other.unknownCredential)
          else expect(answer).toBe(other.unknownCredential)
        })
      })
    }
  }

  test('each dialect still sees its own key, and takes it as a credential where its keys are', async () => {
    for (const driver of drivers) {
      const key = await driver.issue(t)
      expect(await driver.list(t)).toContain(key.id)
      const answer = await driver.authenticate(t, key)
      if (driver.keysSignItsApi) expect(answer).not.toBe(driver.unknownCredential)
      else expect(answer).toBe(driver.unknownCredential)
    }
  })

  // STS issues no keys: it only says whose a key is, for every AWS credential and no other.
  test("STS answers GetCallerIdentity for every AWS credential and knows no other dialect's key", async () => {
    for (const driver of drivers) {
      const key = await driver.issue(t)
      const answer = await outcome(sts(t, asCredentials(key)).send(new GetCallerIdentityCommand({})))
      expect(answer, driver.name).toBe(driver.aws ? 'ok' : 'InvalidClientTokenId')
    }
  })
})
