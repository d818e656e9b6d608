import type { CoreContext } from './context.js'
import { EmulatorError, echo } from './errors.js'
import { keyCountOfPolicy, policiesOf } from './indexes.js'
import type { ManagedPolicy, State } from './model.js'
import { entry } from './store.js'

// Providers whose keys carry roles (a set of permissions of the account) keep them as the account's
// managed policies, attached to the key by id and judged by the one evaluator.

/** The account's managed policy with this id, if any. */
export function policyOfAccount(state: Readonly<State>, accountId: string, id: string): ManagedPolicy | undefined {
  const policy = entry(state.policies, id)
  return policy?.accountId === accountId ? policy : undefined
}

/**
 * Throws NotFound (with the `index` of the first bad id) unless every id names a managed policy of
 * the account.
 *
 * @example requireAccountPolicies(state, accountId, ['5f0c…'])
 */
export function requireAccountPolicies(state: Readonly<State>, accountId: string, ids: readonly string[]): void {
  const index = ids.findIndex((id) => !policyOfAccount(state, accountId, id))
  if (index >= 0) {
    throw new EmulatorError('NotFound', `The policy ${echo(ids[index] ?? '')} is not a policy of this account.`, {
      entity: 'policy',
      index,
    })
  }
}

/** @example const { findPolicyById } = keyPolicyOps(ctx) */
export function keyPolicyOps(ctx: CoreContext) {
  return {
    /** The account's managed policy with this id, if any. */
    findPolicyById(accountId: string, id: string): ManagedPolicy | undefined {
      return ctx.store.read((state) => policyOfAccount(state, accountId, id))
    },

    /** Every managed policy of the account, with how many keys each is attached to. */
    policiesOfAccount(accountId: string): (ManagedPolicy & { keyCount: number })[] {
      return ctx.store.read((state) =>
        policiesOf(state, accountId).map((p) => ({ ...p, keyCount: keyCountOfPolicy(state, p.id) })),
      )
    },
  }
}
