import { createHmac, randomUUID } from 'node:crypto'

// A small client of the Tigris partner API written from the spec's signing section (there is no
// official one): every call carries X-Tigris-Time (ms), X-Tigris-Nonce and X-Tigris-Signature, the
// hex HMAC-SHA256 with the provider's signing key of method, full URL, time and nonce joined by "\n".

export const TIGRIS = 'https://mgmt.storage.dev'
export const SEEDED_PROVIDER = 'keyemu'
export const SEEDED_SIGNING_KEY = 'keyemu-tigris-signing-key'
export const SEEDED_ORG = 'keyemu-org'

export interface TigrisAnswer<T = Record<string, unknown>> {
  status: number
  body: T
}

export interface TigrisCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** The path after /v1/providers/{provider_id}/orgs, e.g. `/keyemu-org/key`. */
  path: string
  body?: unknown
  /** A raw body, sent as is (malformed JSON). */
  raw?: string
  /** Header values to send instead of the signed ones (a missing header: undefined). */
  headers?: Record<string, string | undefined>
  /** Sign as if at this time (ms) instead of now. */
  time?: number
  nonce?: string
  /** Sign with this key instead. */
  signingKey?: string
  /** The spec's signing example uses /provider/{id} instead of /v1/providers/{id}. */
  singular?: boolean
}

/** The signature headers for one request. */
export function tigrisSignature(key: string, method: string, url: string, time: number, nonce: string) {
  const signature = createHmac('sha256', key).update(`${method}\n${url}\n${time}\n${nonce}`).digest('hex')
  return { 'x-tigris-time': String(time), 'x-tigris-nonce': nonce, 'x-tigris-signature': signature }
}

/**
 * A partner's client at `baseUrl` (the real host, or keyemu's URL).
 *
 * @example const tigris = tigrisClient(t.endpoint(TIGRIS)); await tigris.call({ method: 'POST', path: '/keyemu-org/keys', body })
 */
export function tigrisClient(baseUrl: string, provider = SEEDED_PROVIDER, signingKey = SEEDED_SIGNING_KEY) {
  return {
    async call<T = Record<string, unknown>>(call: TigrisCall): Promise<TigrisAnswer<T>> {
      const prefix = call.singular ? `/provider/${provider}/orgs` : `/v1/providers/${provider}/orgs`
      const url = `${baseUrl}${prefix}${call.path}`
      const signed = tigrisSignature(
        call.signingKey ?? signingKey,
        call.method,
        url,
        call.time ?? Date.now(),
        call.nonce ?? randomUUID(),
      )
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      for (const [name, value] of Object.entries({ ...signed, ...call.headers }))
        if (value !== undefined) headers[name] = value
      const body = call.raw ?? (call.body === undefined ? undefined : JSON.stringify(call.body))
      const res = await fetch(url, { method: call.method, headers, ...(body !== undefined && { body }) })
      const text = await res.text()
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as T }
    },
  }
}
export type TigrisClient = ReturnType<typeof tigrisClient>
