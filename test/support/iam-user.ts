import type { AccessKey, User } from '../../src/core/model.js'
import { AWS_KEY_SHAPE, IAM_KEYS } from '../../src/protocol/aws/key-shape.js'
import type { Transport } from './transports.js'

export const ACCOUNT = '000000000000'

/** A new IAM user of the default account with no policies and one access key, made through the core. */
export async function userWithKey(t: Transport, name: string): Promise<{ user: User; key: AccessKey }> {
  const user = await t.core.createUser({ accountId: ACCOUNT, name })
  const key = await t.core.createAccessKey({
    namespace: IAM_KEYS,
    accountId: ACCOUNT,
    userId: user.id,
    shape: AWS_KEY_SHAPE,
  })
  return { user, key }
}
