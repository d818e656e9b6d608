import type { CredentialInfo } from '../control/credentials.js'
import type { AuthMode } from '../protocol/route.js'

export interface BannerInfo {
  version: string
  url: string
  auth: AuthMode
  dialects: string[]
  credentials: CredentialInfo[]
  controlToken: boolean
}

const MODES: Record<AuthMode, string> = {
  strict: 'strict (signatures, tokens and policies enforced; denied calls refused)',
  audit: 'audit (evaluated as strict, but denied calls go through, logged and journalled as would-be denials)',
  off: 'off (nothing enforced: any well-formed call acts as its realm’s first account)',
}

const KINDS: Record<CredentialInfo['kind'], string> = {
  'access-key': 'access key',
  token: 'token',
  'signing-key': 'signing key of',
}

// `aws access key test (account 000000000000)`; a signing key is named by its account already.
const described = (c: CredentialInfo) =>
  `${c.family} ${KINDS[c.kind]} ${c.name}${c.accountId === c.name ? '' : ` (account ${c.accountId})`}`

/**
 * What a person starting keyemu at a terminal reads first: the mode in force, the dialects served
 * and the seeded credentials (named, never their secrets), so nobody wonders whether enforcement is on.
 *
 * @example process.stdout.write(banner({ version, url, auth: 'strict', dialects, credentials, controlToken: false }))
 */
export function banner(info: BannerInfo): string {
  const indent = ' '.repeat(12)
  const credentials = info.credentials.map((c, i) => `${i === 0 ? '' : indent}${described(c)}`)
  const lines = [
    `keyemu ${info.version} on ${info.url}`,
    `  auth      ${MODES[info.auth]}`,
    `  dialects  ${info.dialects.join(', ')}`,
    `  seeded    ${credentials.length > 0 ? credentials.join('\n') : 'no credentials'}`,
    `  control   ${info.url}/_emu/ ${info.controlToken ? '(control token required)' : '(no control token: keep the port on loopback)'}`,
  ]
  return `${lines.join('\n')}\n\n`
}
