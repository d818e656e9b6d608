import type autocannon from 'autocannon'
import { iamBody, iamCall, presign, signSync } from './sigv4.js'

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

interface KeyChain {
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
]
