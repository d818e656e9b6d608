import type { KeyFilter, KeyShape, NewAccessKey } from '../../src/core/access-keys.js'
import { EmulatorError, echo } from '../../src/core/errors.js'
import type { Account, AccountAction, KeyScope } from '../../src/core/model.js'
import { pageAfter } from '../../src/core/pagination.js'
import { jsonResponse } from '../../src/protocol/rest/json.js'
import type { Permission, RouteContext } from '../../src/protocol/route.js'
import { actorMay, allKeysResource, forNewKey, keyResource, orgOf, TIGRIS_KEYS } from './auth.js'
import { served } from './paths.js'
import { accessOf, nextToken, renderKeyInfo, scopeNameOf } from './render.js'
import {
  type AccessKeyScopeName,
  type BucketRoleInput,
  CreateKeyBody,
  type CreateKeyInput,
  KeyRefBody,
  type KeyRefInput,
  ListKeysBody,
  type ListKeysInput,
  parseBody,
  UpdateKeyBody,
  type UpdateKeyInput,
} from './schemas.js'

// Ids tid_ and secrets tsec_ (Tigris docs and CLI); the length of the random part is not documented.
const TIGRIS_KEY_SHAPE: KeyShape = {
  idPrefix: 'tid_',
  idLength: 26,
  idAlphabet: 'base62',
  secretPrefix: 'tsec_',
  secretAlphabet: 'base62',
}

const keysOf = (org: Account): KeyFilter => ({ namespace: TIGRIS_KEYS, accountId: org.id })

// access_key_scope standard keeps the operations every key may do by default (list and create buckets).
const accountActionsOf = (scope: AccessKeyScopeName): AccountAction[] =>
  scope === 'standard' ? ['list-buckets', 'create-bucket'] : []

const grantsOf = (roles: BucketRoleInput[]) => roles.map((r) => ({ bucket: r.bucket_name, access: accessOf[r.role] }))

/** A new Tigris key of `user_id` with its buckets_roles and access_key_scope, for any org. */
export function newKey(
  holder: string,
  roles: BucketRoleInput[],
  scope: AccessKeyScopeName = 'standard',
): Omit<NewAccessKey, 'accountId'> {
  return {
    namespace: TIGRIS_KEYS,
    userId: null,
    holder,
    shape: TIGRIS_KEY_SHAPE,
    scope: { grants: grantsOf(roles), accountActions: accountActionsOf(scope) },
  }
}

/** An org still active: keys cannot be made in a deactivated one. */
function activeOrg(ctx: RouteContext<unknown>): Readonly<Account> {
  const org = orgOf(ctx)
  if (org.disabled)
    throw new EmulatorError('Forbidden', `Organization ${echo(org.id)} is deactivated.`, { entity: 'org' })
  return org
}

// The permission a call on one key needs: on that key, under the user it was issued to.
const onKey =
  (action: string) =>
  (ctx: RouteContext<KeyRefInput>): Permission => {
    const org = orgOf(ctx)
    const key = ctx.core.getAccessKey(keysOf(org), ctx.input.id)
    return { action, resource: keyResource(org.id, key.holder ?? '', key.id) }
  }

// Keys sort by creation; a token names the last key shown, so it holds across inserts and deletes.
const serialKey = (k: { serial: number }) => String(k.serial).padStart(12, '0')

