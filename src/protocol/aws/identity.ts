import { createHash } from 'node:crypto'
import type { Core } from '../../core/core.js'
import type { Principal } from '../../core/principals.js'
import { rootArn, userArn } from './arn.js'
import { LIGHTSAIL_BUCKET_KEYS } from './key-shape.js'

/** Who AWS says a caller is: STS GetCallerIdentity's three fields, and the ARN its denials name. */
export interface CallerIdentity {
  account: string
  arn: string
  userId: string
}

/**
 * The account in which Lightsail keeps the IAM users behind bucket access keys. Lightsail's is not
 * published; this placeholder only has to differ from the customer's accounts (dialects/sts/README.md).
 */
export const LIGHTSAIL_SERVICE_ACCOUNT = '999999999999'

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

// An IAM user id (AIDA + 17) that stays the same for one bucket and differs for a bucket made again
// under the same name, as a recreated IAM user's id does.
function managedUserId(bucketId: string): string {
  const digest = createHash('sha256').update(bucketId).digest()
  let id = 'AIDA'
  for (let i = 0; i < 17; i++) id += BASE32[(digest[i] as number) % 32]
  return id
}

/**
 * The identity behind a caller: the account root (UserId = account id), an IAM user (its ARN and
 * AIDA id), or, for a Lightsail bucket key, the IAM user Lightsail manages for that bucket in its own
 * service account (one user per bucket: Lightsail's two keys per bucket are IAM's two keys per user).
 *
 * @example callerIdentity(core, principal).arn // 'arn:aws:iam::000000000000:user/alice'
 */
export function callerIdentity(core: Core, principal: Principal): CallerIdentity {
  const key = principal.keyId ? core.findKeyForAuth([LIGHTSAIL_BUCKET_KEYS], principal.keyId) : undefined
  if (key?.bucketId !== undefined) {
    const bucket = key.scope?.grants[0]?.bucket ?? key.bucketId
    return {
      account: LIGHTSAIL_SERVICE_ACCOUNT,
      arn: userArn(LIGHTSAIL_SERVICE_ACCOUNT, '/lightsail/', bucket),
      userId: managedUserId(key.bucketId),
    }
  }
  const user = principal.userId ? core.getUserById(principal.userId) : undefined
  if (user) return { account: user.accountId, arn: userArn(user.accountId, user.path, user.name), userId: user.id }
  return { account: principal.accountId, arn: rootArn(principal.accountId), userId: principal.accountId }
}
