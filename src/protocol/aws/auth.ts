import type { Core } from '../../core/core.js'
import { EmulatorError, echo } from '../../core/errors.js'
import { type Principal, principalOfKey } from '../../core/principals.js'
import type { AuthContext } from '../route.js'
import { sigV4ClaimOf } from './claim.js'
import { AWS_CREDENTIALS } from './key-shape.js'
import { parseAmzDate, type SigV4Claim, verifySigV4 } from './sigv4.js'

/** The realm of the AWS accounts every AWS dialect serves. */
export const AWS_REALM = 'aws'

export interface SigV4Expectation {
  /** The signing name the credential scope must carry. */
  service: string
  /** The key namespaces whose keys may sign (the AWS credentials unless said). */
  namespaces?: readonly string[]
}

/** How far a signature's time may be from the server's clock (AWS allows 15 minutes either way). */
const CLOCK_SKEW_MS = 15 * 60 * 1000
/** The longest a presigned URL may be valid: seven days. */
const MAX_EXPIRES_SECONDS = 604800

/**
 * Check a SigV4-signed request against the stored secret of the key that signed it and name the
 * caller (with where the key is used, recorded once the call succeeds). Only keys of the AWS
 * credential namespaces sign AWS requests. With auth off, every request is the default AWS account's root.
 *
 * @example authenticate: (ctx) => authenticateSigV4(ctx, { service: 'iam' })
 */
export async function authenticateSigV4(ctx: AuthContext, expect: SigV4Expectation): Promise<Principal> {
  if (ctx.auth === 'off') return defaultRoot(ctx.core)
  const claim = sigV4ClaimOf(ctx.req)
  if (claim === undefined) {
    throw new EmulatorError('MissingCredentials', 'Request is missing Authentication Token')
  }
  if (typeof claim === 'string') throw new EmulatorError('MalformedCredentials', claim)
  const key = ctx.core.findKeyForAuth(expect.namespaces ?? AWS_CREDENTIALS, claim.accessKeyId)
  if (key?.status !== 'Active') {
    throw new EmulatorError('UnknownCredentials', 'The security token included in the request is invalid.')
  }
  if (claim.service !== expect.service) {
    throw new EmulatorError('InvalidSignature', `Credential should be scoped to correct service: '${expect.service}'.`)
  }
  checkFreshness(claim, ctx.core.now())
  if (!(await verifySigV4(ctx.req, claim, key.secret))) {
    throw new EmulatorError(
      'InvalidSignature',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    )
  }
  return { ...principalOfKey(key), keyUse: { service: claim.service, region: claim.region } }
}

const amzDateOf = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')

// The messages AWS sends for a stale or early header signature, and for a presigned URL past its time.
function checkFreshness(claim: SigV4Claim, now: Date): void {
  const signedAt = parseAmzDate(claim.amzDate)
  if (!signedAt) {
    throw new EmulatorError(
      'MalformedCredentials',
      `X-Amz-Date ${echo(claim.amzDate)} is not a date of the form YYYYMMDDTHHMMSSZ.`,
    )
  }
  const at = now.getTime()
  if (claim.expiresIn !== undefined) {
    if (claim.expiresIn < 1 || claim.expiresIn > MAX_EXPIRES_SECONDS) {
      throw new EmulatorError(
        'MalformedCredentials',
        `X-Amz-Expires must be between 1 and ${MAX_EXPIRES_SECONDS} seconds (seven days), not ${claim.expiresIn}.`,
      )
    }
    if (at > signedAt.getTime() + claim.expiresIn * 1000) {
      const expiry = amzDateOf(new Date(signedAt.getTime() + claim.expiresIn * 1000))
      throw new EmulatorError(
        'ExpiredCredentials',
        `Signature expired: ${expiry} is now earlier than ${amzDateOf(now)}.`,
        {
          presigned: true,
          expires: expiry,
          serverTime: amzDateOf(now),
        },
      )
    }
    if (signedAt.getTime() - at > CLOCK_SKEW_MS) {
      throw notYetCurrent(claim, now)
    }
    return
  }
  if (at - signedAt.getTime() > CLOCK_SKEW_MS) {
    const earliest = amzDateOf(new Date(at - CLOCK_SKEW_MS))
    throw new EmulatorError(
      'ExpiredCredentials',
      `Signature expired: ${claim.amzDate} is now earlier than ${earliest} (${amzDateOf(now)} - 15 min.)`,
    )
  }
  if (signedAt.getTime() - at > CLOCK_SKEW_MS) throw notYetCurrent(claim, now)
}

function notYetCurrent(claim: SigV4Claim, now: Date): EmulatorError {
  const latest = amzDateOf(new Date(now.getTime() + CLOCK_SKEW_MS))
  return new EmulatorError(
    'ExpiredCredentials',
    `Signature not yet current: ${claim.amzDate} is still later than ${latest} (${amzDateOf(now)} + 15 min.)`,
  )
}

function defaultRoot(core: Core): Principal {
  const account = core.defaultAccount(AWS_REALM)
  if (!account) throw new EmulatorError('UnknownCredentials', 'No AWS account is seeded to serve this request.')
  return { accountId: account.id, userId: null, keyId: null }
}
