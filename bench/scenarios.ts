import { createHmac, randomUUID } from 'node:crypto'
import type autocannon from 'autocannon'
import { iamBody, iamCall, LIGHTSAIL_WIRE, lightsailCall, presign, s3Call, signS3, signSync } from './sigv4.js'

export interface Target {
  /** http://127.0.0.1:port */
  url: string
  /** 127.0.0.1:port, the Host header every request is signed with. */
  host: string
}

/**
 * A row of the load table. `setup` runs once against a fresh emulator; `requests` builds the
 * autocannon request list for each run (warm-up, then measured). Other dialects add rows here.
 */
export interface Scenario {
  name: string
  /** Printed under the table. */
  note?: string
  /** The scenario the ≥ 0.7 × Express target (issue 13) applies to. */
  target?: boolean
  /** A row's own target, as a share of bare Express's req/s (issue 13). */
  minVsExpress?: number
  setup?(t: Target): Promise<void>
  requests(t: Target, run: string): Promise<autocannon.Request[]>
}

const PRESIGNED = 64
/** Issue 13: every token-auth row (Linode, Bird) and the Tigris HMAC rows, as a share of bare Express. */
const TOKEN_ROW_MIN = 0.85

/** One JSON API call with a seeded token (setup only, not measured). */
async function restCall(url: string, authorization: string, method: string, path: string, body?: object) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization, 'content-type': 'application/json' },
    ...(body && { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`)
  return JSON.parse(text) as unknown
}

/** N distinct ListAccessKeys requests for user `bench`, each signed a second apart by the SDK's signer. */
export async function listAccessKeysRequests(host: string): Promise<autocannon.Request[]> {
  const body = iamBody('ListAccessKeys', { UserName: 'bench' })
  const now = Date.now()
  return Promise.all(
    Array.from(
      { length: PRESIGNED },
      (_, i) => presign(host, body, new Date(now - i * 1000)) as Promise<autocannon.Request>,
    ),
  )
}

const TIGRIS_ORG = '/v1/providers/keyemu/orgs/keyemu-org'
const TIGRIS_KEY_ID = /"id":"([^"]+)"/

/** A Tigris partner call signed now, with a fresh nonce (a nonce signs one request only). */
function tigrisSigned(t: Target, method: string, path: string, body: object): Partial<autocannon.Request> {
  const time = String(Date.now())
  const nonce = randomUUID()
  const signature = createHmac('sha256', 'keyemu-tigris-signing-key')
    .update(`${method}\nhttp://${t.host}${path}\n${time}\n${nonce}`)
    .digest('hex')
  return {
    method: method as autocannon.Request['method'],
    path,
    body: JSON.stringify(body),
    headers: {
      'content-type': 'application/json',
      'x-tigris-time': time,
      'x-tigris-nonce': nonce,
      'x-tigris-signature': signature,
    },
  }
}

async function tigrisCall(t: Target, method: string, path: string, body: object): Promise<void> {
  const req = tigrisSigned(t, method, path, body)
  const headers = req.headers as Record<string, string>
  const res = await fetch(`${t.url}${path}`, { method, headers, body: req.body as string })
  if (res.status !== 200) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`)
}

const ACCESS_KEY_ID = /<AccessKeyId>([^<]+)<\/AccessKeyId>/
const LINODE_KEY_ID = /"id":(\d+)/
const LINODE_AUTH = 'Bearer keyemu-linode-token'
const LIGHTSAIL_KEY_ID = /"accessKeyId":"([^"]+)"/
const BIRD_AUTH = 'AccessKey keyemu-bird-token'
const BIRD_KEYS = '/organizations/00000000-0000-4000-8000-000000000001/access-keys'
const BIRD_KEY_ID = /"id":"([^"]+)"/

interface KeyChain {
  /** The user (IAM) or bucket (Lightsail) the chain's key belongs to. */
  user?: string
  keyId?: string
}

/**
 * A create-then-delete request pair for autocannon. Each create leases an owner (user or bucket) from
 * the pool, so no owner ever holds more than one key from this load, and its delete gives it back.
 */
function keyChain(
  pool: string[],
  keyIdIn: RegExp,
  sign: { create(owner: string): object; remove(owner: string, keyId: string): object },
): autocannon.Request[] {
  const release = (chain: KeyChain) => {
    if (chain.user) pool.push(chain.user)
    chain.user = undefined
    chain.keyId = undefined
  }
  return [
    {
      setupRequest(req, context) {
        const chain = context as KeyChain
        const owner = pool.pop()
        if (!owner) throw new Error('owner pool exhausted')
        chain.user = owner
        return { ...req, ...sign.create(owner) }
      },
      onResponse(status, body, context) {
        const chain = context as KeyChain
        chain.keyId = status === 200 ? keyIdIn.exec(body)?.[1] : undefined
      },
    },
    {
      setupRequest(req, context) {
        const chain = context as KeyChain
        if (!chain.user || !chain.keyId) {
          // The create failed (already counted as non-2xx): start the chain over.
          release(chain)
          return null as unknown as autocannon.Request
        }
        return { ...req, ...sign.remove(chain.user, chain.keyId) }
      },
      onResponse(_status, _body, context) {
        release(context as KeyChain)
      },
    },
  ]
}

const S3_BUCKET = '/bench-bucket'
const KIB = 1024
const MIB = 1024 * 1024

/** `count` copies of S3 requests signed a second apart, each signed as @aws-sdk/client-s3 signs. */
function s3Requests(
  t: Target,
  calls: { operation: 'GetObject' | 'PutObject'; body?: Buffer }[],
  path: string,
  count: number,
): autocannon.Request[] {
  const now = Date.now()
  return Array.from({ length: count }, (_, i) =>
    calls.map(({ operation, body }) => {
      const req = signS3(t.host, operation, path, body, new Date(now - i * 1000))
      const { 'content-length': _written, ...headers } = req.headers
      // autocannon writes Content-Length from the body itself: a second one made every upload invalid HTTP.
      return { ...req, headers, ...(req.body && { body: req.body }) } as autocannon.Request
    }),
  ).flat()
}

function s3PutGet(size: number, label: string): Scenario {
  const path = `${S3_BUCKET}/put-get-${size}`
  const body = Buffer.alloc(size, 'k')
  return {
    name: `s3 PutObject+GetObject ${label} (signed)`,
    note: `${label} object, path-style; 16 PUT+GET pairs signed as client-s3 signs (payload hash, CRC32 on the upload, checksum mode on the read), replayed in turn; a PUT and its GET count as 2 requests`,
    setup: (t) => s3Call(t.url, 'CreateBucket', S3_BUCKET),
    requests: async (t) => s3Requests(t, [{ operation: 'PutObject', body }, { operation: 'GetObject' }], path, 16),
  }
}

/** The S3 data plane's rows: uploads and reads of small and large objects, and small reads alone. */
export const s3Scenarios: Scenario[] = [
  s3PutGet(KIB, '1 KiB'),
  s3PutGet(MIB, '1 MiB'),
  {
    name: 's3 GetObject 1 KiB (signed)',
    note: `${PRESIGNED} GETs of one 1 KiB object signed as client-s3 signs, replayed in turn`,
    minVsExpress: 0.6,
    async setup(t) {
      await s3Call(t.url, 'CreateBucket', S3_BUCKET)
      await s3Call(t.url, 'PutObject', `${S3_BUCKET}/get-1k`, Buffer.alloc(KIB, 'k'))
    },
    requests: async (t) => s3Requests(t, [{ operation: 'GetObject' }], `${S3_BUCKET}/get-1k`, PRESIGNED),
  },
]

export const scenarios: Scenario[] = [
  {
    name: 'iam ListAccessKeys (signed)',
    note: `${PRESIGNED} requests pre-signed with @smithy/signature-v4, replayed in turn; user bench holds 2 keys`,
    target: true,
    async setup(t) {
      await iamCall(t.url, 'CreateUser', { UserName: 'bench' })
      await iamCall(t.url, 'CreateAccessKey', { UserName: 'bench' })
      await iamCall(t.url, 'CreateAccessKey', { UserName: 'bench' })
    },
    requests: (t) => listAccessKeysRequests(t.host),
  },
  {
    name: 'iam CreateAccessKey+DeleteAccessKey',
    note: 'each request signed on the fly in the load generator (sync SigV4, checked against smithy); a create and its delete count as 2 requests; users are leased from a pool so no user ever holds more than 1 key from this load',
    async requests(t, run) {
      // Fresh users per run: a run that stops between a create and its delete leaves a key behind.
      const pool = Array.from({ length: 32 }, (_, i) => `keys-${run}-${i}`)
      for (const user of pool) await iamCall(t.url, 'CreateUser', { UserName: user })
      return keyChain(pool, ACCESS_KEY_ID, {
        create: (user) => signSync(t.host, iamBody('CreateAccessKey', { UserName: user })),
        remove: (user, keyId) => signSync(t.host, iamBody('DeleteAccessKey', { UserName: user, AccessKeyId: keyId })),
      })
    },
  },
  {
    name: 'lightsail GetBucketAccessKeys (signed)',
    minVsExpress: 0.7,
    note: `${PRESIGNED} requests pre-signed with @smithy/signature-v4; bucket bench-bucket holds 2 keys`,
    async setup(t) {
      await lightsailCall(t.url, 'CreateBucket', { bucketName: 'bench-bucket', bundleId: 'small_1_0' })
      await lightsailCall(t.url, 'CreateBucketAccessKey', { bucketName: 'bench-bucket' })
      await lightsailCall(t.url, 'CreateBucketAccessKey', { bucketName: 'bench-bucket' })
    },
    requests(t) {
      const body = JSON.stringify({ bucketName: 'bench-bucket' })
      const now = Date.now()
      return Promise.all(
        Array.from(
          { length: PRESIGNED },
          (_, i) =>
            presign(
              t.host,
              body,
              new Date(now - i * 1000),
              LIGHTSAIL_WIRE,
              'GetBucketAccessKeys',
            ) as Promise<autocannon.Request>,
        ),
      )
    },
  },
  {
    name: 'lightsail CreateBucketAccessKey+DeleteBucketAccessKey',
    note: 'signed on the fly like the IAM chain; buckets are leased from a pool so none ever holds more than 1 key from this load',
    async requests(t, run) {
      const pool = Array.from({ length: 32 }, (_, i) => `keys-${run}-${i}`.toLowerCase())
      for (const bucketName of pool) await lightsailCall(t.url, 'CreateBucket', { bucketName, bundleId: 'small_1_0' })
      const sign = (operation: string, input: object) =>
        signSync(t.host, JSON.stringify(input), new Date(), LIGHTSAIL_WIRE, operation)
      return keyChain(pool, LIGHTSAIL_KEY_ID, {
        create: (bucketName) => sign('CreateBucketAccessKey', { bucketName }),
        remove: (bucketName, accessKeyId) => sign('DeleteBucketAccessKey', { bucketName, accessKeyId }),
      })
    },
  },
  {
    name: 'linode GET /v4/object-storage/keys',
    minVsExpress: TOKEN_ROW_MIN,
    note: 'bearer token; the account holds 3 keys',
    async setup(t) {
      for (const label of ['bench-1', 'bench-2', 'bench-3'])
        await restCall(t.url, LINODE_AUTH, 'POST', '/v4/object-storage/keys', { label })
    },
    requests: async () => [{ method: 'GET', path: '/v4/object-storage/keys', headers: { authorization: LINODE_AUTH } }],
  },
  {
    name: 'linode POST+DELETE /v4/object-storage/keys',
    minVsExpress: TOKEN_ROW_MIN,
    note: 'a create and its delete count as 2 requests',
    requests: async () =>
      restKeyChain(LINODE_AUTH, '/v4/object-storage/keys', { label: 'bench-key', bucket_access: [] }, LINODE_KEY_ID),
  },
  {
    name: 'bird GET …/access-keys',
    minVsExpress: TOKEN_ROW_MIN,
    note: 'AccessKey token (a key found by its secret, its roles judged by the evaluator); the organization holds 4 keys',
    async setup(t) {
      for (const name of ['bench-1', 'bench-2', 'bench-3'])
        await restCall(t.url, BIRD_AUTH, 'POST', BIRD_KEYS, { name, description: 'bench' })
    },
    requests: async () => [{ method: 'GET', path: BIRD_KEYS, headers: { authorization: BIRD_AUTH } }],
  },
  {
    name: 'bird POST+DELETE …/access-keys',
    minVsExpress: TOKEN_ROW_MIN,
    note: 'a create and its delete count as 2 requests',
    requests: async () => restKeyChain(BIRD_AUTH, BIRD_KEYS, { name: 'bench-key', description: 'bench' }, BIRD_KEY_ID),
  },
  {
    name: 'tigris POST …/keys (signed)',
    minVsExpress: TOKEN_ROW_MIN,
    note: 'X-Tigris-* HMAC signed on the fly with a fresh nonce per request; the org holds 3 keys; Admin listing',
    async setup(t) {
      for (const name of ['bench-1', 'bench-2', 'bench-3'])
        await tigrisCall(t, 'POST', `${TIGRIS_ORG}/key`, { user_id: 'bench', name })
    },
    requests: async (t) => [
      {
        setupRequest: (req) => ({
          ...req,
          ...tigrisSigned(t, 'POST', `${TIGRIS_ORG}/keys`, { user_id: 'bench', user_role: 'Admin' }),
        }),
      },
    ],
  },
  {
    name: 'tigris POST+DELETE …/key (signed)',
    minVsExpress: TOKEN_ROW_MIN,
    note: 'signed on the fly; a create (ReadOnly on one bucket) and its delete count as 2 requests',
    async requests(t) {
      const create = { user_id: 'bench', buckets_roles: [{ bucket_name: 'example-bucket', role: 'ReadOnly' }] }
      return [
        {
          setupRequest: (req) => ({ ...req, ...tigrisSigned(t, 'POST', `${TIGRIS_ORG}/key`, create) }),
          onResponse(status, body, context) {
            ;(context as KeyChain).keyId = status === 200 ? TIGRIS_KEY_ID.exec(body)?.[1] : undefined
          },
        },
        {
          setupRequest(req, context) {
            const id = (context as KeyChain).keyId
            if (!id) return null as unknown as autocannon.Request
            return { ...req, ...tigrisSigned(t, 'DELETE', `${TIGRIS_ORG}/key`, { user_id: 'bench', id }) }
          },
        },
      ]
    },
  },
  ...s3Scenarios,
]

/** A create-then-delete pair for a JSON API whose keys are deleted at `<collection>/<id>`. */
function restKeyChain(authorization: string, collection: string, body: object, keyIdIn: RegExp): autocannon.Request[] {
  const headers = { authorization, 'content-type': 'application/json' }
  return [
    {
      method: 'POST',
      path: collection,
      headers,
      body: JSON.stringify(body),
      onResponse(status, text, context) {
        ;(context as KeyChain).keyId = status < 300 ? keyIdIn.exec(text)?.[1] : undefined
      },
    },
    {
      setupRequest(req, context) {
        const keyId = (context as KeyChain).keyId
        if (!keyId) return null as unknown as autocannon.Request
        return { ...req, method: 'DELETE', path: `${collection}/${keyId}`, headers }
      },
    },
  ]
}
