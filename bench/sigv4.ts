import { createHash, createHmac } from 'node:crypto'
import { crc32 } from '@aws-crypto/crc32'
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

const SMITHY_BASE = { region: REGION, credentials: ROOT, sha256: Hash.bind(null, 'sha256') }
const smithy = new SignatureV4({ ...SMITHY_BASE, service: IAM_WIRE.service })

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

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest()
const signingKeys = new Map<string, Buffer>()

/** A request to sign: `query` is already canonical (sorted, encoded) and `path` needs no encoding. */
interface Unsigned {
  method: string
  path: string
  query?: string
  /** Header names in lower case, `host` included. */
  headers: Record<string, string>
  body: string | Buffer
}

/** SigV4 header signing for the root key, synchronously: adds x-amz-content-sha256, x-amz-date, authorization. */
function signHeaders(req: Unsigned, service: string, date: Date): Record<string, string> {
  const amzDate = date.toISOString().replace(/[-:]|\.\d{3}/g, '')
  const day = amzDate.slice(0, 8)
  const payloadHash = sha256(req.body)
  const headers: Record<string, string> = { ...req.headers, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate }
  const names = Object.keys(headers).sort()
  const signedHeaders = names.join(';')
  const canonical = [
    req.method,
    req.path,
    req.query ?? '',
    ...names.map((n) => `${n}:${headers[n]}`),
    '',
    signedHeaders,
    payloadHash,
  ].join('\n')
  const scope = `${day}/${REGION}/${service}/aws4_request`
  let key = signingKeys.get(scope)
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${ROOT.secretAccessKey}`, day), REGION), service), 'aws4_request')
    signingKeys.set(scope, key)
  }
  const signature = hmac(key, ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n')).toString('hex')
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${ROOT.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`
  return headers
}

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
  const headers = signHeaders(
    { method: 'POST', path: '/', headers: baseHeaders(host, wire, operation), body },
    wire.service,
    date,
  )
  return { method: 'POST', path: '/', headers, body }
}

export type S3Operation = 'CreateBucket' | 'GetObject' | 'PutObject'

export interface S3Request {
  method: 'GET' | 'PUT'
  /** `/bucket/key`, path-style, with nothing to encode. */
  path: string
  headers: Record<string, string>
  body?: Buffer
}

/** What @aws-sdk/client-s3 sends for an operation besides the signature: its `x-id` and its checksum headers. */
function s3Unsigned(host: string, operation: S3Operation, path: string, body?: Buffer): Unsigned {
  if (operation === 'CreateBucket') return { method: 'PUT', path, headers: { host }, body: '' }
  if (operation === 'GetObject')
    return {
      method: 'GET',
      path,
      query: 'x-id=GetObject',
      headers: { host, 'x-amz-checksum-mode': 'ENABLED' },
      body: '',
    }
  const data = body ?? Buffer.alloc(0)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(data) >>> 0)
  return {
    method: 'PUT',
    path,
    query: 'x-id=PutObject',
    headers: {
      host,
      'content-type': 'application/octet-stream',
      'content-length': String(data.length),
      'x-amz-checksum-crc32': crc.toString('base64'),
      'x-amz-sdk-checksum-algorithm': 'CRC32',
    },
    body: data,
  }
}

/**
 * A GetObject or PutObject signed as @aws-sdk/client-s3 signs it against an http endpoint (path-style,
 * payload hash signed, CRC32 checksum on uploads), synchronously; `checkSigners` proves it.
 */
export function signS3(
  host: string,
  operation: S3Operation,
  path: string,
  body?: Buffer,
  date = new Date(),
): S3Request {
  const req = s3Unsigned(host, operation, path, body)
  const { host: _host, ...headers } = signHeaders(req, 's3', date)
  return {
    method: req.method as S3Request['method'],
    path: req.query ? `${path}?${req.query}` : path,
    headers,
    ...(body && { body }),
  }
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
  const s3Smithy = new SignatureV4({ ...SMITHY_BASE, service: 's3', uriEscapePath: false, applyChecksum: true })
  for (const [operation, body] of [
    ['GetObject', undefined],
    ['PutObject', Buffer.alloc(1024, 'k')],
  ] as const) {
    const unsigned = s3Unsigned('127.0.0.1:1234', operation, '/bench-bucket/1k', body)
    const [name = '', value = ''] = (unsigned.query ?? '').split('=')
    const request = new HttpRequest({
      method: unsigned.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 1234,
      path: unsigned.path,
      query: { [name]: value },
      headers: { ...unsigned.headers, 'x-amz-content-sha256': sha256(unsigned.body) },
      body: unsigned.body,
    })
    const a = (await s3Smithy.sign(request, { signingDate: date })).headers.authorization
    const b = signS3('127.0.0.1:1234', operation, '/bench-bucket/1k', body, date).headers.authorization
    if (a !== b) throw new Error(`the S3 signer disagrees with @smithy/signature-v4:\n${a}\n${b}`)
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

/** One signed S3 call with the root key (setup only, not measured); throws on a non-200 answer. */
export async function s3Call(url: string, operation: S3Operation, path: string, body?: Buffer): Promise<void> {
  const req = signS3(new URL(url).host, operation, path, body)
  const res = await fetch(`${url}${req.path}`, {
    method: req.method,
    headers: req.headers,
    ...(body && { body: new Uint8Array(body) }),
  })
  if (res.status !== 200) throw new Error(`${operation} ${path} answered ${res.status}: ${await res.text()}`)
}
