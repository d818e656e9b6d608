import { createHash, timingSafeEqual } from 'node:crypto'
import { Hash } from '@smithy/hash-node'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
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

const SIGNER_CACHE_LIMIT = 1000
const signers = new Map<string, SignatureV4>()

// One signer per credential pair: the library caches derived signing keys inside it.
function signerFor(accessKeyId: string, secretAccessKey: string): SignatureV4 {
  const cacheKey = `${accessKeyId}\n${secretAccessKey}`
  let signer = signers.get(cacheKey)
  if (!signer) {
    signer = new SignatureV4({
      credentials: { accessKeyId, secretAccessKey },
      region: 'us-east-1',
      service: 'unused',
      sha256: Hash.bind(null, 'sha256'),
      applyChecksum: false,
    })
    if (signers.size >= SIGNER_CACHE_LIMIT) signers.clear()
    signers.set(cacheKey, signer)
  }
  return signer
}

/**
 * Does the signature match what the secret would sign? Recomputes it with @smithy/signature-v4 over
 * exactly the headers the client signed.
 *
 * @example if (!(await verifySigV4(req, claim, key.secret))) throw signatureMismatch()
 */
export async function verifySigV4(req: WireRequest, claim: SigV4Claim, secret: string): Promise<boolean> {
  const signingDate = parseAmzDate(claim.amzDate)
  if (!signingDate) return false
  // The signer takes X-Amz-Content-Sha256 at its word for the body's hash: check the word.
  const claimedHash = req.headers['x-amz-content-sha256']
  if (claimedHash !== undefined && claimedHash !== 'UNSIGNED-PAYLOAD') {
    if (createHash('sha256').update(req.body).digest('hex') !== claimedHash) return false
  }
  const headers: Record<string, string> = {}
  for (const name of claim.signedHeaders) {
    const value = req.headers[name]
    if (value === undefined) return false
    headers[name] = value
  }
  const presigned = claim.expiresIn !== undefined
  const query: Record<string, string | string[]> = {}
  for (const [name, value] of req.url.searchParams) {
    if (presigned && name.startsWith('X-Amz-') && name !== 'X-Amz-Security-Token') continue
    const prior = query[name]
    query[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value]
  }
  let path: string
  try {
    path = decodeURIComponent(req.url.pathname)
  } catch {
    return false
  }
  const request = new HttpRequest({
    method: req.method,
    protocol: req.url.protocol,
    hostname: req.url.hostname,
    path,
    query,
    headers,
    body: req.body,
  })
  const signer = signerFor(claim.accessKeyId, secret)
  const options = {
    signingDate,
    signingRegion: claim.region,
    signingService: claim.service,
    signableHeaders: new Set(claim.signedHeaders),
  }
  try {
    const expected = presigned
      ? String((await signer.presign(request, { ...options, expiresIn: claim.expiresIn })).query?.['X-Amz-Signature'])
      : /Signature=([0-9a-f]{64})/.exec(String((await signer.sign(request, options)).headers?.authorization))?.[1]
    return expected !== undefined && safeEqual(expected, claim.signature)
  } catch {
    return false // the library refuses what it cannot sign (an expiry over seven days, ...)
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
