import { createHmac, hash, timingSafeEqual } from 'node:crypto'
import type { WireRequest } from '../route.js'

/** What a SigV4 signature says about itself, from the Authorization header or a presigned query. */
export interface SigV4Claim {
  accessKeyId: string
  region: string
  service: string
  signedHeaders: string[]
  signature: string
  /** X-Amz-Date: `YYYYMMDDTHHMMSSZ`. */
  amzDate: string
  /** Seconds a presigned URL stays valid; undefined for the header form. */
  expiresIn?: number
}

const HEADER_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/

/** The credential scope's service name, if the request carries a SigV4 credential. Cheap: no checking. */
export function sigV4Service(req: WireRequest): string | undefined {
  const credential = req.headers.authorization ?? req.url.searchParams.get('X-Amz-Credential') ?? ''
  return /\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(credential)?.[1]
}

/**
 * Read the SigV4 claim of a request. Returns undefined when the request is not signed at all, and
 * a string naming the defect when it is signed but the signature is malformed.
 *
 * @example const claim = readSigV4(req); if (typeof claim === 'string') throw incomplete(claim)
 */
export function readSigV4(req: WireRequest): SigV4Claim | string | undefined {
  const authorization = req.headers.authorization
  if (authorization !== undefined) {
    const m = HEADER_RE.exec(authorization)
    if (!m) return 'Authorization header is not a valid AWS4-HMAC-SHA256 signature.'
    const amzDate = req.headers['x-amz-date']
    if (!amzDate) return 'Authorization header requires the X-Amz-Date header.'
    const [, accessKeyId, , region, service, signed, signature] = m as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ]
    return { accessKeyId, region, service, signedHeaders: signed.split(';'), signature, amzDate }
  }
  const q = req.url.searchParams
  if (!q.has('X-Amz-Signature') && !q.has('X-Amz-Credential')) return undefined
  const credential = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(q.get('X-Amz-Credential') ?? '')
  const signature = q.get('X-Amz-Signature') ?? ''
  const amzDate = q.get('X-Amz-Date') ?? ''
  const expires = Number(q.get('X-Amz-Expires'))
  if (!credential || !/^[0-9a-f]{64}$/.test(signature) || !amzDate || !Number.isInteger(expires)) {
    return 'The presigned query is missing X-Amz-Credential, X-Amz-Date, X-Amz-Expires or X-Amz-Signature.'
  }
  const [, accessKeyId, , region, service] = credential as unknown as string[]
  const signedHeaders = (q.get('X-Amz-SignedHeaders') ?? 'host').split(';')
  return { accessKeyId, region, service, signedHeaders, signature, amzDate, expiresIn: expires } as SigV4Claim
}

/** The time an X-Amz-Date names, or undefined when it is not one. */
export function parseAmzDate(amzDate: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[]
  const date = new Date(Date.UTC(y as number, (mo as number) - 1, d, h, mi, s))
  return Number.isNaN(date.getTime()) ? undefined : date
}

// The AWS signature version 4 algorithm, written for the verifying side: the canonical request is built
// straight from the wire request and signing keys are derived once per secret, day, region and service.
// src/protocol/aws/sigv4.test.ts proves it against @smithy/signature-v4, the signer the AWS SDKs use.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html

const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
/** AWS refuses presigned URLs valid for more than seven days. */
const MAX_PRESIGNED_SECONDS = 7 * 24 * 60 * 60
/** `YYYYMMDDTHHMMSSZ`, which is all parseAmzDate asks; the string is signed as sent. */
const AMZ_DATE = /^\d{8}T\d{6}Z$/
const SIGNING_KEY_CACHE_LIMIT = 1024
const signingKeys = new Map<string, Buffer>()

/**
 * Does the signature match what the secret would sign? Builds the canonical request from the request
 * as it arrived, over exactly the headers the client signed, and compares in constant time.
 *
 * @example if (!(await verifySigV4(req, claim, key.secret))) throw signatureMismatch()
 */
export async function verifySigV4(req: WireRequest, claim: SigV4Claim, secret: string): Promise<boolean> {
  const given = Buffer.from(claim.signature, 'hex')
  if (given.length !== 32 || !AMZ_DATE.test(claim.amzDate)) return false
  if (claim.expiresIn !== undefined && claim.expiresIn > MAX_PRESIGNED_SECONDS) return false
  const payloadHash = payloadHashOf(req, claim)
  if (payloadHash === undefined) return false
  const canonical = canonicalRequest(req, claim, payloadHash)
  if (canonical === undefined) return false
  const day = claim.amzDate.slice(0, 8)
  const scope = `${day}/${claim.region}/${claim.service}/aws4_request`
  const stringToSign = `AWS4-HMAC-SHA256\n${claim.amzDate}\n${scope}\n${sha256Hex(canonical)}`
  const key = signingKey(secret, day, claim.region, claim.service)
  return timingSafeEqual(createHmac('sha256', key).update(stringToSign).digest(), given)
}

