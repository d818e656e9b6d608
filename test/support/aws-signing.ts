import { Hash } from '@smithy/hash-node'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'

export const ROOT = { accessKeyId: 'test', secretAccessKey: 'test' }

export interface SignedFetchOptions {
  service: string
  region?: string
  credentials?: { accessKeyId: string; secretAccessKey: string }
  method?: string
  headers?: Record<string, string>
  body?: string | Uint8Array<ArrayBuffer>
  /** Sign it as a presigned URL (query form) instead of an Authorization header. */
  presign?: boolean
  /** Sign as of this time instead of now (a stale or early signature). */
  signingDate?: Date
}

/**
 * Send a raw request signed with SigV4, for inputs an SDK would refuse to send. Goes through global
 * fetch, so MSW intercepts it like any SDK call.
 */
export async function signedFetch(url: string, options: SignedFetchOptions): Promise<Response> {
  const { href, init } = await signRequest(url, options)
  return fetch(href, init)
}

/** The URL and fetch options of a signed request, without sending it. */
export async function signRequest(
  url: string,
  options: SignedFetchOptions,
): Promise<{ href: string; init: RequestInit }> {
  const target = new URL(url)
  const signer = new SignatureV4({
    credentials: options.credentials ?? ROOT,
    region: options.region ?? 'us-east-1',
    service: options.service,
    sha256: Hash.bind(null, 'sha256'),
  })
  const request = new HttpRequest({
    method: options.method ?? 'POST',
    protocol: target.protocol,
    hostname: target.hostname,
    ...(target.port && { port: Number(target.port) }),
    path: target.pathname,
    query: Object.fromEntries(target.searchParams),
    headers: { host: target.host, ...options.headers },
    ...(options.body !== undefined && { body: options.body }),
  })
  const when = options.signingDate && { signingDate: options.signingDate }
  const signed = options.presign ? await signer.presign(request, when) : await signer.sign(request, when)
  const query = new URLSearchParams(signed.query as Record<string, string>).toString()
  const { host: _host, ...headers } = signed.headers
  return {
    href: `${target.origin}${signed.path}${query ? `?${query}` : ''}`,
    init: { method: signed.method, headers, ...(options.body !== undefined && { body: options.body }) },
  }
}
