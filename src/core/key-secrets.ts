import type { CoreContext } from './context.js'
import { keyWithSecret } from './indexes.js'
import type { AccessKey } from './model.js'
import { entry } from './store.js'

/** @example const { findKeyBySecret } = keySecretOps(ctx) */
export function keySecretOps(ctx: CoreContext) {
  return {
    /**
     * The key of a namespace whose secret this is, for providers whose callers send the secret alone
     * as a bearer token; undefined when there is none.
     */
    findKeyBySecret(namespace: string, secret: string): Readonly<AccessKey> | undefined {
      return ctx.store.read((state) => keyWithSecret(state, namespace, secret))
    },

    /**
     * The last `length` characters of a key's secret, which some providers show with every key so
     * that it can be recognised without the secret; undefined for a key not of this namespace.
     */
    secretSuffix(namespace: string, keyId: string, length: number): string | undefined {
      return ctx.store.read((state) => {
        const key = entry(state.accessKeys, keyId)
        return key?.namespace === namespace ? key.secret.slice(-length) : undefined
      })
    },
  }
}
