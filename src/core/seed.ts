import * as z from 'zod'
import type { Clock } from './clock.js'
import { createCore } from './core.js'
import { EmulatorError } from './errors.js'
import type { Ids } from './ids.js'
import type { State } from './model.js'
import { parsePolicyDocument } from './policy-document.js'
import { openStore } from './store.js'

// The seed file format (documented in the README). Documents may be given as JSON objects or strings.
const document = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .transform((d) => (typeof d === 'string' ? d : JSON.stringify(d)))
const tag = z.object({ key: z.string().min(1), value: z.string() }).strict()
const seedKey = z
  .object({
    accessKeyId: z.string().min(1),
    secretAccessKey: z.string().min(1),
    /** The key namespace; the account's realm when left out (an AWS account's keys are IAM keys). */
    namespace: z.string().min(1).optional(),
    status: z.enum(['Active', 'Inactive']).default('Active'),
  })
  .strict()
// An account's own keys may also carry a name and roles (the account's policies, by name).
const seedRootKey = seedKey
  .extend({
    label: z.string().min(1).optional(),
    description: z.string().min(1).optional(),
    policies: z.array(z.string().min(1)).optional(),
  })
  .strict()
const seedUser = z
  .object({
    name: z.string().min(1).max(64),
    path: z.string().default('/'),
    tags: z.array(tag).default([]),
    keys: z.array(seedKey).max(2).default([]),
    inlinePolicies: z.record(z.string(), document).default({}),
    attachedPolicies: z.array(z.string()).default([]),
  })
  .strict()
const seedAccount = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    realm: z.string().min(1),
    /** The id of the account that manages this one; seeded before it. */
    parent: z.string().min(1).optional(),
    /** The shared secret this account's holder signs management calls with. */
    signingKey: z.string().min(1).optional(),
    regions: z
      .array(
        z
          .object({
            id: z.string().min(1),
            alias: z.string().optional(),
            s3Endpoint: z.string().optional(),
            endpointType: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    rootKeys: z.array(seedRootKey).max(2).default([]),
    tokens: z
      .array(
        z
          .object({ token: z.string().min(1), label: z.string().default('seeded'), scopes: z.array(z.string()).min(1) })
          .strict(),
      )
      .default([]),
    policies: z
      .array(
        z
          .object({
            id: z.string().min(1).optional(),
            name: z.string().min(1),
            path: z.string().default('/'),
            description: z.string().optional(),
            document,
          })
          .strict(),
      )
      .default([]),
    users: z.array(seedUser).default([]),
    buckets: z
      .array(
        z
          .object({
            name: z.string().min(1),
            region: z.string().min(1),
            settings: z.record(z.string(), z.unknown()).default({}),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
export const SeedSchema = z.object({ $schema: z.string().optional(), accounts: z.array(seedAccount) }).strict()
export type Seed = z.input<typeof SeedSchema>

/**
 * Build a state from a seed through the core's own operations, so a seed obeys the same rules as
 * API calls. A bad seed throws InvalidInput naming the field (`accounts.0.users.1.name`).
 *
 * @example const state = await seedState(JSON.parse(readFileSync('seeds/default.json', 'utf8')))
 */
export async function seedState(raw: unknown, deps: { clock?: Clock; ids?: Ids } = {}): Promise<State> {
  // Parsed once: compiling zod's fast path for each of its objects would cost more than it saves.
  const parsed = SeedSchema.safeParse(raw, { jitless: true })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue?.path.join('.') || '(root)'
    throw new EmulatorError('InvalidInput', `${field}: ${issue?.message ?? 'invalid'}`, { field })
  }
  const store = await openStore()
  const core = createCore({ store, ...deps })
  for (const [i, account] of parsed.data.accounts.entries()) {
    const at = (field: string) => `accounts.${i}.${field}`
    await guard(at('policies'), () => {
      for (const p of account.policies) parsePolicyDocument(p.document)
    })
    const parent = account.parent
    if (parent !== undefined && !parsed.data.accounts.slice(0, i).some((a) => a.id === parent)) {
      throw new EmulatorError('InvalidInput', `${at('parent')}: account ${parent} must be seeded before it.`, {
        field: at('parent'),
      })
    }
    await core.createAccount({
      id: account.id,
      name: account.name,
      realm: account.realm,
      regions: account.regions,
      ...(parent !== undefined && { parentId: parent }),
      ...(account.signingKey !== undefined && { signingKey: account.signingKey }),
    })
    for (const [k, key] of account.rootKeys.entries()) {
      const { accessKeyId, secretAccessKey, namespace = account.realm, status } = key
      await guard(at(`rootKeys.${k}`), () =>
        core.importAccessKey({ accountId: account.id, userId: null, namespace, accessKeyId, secretAccessKey, status }),
      )
    }
    for (const [t, token] of account.tokens.entries()) {
      await guard(at(`tokens.${t}`), () => core.addToken({ accountId: account.id, ...token }))
    }
    for (const [p, policy] of account.policies.entries()) {
      await guard(at(`policies.${p}`), () => core.createPolicy({ accountId: account.id, ...policy }))
    }
    // Labels and policies of root keys once the policies exist.
    for (const [k, key] of account.rootKeys.entries()) {
      if (key.label === undefined && key.description === undefined && key.policies === undefined) continue
      await guard(at(`rootKeys.${k}`), () => {
        const filter = { namespace: key.namespace ?? account.realm, accountId: account.id }
        const policyIds = key.policies?.map((name) => {
          const path = account.policies.find((p) => p.name === name)?.path ?? '/'
          return core.getPolicy(account.id, { path, name }).id
        })
        return core.updateAccessKey(filter, key.accessKeyId, {
          ...(key.label !== undefined && { label: key.label }),
          ...(key.description !== undefined && { description: key.description }),
          ...(policyIds && { policyIds }),
        })
      })
    }
    for (const [u, user] of account.users.entries()) {
      await guard(at(`users.${u}`), async () => {
        const created = await core.createUser({
          accountId: account.id,
          name: user.name,
          path: user.path,
          tags: user.tags,
        })
        for (const key of user.keys)
          await core.importAccessKey({ accountId: account.id, userId: created.id, namespace: account.realm, ...key })
        for (const [name, doc] of Object.entries(user.inlinePolicies))
          await core.putUserPolicy(account.id, user.name, name, doc)
        for (const name of user.attachedPolicies) {
          const policy = account.policies.find((p) => p.name === name)
          await core.attachUserPolicy(account.id, user.name, { path: policy?.path ?? '/', name })
        }
      })
    }
    for (const [b, bucket] of account.buckets.entries()) {
      await guard(at(`buckets.${b}`), () => core.createBucket({ accountId: account.id, ...bucket, uniqueIn: 'region' }))
    }
  }
  return store.snapshot()
}

async function guard(field: string, work: () => unknown): Promise<void> {
  try {
    await work()
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    throw new EmulatorError('InvalidInput', `${field}: ${message}`, { field })
  }
}
