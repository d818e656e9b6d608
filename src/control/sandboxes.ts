import { readFileSync } from 'node:fs'
import * as z from 'zod'
import type { Core } from '../core/core.js'
import { EmulatorError } from '../core/errors.js'
import type { Ids } from '../core/ids.js'
import type { SandboxInfo } from '../core/sandboxes.js'
import { SeedSchema, seedState } from '../core/seed.js'
import { AWS_KEY_SHAPE } from '../protocol/aws/key-shape.js'
import { defaultSeedFile } from '../version.js'

type SeedFile = z.output<typeof SeedSchema>
type SeedAccount = SeedFile['accounts'][number]

// Schemas are z.lazy: each is built on its first use, not at every start (why: src/protocol/aws/validation.ts).
/** What POST /_emu/reset takes: nothing (the whole state) or one sandbox's id. */
export const ResetOptions = z.lazy(() => z.strictObject({ sandbox: z.string().min(1).max(64).optional() }))

/** The most sandboxes kept at once: a suite that forgets to delete its own is told, not left to grow. */
export const MAX_SANDBOXES = 1000

/** What a new sandbox's holder is given once, in the words of each provider's clients. */
export interface SandboxCredentials {
  aws: { accountId: string; accessKeyId: string; secretAccessKey: string }
  linode: { accountId: string; token: string; tokens: { label: string; scopes: string[]; token: string }[] }
  bird: { organizationId: string; accessKeyId: string; token: string }
  tigris: { providerId: string; signingKey: string; orgId: string }
}

/** The answer to creating a sandbox: the only one that carries its secrets. */
export interface SandboxCreated extends SandboxInfo {
  credentials: SandboxCredentials
}

// The realms of the default seed's accounts, as the dialects name them.
const AWS_REALM = 'aws'
const LINODE_REALM = 'linode'
const BIRD_REALM = 'bird'
const TIGRIS_REALM = 'tigris'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const AWS_ACCOUNT_ID = /^\d{12}$/
const SECRET_LENGTH = 40

/**
 * The template's accounts again, with every id renewed in its own shape (a UUID, a 12-digit AWS
 * account id, an AWS key id; any other id gets the sandbox's suffix) and every secret drawn afresh.
 * Names, regions, policies and buckets stay: they are the sandbox's own.
 */
export function renewedSeed(template: SeedFile, ids: Ids, suffix: string): SeedFile {
  const secret = () => ids.token('', SECRET_LENGTH, 'base62')
  const renewedIds = new Map<string, string>()
  const renewId = (id: string) => {
    if (UUID.test(id)) return ids.uuid()
    if (AWS_ACCOUNT_ID.test(id)) return ids.token('', 12, 'digits')
    return `${id}-${suffix}`
  }
  for (const account of template.accounts) renewedIds.set(account.id, renewId(account.id))
  const renewKey = <K extends { accessKeyId: string; secretAccessKey: string; namespace?: string | undefined }>(
    key: K,
    realm: string,
  ): K => {
    const aws = (key.namespace ?? realm) === AWS_REALM
    return {
      ...key,
      accessKeyId: aws
        ? ids.token(AWS_KEY_SHAPE.idPrefix, AWS_KEY_SHAPE.idLength, 'base32')
        : UUID.test(key.accessKeyId)
          ? ids.uuid()
          : `${key.accessKeyId}-${suffix}`,
      secretAccessKey: aws ? ids.token('', SECRET_LENGTH, 'secret') : secret(),
    }
  }
  const accounts = template.accounts.map(
    (a): SeedAccount => ({
      ...structuredClone(a),
      id: renewedIds.get(a.id) as string,
      ...(a.parent !== undefined && { parent: renewedIds.get(a.parent) ?? a.parent }),
      ...(a.signingKey !== undefined && { signingKey: secret() }),
      rootKeys: a.rootKeys.map((k) => renewKey(k, a.realm)),
      tokens: a.tokens.map((t) => ({ ...t, scopes: [...t.scopes], token: secret() })),
      policies: a.policies.map(({ id, ...p }) => ({ ...p, ...(id !== undefined && { id: renewId(id) }) })),
      users: a.users.map((u) => ({ ...structuredClone(u), keys: u.keys.map((k) => renewKey(k, a.realm)) })),
    }),
  )
  return { accounts }
}

/** The credentials a test needs, per provider, from a sandbox's seed. */
function credentialsOf(seed: SeedFile): SandboxCredentials {
  const of = (realm: string, test: (a: SeedAccount) => boolean = () => true) => {
    const found = seed.accounts.find((a) => a.realm === realm && test(a))
    if (!found) throw new EmulatorError('Internal', `The sandbox template has no ${realm} account.`)
    return found
  }
  const aws = of(AWS_REALM, (a) => a.rootKeys.length > 0)
  const linode = of(LINODE_REALM, (a) => a.tokens.length > 0)
  const bird = of(BIRD_REALM, (a) => a.rootKeys.length > 0)
  const provider = of(TIGRIS_REALM, (a) => a.signingKey !== undefined)
  const org = of(TIGRIS_REALM, (a) => a.parent === provider.id)
  const [awsKey] = aws.rootKeys
  const [birdKey] = bird.rootKeys
  const tokens = linode.tokens.map(({ label, scopes, token }) => ({ label, scopes, token }))
  return {
    aws: { accountId: aws.id, accessKeyId: awsKey?.accessKeyId ?? '', secretAccessKey: awsKey?.secretAccessKey ?? '' },
    linode: { accountId: linode.id, token: tokens[0]?.token ?? '', tokens },
    bird: { organizationId: bird.id, accessKeyId: birdKey?.accessKeyId ?? '', token: birdKey?.secretAccessKey ?? '' },
    tigris: { providerId: provider.id, signingKey: provider.signingKey ?? '', orgId: org.id },
  }
}

let defaultTemplate: SeedFile | undefined
const template = (): SeedFile => {
  defaultTemplate ??= SeedSchema.parse(JSON.parse(readFileSync(defaultSeedFile, 'utf8')))
  return defaultTemplate
}

/**
 * Sandboxes: isolated tenants seeded like the default seed (an AWS account and root key, a Linode
 * account and tokens, a Bird organization and key, a Tigris provider with its signing key and an
 * org), each with fresh ids and secrets, made and removed in one change each.
 *
 * @example const { id, credentials } = await createSandboxes(core).create(); await sandboxes.delete(id)
 */
export function createSandboxes(core: Core) {
  const { ids, clock } = core.ctx
  const seeded = (seed: SeedFile) => seedState(seed, { ids, clock })
  return {
    async create(): Promise<SandboxCreated> {
      const suffix = ids.token('', 12, 'base32').toLowerCase()
      const seed = renewedSeed(template(), ids, suffix)
      const contents = await seeded(seed)
      const info = await core.createSandbox({ id: `sbx-${suffix}`, seed, contents, max: MAX_SANDBOXES })
      return { ...info, credentials: credentialsOf(seed) }
    },
    /** Every sandbox with its accounts, never a secret. */
    list: (): SandboxInfo[] => core.listSandboxes(),
    /** Remove the sandbox and all it holds; its credentials stop working at once. */
    delete: (id: string): Promise<void> => core.deleteSandbox(id),
    /** Seed the sandbox afresh, with the credentials it was created with. */
    async reset(id: string): Promise<void> {
      const seed = core.sandboxSeed(id) as SeedFile
      await core.resetSandbox(id, await seeded(seed))
    },
  }
}

export type Sandboxes = ReturnType<typeof createSandboxes>