export const keyRoutes = [
  ...served<CreateKeyInput>('/:orgId/key', {
    method: 'POST',
    operation: 'Tigris_CreateAccessKey',
    parse: (req) => parseBody(CreateKeyBody, req),
    authorize: forNewKey('tigris:CreateAccessKey'),
    async handle(ctx) {
      const org = activeOrg(ctx)
      const input = ctx.input
      const key = await ctx.core.createAccessKeyWithPolicies(
        {
          ...newKey(input.user_id, input.buckets_roles ?? [], input.access_key_scope),
          accountId: org.id,
          ...(input.name !== undefined && { label: input.name }),
        },
        {
          attach: input.attach_policies ?? [],
          create: (input.create_policies ?? []).map((p) => ({
            name: p.name,
            document: JSON.stringify(p.document),
            ...(p.description !== undefined && { description: p.description }),
          })),
        },
      )
      return jsonResponse(200, { id: key.id, secret_key: key.secret, name: key.label ?? '' })
    },
  }),
  ...served<ListKeysInput>('/:orgId/keys', {
    method: 'POST',
    operation: 'Tigris_ListAccessKeys',
    parse: (req) => parseBody(ListKeysBody, req),
    authorize: (ctx) => ({
      action: 'tigris:ListAccessKeys',
      resource: keyResource(ctx.params.orgId ?? '', ctx.input.user_id, '*'),
    }),
    handle(ctx) {
      const org = orgOf(ctx)
      const { user_id, key_id_prefix: prefix = '', limit, continuation_token } = ctx.input
      // An Admin lists every key of the org, a Member only its own.
      const everyone = actorMay(ctx, { action: 'tigris:ListAccessKeys', resource: allKeysResource(org.id) })
      const keys = ctx.core
        .listAccessKeys({ ...keysOf(org), ...(!everyone && { holder: user_id }) })
        .filter((k) => k.id.startsWith(prefix))
      const page = pageAfter(
        keys,
        {
          cursor: continuation_token || undefined,
          limit,
          field: 'continuation_token',
          listing: `tigris:${org.id}:keys:${everyone ? '*' : `user=${user_id}`}:prefix=${prefix}`,
        },
        serialKey,
      )
      return jsonResponse(200, {
        keys: page.items.map((k) => renderKeyInfo(k, org)),
        next_continuation_token: nextToken(page.next),
      })
    },
  }),
  ...served<KeyRefInput>('/:orgId/key/get', {
    method: 'POST',
    operation: 'Tigris_GetAccessKey',
    parse: (req) => parseBody(KeyRefBody, req),
    authorize: onKey('tigris:GetAccessKey'),
    handle(ctx) {
      const org = orgOf(ctx)
      const key = ctx.core.getAccessKey(keysOf(org), ctx.input.id)
      return jsonResponse(200, {
        ...renderKeyInfo(key, org),
        attached_policies: ctx.core.keyPolicyNames(key),
        access_key_scope: scopeNameOf(key),
      })
    },
  }),
  ...served<UpdateKeyInput>('/:orgId/key', {
    method: 'PUT',
    operation: 'Tigris_UpdateAccessKey',
    parse: (req) => parseBody(UpdateKeyBody, req),
    authorize: onKey('tigris:UpdateAccessKey'),
    async handle(ctx) {
      const org = orgOf(ctx)
      const { id, buckets_roles: roles, access_key_scope: scopeName } = ctx.input
      const current = ctx.core.getAccessKey(keysOf(org), id)
      // buckets_roles replaces the stored list (a PUT); access_key_scope left out keeps the current one.
      const scope: KeyScope = {
        grants: roles ? grantsOf(roles) : (current.scope?.grants ?? []),
        accountActions: scopeName ? accountActionsOf(scopeName) : (current.scope?.accountActions ?? []),
      }
      await ctx.core.updateKeyAccess(keysOf(org), id, {
        scope,
        detach: ctx.input.remove_policies ?? [],
        attach: ctx.input.add_policies ?? [],
      })
      return jsonResponse(200, {})
    },
  }),
  ...served<KeyRefInput>('/:orgId/key/rotate', {
    method: 'POST',
    operation: 'Tigris_RotateAccessKey',
    parse: (req) => parseBody(KeyRefBody, req),
    authorize: onKey('tigris:RotateAccessKey'),
    async handle(ctx) {
      const key = await ctx.core.rotateSecret(keysOf(orgOf(ctx)), ctx.input.id, TIGRIS_KEY_SHAPE)
      return jsonResponse(200, { new_secret: key.secret })
    },
  }),
  ...served<KeyRefInput>('/:orgId/key', {
    method: 'DELETE',
    operation: 'Tigris_DeleteAccessKey',
    parse: (req) => parseBody(KeyRefBody, req),
    authorize: onKey('tigris:DeleteAccessKey'),
    async handle(ctx) {
      await ctx.core.deleteAccessKey(keysOf(orgOf(ctx)), ctx.input.id)
      return jsonResponse(200, {})
    },
  }),
]
