import type { Core } from '../../src/core/core.js'
import { EmulatorError, echo } from '../../src/core/errors.js'
import type { NamedPolicy } from '../../src/core/evaluator.js'
import { boundedCache } from '../../src/core/memo.js'
import type { Account } from '../../src/core/model.js'
import { type Principal, principalOfKey } from '../../src/core/principals.js'
import { type HmacHeaderNames, hmacClaim, NonceCache, verifyHmacClaim } from '../../src/protocol/rest/hmac-headers.js'
import type { AuthContext, AuthorizationRules, Permission, RouteContext } from '../../src/protocol/route.js'
import { TIGRIS_KEYS } from '../../src/protocol/storage-keys.js'

/** The realm of the partner (provider) accounts and of the organizations they manage. */
export const TIGRIS_REALM = 'tigris'

export const SIGNED_HEADERS: HmacHeaderNames = {
  time: 'x-tigris-time',
  nonce: 'x-tigris-nonce',
  signature: 'x-tigris-signature',
}

// The spec documents no replay window; five minutes either way, and a nonce once within it.
const WINDOW_MS = 5 * 60 * 1000
const nonceCaches = new WeakMap<Core, NonceCache>()
const noncesOf = (core: Core) => {
  let cache = nonceCaches.get(core)
  if (!cache) {
    cache = new NonceCache(WINDOW_MS)
    nonceCaches.set(core, cache)
  }
  return cache
}

// The spec's paths are /v1/providers/{provider_id}/...; its signing example shows /provider/{provider_id}/...
const PROVIDER_IN_PATH = /^\/(?:v1\/providers|provider)\/([^/]+)/

function providerIdOf(path: string): string | undefined {
  const raw = PROVIDER_IN_PATH.exec(path)?.[1]
  try {
    return raw === undefined ? undefined : decodeURIComponent(raw)
  } catch {
    return undefined
  }
}

/**
 * The partner named in the path, once the request's X-Tigris-* signature by that partner's signing
 * key checks out. With auth off, the partner named in the path (or the first seeded one), unchecked.
 */
export function authenticate(ctx: AuthContext): Principal {
  const providerId = providerIdOf(ctx.req.url.pathname)
  if (ctx.auth === 'off') {
    const provider =
      (providerId !== undefined && ctx.core.signer(TIGRIS_REALM, providerId)) || ctx.core.signer(TIGRIS_REALM)
    if (!provider) throw new EmulatorError('UnknownCredentials', 'No Tigris provider is seeded to serve this request.')
    return { accountId: provider.id, userId: null, keyId: null }
  }
  const claim = hmacClaim(ctx.req, SIGNED_HEADERS)
  const provider = providerId === undefined ? undefined : ctx.core.signer(TIGRIS_REALM, providerId)
  if (!provider?.signingKey) {
    throw new EmulatorError(
      'UnknownCredentials',
      `Unknown provider ${echo(providerId ?? '')}: no signing key is issued to it.`,
    )
  }
  verifyHmacClaim(ctx.req, claim, {
    key: provider.signingKey,
    now: ctx.core.now().getTime(),
    windowMs: WINDOW_MS,
    nonces: noncesOf(ctx.core),
    names: SIGNED_HEADERS,
  })
  return { accountId: provider.id, userId: null, keyId: null }
}

/** The organization the path names, among those of the calling partner. */
export function orgOf(ctx: RouteContext<unknown>): Readonly<Account> {
  const id = ctx.params.orgId ?? ''
  const org = ctx.core.findManagedAccount(ctx.principal.accountId, id)
  if (!org) throw new EmulatorError('NotFound', `Organization ${echo(id)} not found.`, { entity: 'org' })
  return org
}

// Resources of the management API. User ids are escaped so that one holding * or ? matches only itself.
const escaped = (id: string) => encodeURIComponent(id).replace(/\*/g, '%2A')
export const orgResource = (orgId: string) => `tigris:org/${escaped(orgId)}`
export const userResource = (orgId: string, userId: string) => `${orgResource(orgId)}/user/${escaped(userId)}`
export const keyResource = (orgId: string, holder: string, keyId: string) =>
  `${userResource(orgId, holder)}/key/${escaped(keyId)}`
/** The permission to make a key for the acting user: every user may, for itself. */
export const forNewKey =
  (action: string) =>
  (ctx: RouteContext<{ user_id: string }>): Permission => ({
    action,
    resource: keyResource(ctx.params.orgId ?? '', ctx.input.user_id, 'new'),
  })

/** Every user's keys of the org at once. */
export const allKeysResource = (orgId: string) => `${orgResource(orgId)}/keys`

interface Actor {
  user_id: string
  user_role?: 'Admin' | 'Member' | undefined
}

const actorOf = (input: unknown): Actor | undefined =>
  typeof input === 'object' && input !== null && typeof (input as Actor).user_id === 'string'
    ? (input as Actor)
    : undefined

/**
 * What the end user a partner names may do through the management API, as a policy: an Admin
 * everything in the org, a Member (also when user_role is left out) only its own keys.
 */
export function actorPolicy(orgId: string, actor: Actor): NamedPolicy {
  // Kept per org, role and user, so that the evaluator compiles each once (its cache is by statement).
  const id = `${orgId}\n${actor.user_role ?? 'Member'}\n${actor.user_id}`
  return actorPolicies(id, () => newActorPolicy(orgId, actor))
}

const actorPolicies = boundedCache<NamedPolicy>(1000)

function newActorPolicy(orgId: string, actor: Actor): NamedPolicy {
  const resources =
    actor.user_role === 'Admin'
      ? [orgResource(orgId), `${orgResource(orgId)}/*`]
      : [`${userResource(orgId, actor.user_id)}/*`]
  return {
    name: `user_role ${actor.user_role ?? 'Member'}`,
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['tigris:*'], Resource: resources }] },
  }
}

/**
 * The partner is judged as the end user it names, when it names one: that user's role, as a policy,
 * limits the call. A provider id (or a Tigris access key id) names the caller to explain.
 */
export const authorization: AuthorizationRules = {
  request: (_ctx, permission) => permission,
  principal(ctx) {
    const actor = actorOf(ctx.input)
    return actor ? { ...ctx.principal, actingAs: actorPolicy(ctx.params.orgId ?? '', actor) } : ctx.principal
  },
  denial(ctx, { action }) {
    const actor = actorOf(ctx.input)
    return new EmulatorError(
      'Forbidden',
      `User ${echo(actor?.user_id ?? '')} with user_role ${actor?.user_role ?? 'Member'} may not ${action.replace('tigris:', '')} here: a Member manages only its own access keys.`,
    )
  },
  caller(core, { accessKeyId }) {
    if (accessKeyId === undefined) return undefined
    const key = core.findKeyForAuth([TIGRIS_KEYS], accessKeyId)
    if (key) return principalOfKey(key)
    const provider = core.signer(TIGRIS_REALM, accessKeyId)
    return provider?.signingKey ? { accountId: provider.id, userId: null, keyId: null } : undefined
  },
}

/** Whether the acting user of the request may take `permission` (always, when the partner acts itself). */
export function actorMay(ctx: RouteContext<unknown>, permission: Permission): boolean {
  const principal = authorization.principal?.(ctx) ?? ctx.principal
  return ctx.core.authorize(principal, permission).effect === 'allow'
}

export { TIGRIS_KEYS }
