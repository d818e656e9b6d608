import type { State } from '../core/model.js'
import { entry } from '../core/store.js'

/** A credential a state holds, named without its secret. */
export interface CredentialInfo {
  kind: 'access-key' | 'token' | 'signing-key'
  /** The key namespace (which dialect takes it) or, for a token or a signing key, its account's realm. */
  family: string
  accountId: string
  /** An access key's id; a token's label (a token is its own secret); a signing key's account (a Tigris provider id). */
  name: string
}

/**
 * The credentials of a state, never their secrets: what the ready line and /_emu/health list so
 * that nobody wonders which keys the emulator was seeded with.
 *
 * @example seededCredentials(state) // [{ kind: 'access-key', family: 'aws', accountId: '000000000000', name: 'test' }]
 */
export function seededCredentials(state: State): CredentialInfo[] {
  const keys = Object.values(state.accessKeys).map((k) => ({
    kind: 'access-key' as const,
    family: k.namespace,
    accountId: k.accountId,
    name: k.id,
  }))
  const tokens = Object.values(state.tokens).map((t) => ({
    kind: 'token' as const,
    family: entry(state.accounts, t.accountId)?.realm ?? '',
    accountId: t.accountId,
    name: t.label,
  }))
  const signingKeys = Object.values(state.accounts).flatMap((a) =>
    a.signingKey === undefined ? [] : [{ kind: 'signing-key' as const, family: a.realm, accountId: a.id, name: a.id }],
  )
  return [...keys, ...tokens, ...signingKeys]
}
