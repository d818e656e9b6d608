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