/**
 * The payload hash the signature covers. X-Amz-Content-Sha256 (a header, or a query parameter of a
 * presigned URL) is the client's word for the body's hash, so the word is checked. Without it the body
 * is hashed, except that S3 presigned URLs sign UNSIGNED-PAYLOAD.
 */
function payloadHashOf(req: WireRequest, claim: SigV4Claim): string | undefined {
  const presigned = claim.expiresIn !== undefined
  const claimed =
    (presigned ? presignedContentSha256(req.url.searchParams) : undefined) ?? req.headers['x-amz-content-sha256']
  if (claimed === undefined) {
    if (presigned && claim.service === 's3') return UNSIGNED_PAYLOAD
    return req.stream ? undefined : sha256Hex(req.body)
  }
  if (claimed === UNSIGNED_PAYLOAD) return claimed
  // A streamed body is not here yet: the signature covers the client's word, and the route that reads
  // the body checks the word against it (a hash, or the STREAMING-* forms of aws-chunked bodies).
  if (req.stream) return claimed
  return claimed === sha256Hex(req.body) ? claimed : undefined
}

// The SDKs hoist the header into a presigned URL under whatever case it was set in.
function presignedContentSha256(query: URLSearchParams): string | undefined {
  for (const [name, value] of query) if (name.toLowerCase() === 'x-amz-content-sha256') return value
  return undefined
}

function canonicalRequest(req: WireRequest, claim: SigV4Claim, payloadHash: string): string | undefined {
  const names = claim.signedHeaders
  const lines: string[] = []
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string
    // SignedHeaders is sorted and without repeats in every canonical request.
    if (i > 0 && !((names[i - 1] as string) < name)) return undefined
    const value = req.headers[name]
    if (value === undefined) return undefined
    lines.push(`${name}:${canonicalHeaderValue(value)}`)
  }
  const path = canonicalPath(
    claim.service === 's3' ? (req.rawPath ?? req.url.pathname) : req.url.pathname,
    claim.service,
  )
  const query = canonicalQuery(req.url.searchParams)
  return `${req.method}\n${path}\n${query}\n${lines.join('\n')}\n\n${names.join(';')}\n${payloadHash}`
}

/**
 * S3 signs the path as sent (encoded once, not normalized: `uriEscapePath: false` in the SDKs); every
 * other service signs it without empty segments and percent-encoded again. Dot segments need no work
 * for those: the URL parser has resolved them, as the SDKs do before signing; S3 signs the raw path.
 */
function canonicalPath(pathname: string, service: string): string {
  if (service === 's3' || pathname === '/') return pathname
  const segments = pathname.split('/').filter((segment) => segment !== '')
  const trailing = segments.length > 0 && pathname.endsWith('/') ? '/' : ''
  return `/${segments.map(uriEncode).join('/')}${trailing}`
}

/** Every parameter but the signature, encoded, sorted by name and then by value. */
function canonicalQuery(params: URLSearchParams): string {
  const pairs: [name: string, value: string][] = []
  for (const [name, value] of params) {
    if (name.toLowerCase() !== 'x-amz-signature') pairs.push([uriEncode(name), uriEncode(value)])
  }
  if (pairs.length === 0) return ''
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
  return pairs.map(([name, value]) => `${name}=${value}`).join('&')
}

/** RFC 3986 encoding: everything but the unreserved characters A-Z a-z 0-9 - _ . ~ */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** Runs of spaces and tabs become one space, line breaks a space, and the ends are trimmed. */
function canonicalHeaderValue(value: string): string {
  if (!/[\t\r\n]| {2}|^ | $/.test(value)) return value
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '')
}

/**
 * The SigV4 signing key of a secret for one day, region and service (cached): what chunk and trailer
 * signatures of an aws-chunked body are computed with.
 *
 * @example const key = signingKey(secret, claim.amzDate.slice(0, 8), claim.region, claim.service)
 */
export function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  // Day, region and service carry no line breaks (readSigV4's patterns), so the id is unambiguous.
  const id = `${day}\n${region}\n${service}\n${secret}`
  let key = signingKeys.get(id)
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request')
    if (signingKeys.size >= SIGNING_KEY_CACHE_LIMIT) signingKeys.delete(signingKeys.keys().next().value as string)
    signingKeys.set(id, key)
  }
  return key
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest()
// Most signed calls carry no body (GET, DELETE, HEAD): its hash is a constant.
const EMPTY_SHA256 = hash('sha256', '', 'hex')
const sha256Hex = (data: string | Buffer) => (data.length === 0 ? EMPTY_SHA256 : hash('sha256', data, 'hex'))
