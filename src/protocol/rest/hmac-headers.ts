import { createHmac, timingSafeEqual } from 'node:crypto'
import { EmulatorError, echo } from '../../core/errors.js'
import type { WireRequest } from '../route.js'

// A request signed with a shared key in three headers: the time it was signed (Unix milliseconds), a
// nonce, and the hex HMAC-SHA256 of method, full URL, time and nonce joined by newlines. The body is
// not signed. Tigris's partner API signs this way.

/** The header names of one such scheme, in lower case. */
export interface HmacHeaderNames {
  time: string
  nonce: string
  signature: string
}

export interface HmacClaim {
  time: number
  nonce: string
  signature: string
}

/** The longest nonce kept: longer ones are refused rather than stored. */
export const MAX_NONCE_LENGTH = 256

/**
 * The signed headers of a request. A missing one is MissingCredentials naming it; a time that is not
 * whole milliseconds, an over-long nonce or a signature that is not 64 hex digits MalformedCredentials.
 *
 * @example hmacClaim(req, { time: 'x-tigris-time', nonce: 'x-tigris-nonce', signature: 'x-tigris-signature' })
 */
export function hmacClaim(req: WireRequest, names: HmacHeaderNames): HmacClaim {
  const missing = [names.time, names.nonce, names.signature].filter((h) => !req.headers[h])
  if (missing.length > 0) {
    throw new EmulatorError('MissingCredentials', `The request is not signed: header ${missing.join(', ')} is missing.`)
  }
  const time = req.headers[names.time] ?? ''
  const nonce = req.headers[names.nonce] ?? ''
  const signature = req.headers[names.signature] ?? ''
  if (!/^\d{1,16}$/.test(time)) {
    throw new EmulatorError(
      'MalformedCredentials',
      `${names.time} must be Unix time in milliseconds, not ${echo(time)}.`,
    )
  }
  if (nonce.length > MAX_NONCE_LENGTH) {
    throw new EmulatorError('MalformedCredentials', `${names.nonce} is longer than ${MAX_NONCE_LENGTH} characters.`)
  }
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) {
    throw new EmulatorError('MalformedCredentials', `${names.signature} must be 64 hex digits (HMAC-SHA256).`)
  }
  return { time: Number(time), nonce, signature: signature.toLowerCase() }
}

/**
 * The hex HMAC-SHA256 a signer sends: of method, full URL (scheme, host, path, query), time and nonce.
 *
 * @example hmacSignature(key, 'POST', 'https://mgmt.storage.dev/v1/providers/p/orgs/o/key', '1731703213870', nonce)
 */
export function hmacSignature(key: string, method: string, url: string, time: string, nonce: string): string {
  return createHmac('sha256', key).update([method, url, time, nonce].join('\n')).digest('hex')
}

/**
 * Nonces seen within the replay window, bounded in memory: once `capacity` live nonces are held, the
 * oldest is forgotten and requests signed no later than it are refused from then on, so a nonce
 * forgotten early can never be replayed.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>()
  private floor = Number.NEGATIVE_INFINITY

  constructor(
    private readonly windowMs: number,
    private readonly capacity = 100_000,
  ) {}

  /** How many nonces are held. */
  get size(): number {
    return this.seen.size
  }

  /** Record a nonce signed at `time`; false when it was used already or can no longer be checked. */
  claim(nonce: string, time: number, now: number): boolean {
    for (const [old, at] of this.seen) {
      if (at >= now - this.windowMs) break
      this.seen.delete(old)
    }
    if (time <= this.floor || this.seen.has(nonce)) return false
    if (this.seen.size >= this.capacity) {
      for (const [old, at] of this.seen) {
        this.seen.delete(old)
        this.floor = Math.max(this.floor, at)
        break
      }
    }
    this.seen.set(nonce, time)
    return true
  }
}

/**
 * Check a claim against the signing key: its time within `windowMs` of `now` (else
 * ExpiredCredentials), its signature (else InvalidSignature), its nonce unused within the window
 * (else InvalidSignature). The nonce is recorded only once the signature holds.
 *
 * @example verifyHmacClaim(req, claim, { key, now: Date.now(), windowMs: 300_000, nonces })
 */
export function verifyHmacClaim(
  req: WireRequest,
  claim: HmacClaim,
  options: { key: string; now: number; windowMs: number; nonces: NonceCache; names: HmacHeaderNames },
): void {
  const { now, windowMs, names } = options
  if (Math.abs(now - claim.time) > windowMs) {
    throw new EmulatorError(
      'ExpiredCredentials',
      `${names.time} ${claim.time} is more than ${windowMs / 60_000} minutes from the server's time ${now}.`,
    )
  }
  const expected = hmacSignature(options.key, req.method, req.url.href, String(claim.time), claim.nonce)
  if (!timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(claim.signature, 'hex'))) {
    throw new EmulatorError(
      'InvalidSignature',
      `${names.signature} does not match: sign METHOD, full URL, ${names.time} and ${names.nonce} joined by newlines with the signing key.`,
    )
  }
  if (!options.nonces.claim(claim.nonce, claim.time, now)) {
    throw new EmulatorError('InvalidSignature', `${names.nonce} ${echo(claim.nonce)} was already used.`)
  }
}
