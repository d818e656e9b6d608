import type { Core } from '../../core/core.js'
import { EmulatorError } from '../../core/errors.js'
import { type Principal, principalOfKey } from '../../core/principals.js'
import type { AuthContext } from '../route.js'
import { AWS_CREDENTIALS } from './key-shape.js'
import { parseAmzDate, readSigV4, verifySigV4 } from './sigv4.js'

/** The realm of the AWS accounts every AWS dialect serves. */
export const AWS_REALM = 'aws'

export interface SigV4Expectation {
  /** The signing name the credential scope must carry. */
  service: string
}

/**
 * Check a SigV4-signed request against the stored secret of the key that signed it and name the
 * caller (with where the key is used, recorded once the call succeeds). With auth off, every request is the default AWS account's root.
 *
 * @example authenticate: (ctx) => authenticateSigV4(ctx, { service: 'iam' })
 */
export async function authenticateSigV4(ctx: AuthContext, expect: SigV4Expectation): Promise<Principal> {
  if (ctx.auth === 'off') return defaultRoot(ctx.core)
  const claim = readSigV4(ctx.req)
  if (claim === undefined) {
    throw new EmulatorError('MissingCredentials', 'Request is missing Authentication Token')
  }
  if (typeof claim === 'string') throw new EmulatorError('InvalidSignature', claim, { wireCode: 'IncompleteSignature' })
  const key = ctx.core.findKeyForAuth(AWS_CREDENTIALS, claim.accessKeyId)
  if (key?.status !== 'Active') {
    throw new EmulatorError('UnknownCredentials', 'The security token included in the request is invalid.')
  }
  if (claim.service !== expect.service) {
    throw new EmulatorError('InvalidSignature', `Credential should be scoped to correct service: '${expect.service}'.`)
  }
  if (!(await verifySigV4(ctx.req, claim, key.secret))) {
    throw new EmulatorError(
      'InvalidSignature',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    )
  }
  if (claim.expiresIn !== undefined) {
    const signedAt = parseAmzDate(claim.amzDate)?.getTime() ?? 0
    const now = ctx.core.now()
    if (now.getTime() > signedAt + claim.expiresIn * 1000) {
      throw new EmulatorError('InvalidSignature', `Signature expired: ${claim.amzDate} is now earlier than the expiry.`)
    }
  }
  return { ...principalOfKey(key), keyUse: { service: claim.service, region: claim.region } }
}

function defaultRoot(core: Core): Principal {
  const account = core.defaultAccount(AWS_REALM)
  if (!account) throw new EmulatorError('UnknownCredentials', 'No AWS account is seeded to serve this request.')
  return { accountId: account.id, userId: null, keyId: null }
}
