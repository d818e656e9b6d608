import { readFileSync, writeFileSync } from 'node:fs'
import type { Seed } from '../core/seed.js'
import { dialects } from '../dialects.js'
import { defaultSeedFile } from '../version.js'

/** The realm of accounts each served dialect serves (an account's `realm` in a seed). */
export const realmOfDialect: Readonly<Record<string, string>> = Object.fromEntries(
  dialects.map((d) => [d.name, d.realm]),
)

/** Every secret in starter seeds starts with this, so a user can find each one to replace. */
export const PLACEHOLDER = 'change-me-'

type SeedAccount = Seed['accounts'][number]

/**
 * The default seed's accounts that the named dialects serve, each secret (key secret, bearer token,
 * signing key) replaced by a placeholder starting with `change-me-`.
 *
 * @example starterSeed(['linode']).accounts.map((a) => a.realm) // ['linode']
 */
export function starterSeed(dialectNames: string[]): Seed {
  const realms = new Set(dialectNames.map((name) => realmOfDialect[name]))
  const defaults = JSON.parse(readFileSync(defaultSeedFile, 'utf8')) as Seed
  const accounts = defaults.accounts
    .filter((account) => realms.has(account.realm))
    .map((account): SeedAccount => {
      const secret = (what: string) => `${PLACEHOLDER}${account.realm}-${what}`
      return {
        ...account,
        ...(account.rootKeys && {
          rootKeys: account.rootKeys.map((key, i) => ({ ...key, secretAccessKey: secret(`root-secret-${i + 1}`) })),
        }),
        ...(account.tokens && {
          tokens: account.tokens.map((token, i) => ({ ...token, token: secret(`token-${i + 1}`) })),
        }),
        ...(account.signingKey && { signingKey: secret('signing-key') }),
      }
    })
  return { accounts }
}

/**
 * `keyemu init`: write a starter seed to `file` (refusing to replace one unless `force`) and return
 * what to tell the user: what was written, what to change, how to start with it.
 */
export function writeStarterSeed(file: string, options: { dialects: string[]; force: boolean }): string {
  const seed = starterSeed(options.dialects)
  try {
    writeFileSync(file, `${JSON.stringify(seed, null, 2)}\n`, { flag: options.force ? 'w' : 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new Error(`${file} exists; pass --force to overwrite it.`)
    throw err
  }
  const accounts = seed.accounts.map((a) => {
    const served = options.dialects.filter((name) => realmOfDialect[name] === a.realm)
    return `  ${a.id} (${a.name}), realm ${a.realm}: ${served.join(', ')}`
  })
  return [
    `Wrote ${file} with ${seed.accounts.length} account(s):`,
    ...accounts,
    `Replace every value starting with "${PLACEHOLDER}" by the credentials your code under test uses.`,
    `Then start keyemu on it: npx keyemu --seed ${file}   (or KEYEMU_SEED=${file})`,
    '',
  ].join('\n')
}
