import type { Bodies } from './bodies.js'
import type { Clock } from './clock.js'
import { EmulatorError, echo } from './errors.js'
import type { Ids } from './ids.js'
import { userNamed } from './indexes.js'
import type { Account, State, User } from './model.js'
import { entry, type Store } from './store.js'

/** What every core operation works with. */
export interface CoreContext {
  store: Store
  clock: Clock
  ids: Ids
  /** Where object bodies are kept. */
  bodies: Bodies
}

// The last time written, kept so that entities made in the same millisecond (a seed, a bulk load)
// share one string rather than each holding its own copy of it.
let lastTime = { ms: Number.NaN, iso: '' }

export const nowIso = (ctx: CoreContext): string => {
  const now = ctx.clock.now()
  if (now.getTime() !== lastTime.ms) lastTime = { ms: now.getTime(), iso: now.toISOString() }
  return lastTime.iso
}

/** @example requireAccount(state, principal.accountId) */
export function requireAccount(state: Readonly<State>, accountId: string): Account {
  const account = entry(state.accounts, accountId)
  if (!account) throw new EmulatorError('NotFound', `The account ${accountId} cannot be found.`, { entity: 'account' })
  return account
}

/** A user of the account by name; names are unique regardless of case. */
export function findUserByName(state: Readonly<State>, accountId: string, name: string): User | undefined {
  return userNamed(state, accountId, name)
}

/** @example requireUser(state, accountId, 'bob') // throws NotFound naming bob */
export function requireUser(state: Readonly<State>, accountId: string, name: string): User {
  const user = findUserByName(state, accountId, name)
  if (!user)
    throw new EmulatorError('NotFound', `The user with name ${echo(name)} cannot be found.`, { entity: 'user', name })
  return user
}
