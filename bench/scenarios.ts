import type autocannon from 'autocannon'
import { iamBody, iamCall, LIGHTSAIL_WIRE, lightsailCall, presign, signSync } from './sigv4.js'

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
  /** The scenario the < 0.5 × Express target applies to. */
  target?: boolean
  setup?(t: Target): Promise<void>
  requests(t: Target, run: string): Promise<autocannon.Request[]>
}

const PRESIGNED = 64

/** One Linode API call with the seeded full-access token (setup only, not measured). */
async function linodeCall(url: string, method: string, path: string, body?: object): Promise<unknown> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: LINODE_AUTH, 'content-type': 'application/json' },
    ...(body && { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`${method} ${path} answered ${res.status}: ${text}`)
  return JSON.parse(text)
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

const ACCESS_KEY_ID = /<AccessKeyId>([^<]+)<\/AccessKeyId>/
const LINODE_KEY_ID = /"id":(\d+)/
const LINODE_AUTH = 'Bearer keyemu-linode-token'
const LIGHTSAIL_KEY_ID = /"accessKeyId":"([^"]+)"/

interface KeyChain {
  /** The user (IAM) or bucket (Lightsail) the chain's key belongs to. */
  user?: string
  keyId?: string
}

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
      const release = (chain: KeyChain) => {
        if (chain.user) pool.push(chain.user)
        chain.user = undefined
        chain.keyId = undefined
      }
      return [
        {
          setupRequest(req, context) {
            const chain = context as KeyChain
            const user = pool.pop()
            if (!user) throw new Error('user pool exhausted')
            chain.user = user
            return { ...req, ...signSync(t.host, iamBody('CreateAccessKey', { UserName: user })) }
          },
          onResponse(status, body, context) {
            const chain = context as KeyChain
            chain.keyId = status === 200 ? ACCESS_KEY_ID.exec(body)?.[1] : undefined
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
            const body = iamBody('DeleteAccessKey', { UserName: chain.user, AccessKeyId: chain.keyId })
            return { ...req, ...signSync(t.host, body) }
          },
          onResponse(_status, _body, context) {
            release(context as KeyChain)
          },
        },
      ]
    },
  },
  {
    name: 'lightsail GetBucketAccessKeys (signed)',
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
      const release = (chain: KeyChain) => {
        if (chain.user) pool.push(chain.user)
        chain.user = undefined
        chain.keyId = undefined
      }
      const sign = (operation: string, input: object) =>
        signSync(t.host, JSON.stringify(input), new Date(), LIGHTSAIL_WIRE, operation)
      return [
        {
          setupRequest(req, context) {
            const chain = context as KeyChain
            const bucketName = pool.pop()
            if (!bucketName) throw new Error('bucket pool exhausted')
            chain.user = bucketName
            return { ...req, ...sign('CreateBucketAccessKey', { bucketName }) }
          },
          onResponse(status, body, context) {
            const chain = context as KeyChain
            chain.keyId = status === 200 ? LIGHTSAIL_KEY_ID.exec(body)?.[1] : undefined
          },
        },
        {
          setupRequest(req, context) {
            const chain = context as KeyChain
            if (!chain.user || !chain.keyId) {
              release(chain)
              return null as unknown as autocannon.Request
            }
            return { ...req, ...sign('DeleteBucketAccessKey', { bucketName: chain.user, accessKeyId: chain.keyId }) }
          },
          onResponse(_status, _body, context) {
            release(context as KeyChain)
          },
        },
      ]
    },
  },
  {
    name: 'linode GET /v4/object-storage/keys',
    note: 'bearer token; the account holds 3 keys',
    async setup(t) {
      for (const label of ['bench-1', 'bench-2', 'bench-3'])
        await linodeCall(t.url, 'POST', '/v4/object-storage/keys', { label })
    },
    requests: async () => [{ method: 'GET', path: '/v4/object-storage/keys', headers: { authorization: LINODE_AUTH } }],
  },
  {
    name: 'linode POST+DELETE /v4/object-storage/keys',
    note: 'a create and its delete count as 2 requests',
    async requests() {
      const headers = { authorization: LINODE_AUTH, 'content-type': 'application/json' }
      return [
        {
          method: 'POST',
          path: '/v4/object-storage/keys',
          headers,
          body: JSON.stringify({ label: 'bench-key', bucket_access: [] }),
          onResponse(status, body, context) {
            ;(context as KeyChain).keyId = status === 200 ? LINODE_KEY_ID.exec(body)?.[1] : undefined
          },
        },
        {
          setupRequest(req, context) {
            const keyId = (context as KeyChain).keyId
            if (!keyId) return null as unknown as autocannon.Request
            return { ...req, method: 'DELETE', path: `/v4/object-storage/keys/${keyId}`, headers }
          },
        },
      ]
    },
  },
]
