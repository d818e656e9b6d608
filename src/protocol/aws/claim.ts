import type { WireRequest } from '../route.js'
import { readSigV4, type SigV4Claim, sigV4Service } from './sigv4.js'

const claims = new WeakMap<WireRequest, { claim: SigV4Claim | string | undefined }>()

/**
 * The SigV4 claim of a request, read once however many layers ask (the edge picking a dialect, the
 * dialect authenticating, an operation wanting the signed region): undefined when the request is not
 * signed, a string naming the defect when its signature is malformed.
 *
 * @example const claim = sigV4ClaimOf(req); if (typeof claim === 'object') claim.region
 */
export function sigV4ClaimOf(req: WireRequest): SigV4Claim | string | undefined {
  let memo = claims.get(req)
  if (!memo) {
    memo = { claim: readSigV4(req) }
    claims.set(req, memo)
  }
  return memo.claim
}

/** The service a request is signed for, even when the rest of its signature is malformed. */
export function signedService(req: WireRequest): string | undefined {
  const claim = sigV4ClaimOf(req)
  if (typeof claim === 'object') return claim.service
  return claim === undefined ? undefined : sigV4Service(req)
}
