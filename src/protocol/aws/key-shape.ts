import type { KeyShape } from '../../core/access-keys.js'

/**
 * AWS access keys: AKIA + 16 base32 characters (20 in all, as the IAMAccessKeyId shape) and
 * 40-character secrets, for every AWS dialect.
 *
 * @example core.createAccessKey({ accountId, userId, shape: AWS_KEY_SHAPE })
 */
export const AWS_KEY_SHAPE: KeyShape = {
  idPrefix: 'AKIA',
  idLength: 16,
  idAlphabet: 'base32',
  secretAlphabet: 'secret',
}

/** The key namespace of IAM's long-term keys (users' and the account root's); also the AWS realm's name. */
export const IAM_KEYS = 'aws'
/** The key namespace of Lightsail's bucket access keys: AWS credentials too, confined to their bucket. */
export const LIGHTSAIL_BUCKET_KEYS = 'lightsail'
/** The key namespaces whose keys sign AWS requests: any other key is unknown to an AWS service. */
export const AWS_CREDENTIALS: readonly string[] = [IAM_KEYS, LIGHTSAIL_BUCKET_KEYS]
