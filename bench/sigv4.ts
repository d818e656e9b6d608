import { createHash, createHmac } from 'node:crypto'
import { Hash } from '@smithy/hash-node'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'

/** The root key of account 000000000000 in seeds/default.json. */
export const ROOT = { accessKeyId: 'test', secretAccessKey: 'test' }
export const REGION = 'us-east-1'

/** How one AWS protocol frames a call: the signing name, the body's type, and the RPC target header if any. */
export interface AwsWire {
  service: string
  contentType: string
  target?: (operation: string) => string
}

export const IAM_WIRE: AwsWire = { service: 'iam', contentType: 'application/x-www-form-urlencoded; charset=utf-8' }
export const LIGHTSAIL_WIRE: AwsWire = {
  service: 'lightsail',
  contentType: 'application/x-amz-json-1.1',
  target: (operation) => `Lightsail_20161128.${operation}`,
}

export interface SignedRequest {
  method: 'POST'
  path: string
  headers: Record<string, string>
  body: string
}

export function iamBody(action: string, params: Record<string, string> = {}): string {
  return new URLSearchParams({ Action: action, Version: '2010-05-08', ...params }).toString()
}

const smithy = new SignatureV4({
  service: IAM_WIRE.service,
  region: REGION,
  credentials: ROOT,
  sha256: Hash.bind(null, 'sha256'),
})

/** The headers a call carries before signing. */
function baseHeaders(host: string, wire: AwsWire, operation?: string): Record<string, string> {
  return {
    'content-type': wire.contentType,
    host,
    ...(wire.target && operation && { 'x-amz-target': wire.target(operation) }),
  }
}

/** A POST / signed by the AWS SDK's own signer, for `host` ("127.0.0.1:port"). */
export async function presign(
  host: string,
  body: string,
  signingDate = new Date(),
  wire: AwsWire = IAM_WIRE,
  operation?: string,
): Promise<SignedRequest> {
  const [hostname, port] = host.split(':')
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: hostname ?? '127.0.0.1',
    port: Number(port),
    path: '/',
    headers: baseHeaders(host, wire, operation),
    body,
  })
  const signed = await smithy.sign(request, { signingDate, signingService: wire.service })
  return { method: 'POST', path: '/', headers: { ...signed.headers }, body }
}

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest()
const signingKeys = new Map<string, Buffer>()

/**
 * The same signature as `presign`, computed synchronously: autocannon's setupRequest cannot await,
 * and smithy's signer is async. `checkSigners` proves the two agree.
 */
export function signSync(
  host: string,
  body: string,
  date = new Date(),
  wire: AwsWire = IAM_WIRE,
  operation?: string,
): SignedRequest {
  const amzDate = date.toISOString().replace(/[-:]|\.\d{3}/g, '')
  const day = amzDate.slice(0, 8)
  const payloadHash = sha256(body)
  const headers: Record<string, string> = {
    ...baseHeaders(host, wire, operation),
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': amzDate,
  }
  const names = Object.keys(headers).sort()
  const signedHeaders = names.join(';')
  const canonical = ['POST', '/', '', ...names.map((n) => `${n}:${headers[n]}`), '', signedHeaders, payloadHash].join(
    '\n',
  )
  const scope = `${day}/${REGION}/${wire.service}/aws4_request`
  let key = signingKeys.get(scope)
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${ROOT.secretAccessKey}`, day), REGION), wire.service), 'aws4_request')
    signingKeys.set(scope, key)
  }
  const signature = hmac(key, ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n')).toString('hex')
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${ROOT.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`
  return { method: 'POST', path: '/', headers, body }
}

/** Throws unless the synchronous signer produces the SDK signer's Authorization header. */
export async function checkSigners(): Promise<void> {
  const date = new Date('2025-01-02T03:04:05Z')
  const body = iamBody('ListAccessKeys', { UserName: 'bench' })
  for (const [wire, operation] of [
    [IAM_WIRE, undefined],
    [LIGHTSAIL_WIRE, 'GetBucketAccessKeys'],
  ] as const) {
    const a = (await presign('127.0.0.1:1234', body, date, wire, operation)).headers.authorization
    const b = signSync('127.0.0.1:1234', body, date, wire, operation).headers.authorization
    if (a !== b) throw new Error(`the synchronous SigV4 signer disagrees with @smithy/signature-v4:\n${a}\n${b}`)
  }
}

/** One signed IAM call (setup only, not measured); throws on a non-200 answer. */
export async function iamCall(url: string, action: string, params: Record<string, string> = {}): Promise<string> {
  const req = await presign(new URL(url).host, iamBody(action, params))
  const { host: _host, ...headers } = req.headers
  const res = await fetch(`${url}/`, { method: 'POST', headers, body: req.body })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`${action} answered ${res.status}: ${text}`)
  return text
}

/** One signed Lightsail call (setup only, not measured); throws on a non-200 answer. */
export async function lightsailCall(url: string, operation: string, input: object): Promise<unknown> {
  const req = await presign(new URL(url).host, JSON.stringify(input), new Date(), LIGHTSAIL_WIRE, operation)
  const { host: _host, ...headers } = req.headers
  const res = await fetch(`${url}/`, { method: 'POST', headers, body: req.body })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`${operation} answered ${res.status}: ${text}`)
  return JSON.parse(text)
}
