import type { AccessKeyView, KeyFilter, KeyShape } from '../../src/core/access-keys.js'
import { EmulatorError, echo } from '../../src/core/errors.js'
import { invalidInput, jsonResponse } from '../../src/protocol/rest/json.js'
import { type RouteContext, route } from '../../src/protocol/route.js'
import { BIRD_KEYS, needs } from './auth.js'
import { pageOf } from './listing.js'
import { renderKey, renderList } from './render.js'
import {
  CreateKeyBody,
  type CreateKeyInput,
  type ListQuery,
  listQuery,
  parseBody,
  roleField,
  roleIdsOf,
  UpdateKeyBody,
  type UpdateKeyInput,
} from './schemas.js'

// Ids are UUIDs (the reference's access key record); tokens alphanumeric like the reference's example
// AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGhIj, 40 characters long here.
const BIRD_KEY_SHAPE: KeyShape = { idPrefix: '', idLength: 0, idAlphabet: 'uuid', secretAlphabet: 'base62' }

// The record's `suffix` is exactly 6 characters: taken to be the token's last six.
const SUFFIX_LENGTH = 6

const KEYS = '/organizations/:organizationId/access-keys'
const KEY = `${KEYS}/:accessKeyId`

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// Keys belong to the organization itself, never to one of its users.
const keysOf = (organizationId: string): KeyFilter => ({
  namespace: BIRD_KEYS,
  accountId: organizationId,
  userId: null,
})

/** The key id of the path; one that is no UUID names no key. */
function keyIdOf(params: Record<string, string>): string {
  const id = params.accessKeyId ?? ''
  if (!UUID.test(id)) throw new EmulatorError('NotFound', `Access key ${echo(id)} not found.`, { entity: 'access-key' })
  return id
}

const render = (ctx: RouteContext<unknown>, key: AccessKeyView) =>
  renderKey(key, ctx.core.secretSuffix(BIRD_KEYS, key.id, SUFFIX_LENGTH) ?? '')

/** The roles a body names (each once), every one checked to be a role of the caller's organization. */
function rolesOf(ctx: RouteContext<unknown>, body: CreateKeyInput | UpdateKeyInput): string[] | undefined {
  const ids = roleIdsOf(body)
  if (!ids) return undefined
  const problems = ids.flatMap((id, i) =>
    ctx.core.findPolicyById(ctx.principal.accountId, id)
      ? []
      : [{ message: `role ${id} is not a role of this organization`, field: roleField(body, i) }],
  )
  if (problems.length > 0) throw invalidInput(problems)
  return [...new Set(ids)]
}

export const keyRoutes = [
  route<ListQuery>({
    method: 'GET',
    path: KEYS,
    operation: 'GET /organizations/{organizationId}/access-keys',
    authorize: needs('ListAccessKeys', 'access-key/*'),
    parse: (req) => listQuery(req),
    handle(ctx) {
      const organizationId = ctx.principal.accountId
      const keys = ctx.core.listAccessKeys(keysOf(organizationId))
      // Creation order: the serial, zero-padded so that it sorts as text.
      const page = pageOf(keys, ctx.input, `bird:${organizationId}:access-keys`, (k) =>
        String(k.serial).padStart(12, '0'),
      )
      return jsonResponse(
        200,
        renderList(page, (k) => render(ctx, k)),
      )
    },
  }),
  route<CreateKeyInput>({
    method: 'POST',
    path: KEYS,
    operation: 'POST /organizations/{organizationId}/access-keys',
    authorize: needs('CreateAccessKey', 'access-key/*'),
    parse: (req) => parseBody(CreateKeyBody, req),
    async handle(ctx) {
      const key = await ctx.core.createAccessKey({
        namespace: BIRD_KEYS,
        accountId: ctx.principal.accountId,
        userId: null,
        shape: BIRD_KEY_SHAPE,
        label: ctx.input.name,
        description: ctx.input.description,
        // A key without roles may do nothing: in Bird, roles are what grant permissions.
        policyIds: rolesOf(ctx, ctx.input) ?? [],
      })
      return jsonResponse(201, {
        accessKey: renderKey(key, key.secret.slice(-SUFFIX_LENGTH)),
        token: key.secret,
      })
    },
  }),
  route<string>({
    method: 'GET',
    path: KEY,
    operation: 'GET /organizations/{organizationId}/access-keys/{accessKeyId}',
    authorize: needs('GetAccessKey', 'access-key/:accessKeyId'),
    parse: (_req, params) => keyIdOf(params),
    handle: (ctx) => jsonResponse(200, render(ctx, ctx.core.getAccessKey(keysOf(ctx.principal.accountId), ctx.input))),
  }),
  route<{ id: string; body: UpdateKeyInput }>({
    method: 'PATCH',
    path: KEY,
    operation: 'PATCH /organizations/{organizationId}/access-keys/{accessKeyId}',
    authorize: needs('UpdateAccessKey', 'access-key/:accessKeyId'),
    parse: (req, params) => ({ id: keyIdOf(params), body: parseBody(UpdateKeyBody, req) }),
    async handle(ctx) {
      const { id, body } = ctx.input
      const policyIds = rolesOf(ctx, body)
      const key = await ctx.core.updateAccessKey(keysOf(ctx.principal.accountId), id, {
        ...(body.name !== undefined && { label: body.name }),
        ...(body.description !== undefined && { description: body.description }),
        ...(policyIds && { policyIds }),
      })
      return jsonResponse(200, render(ctx, key))
    },
  }),
  route<string>({
    method: 'DELETE',
    path: KEY,
    operation: 'DELETE /organizations/{organizationId}/access-keys/{accessKeyId}',
    authorize: needs('DeleteAccessKey', 'access-key/:accessKeyId'),
    parse: (_req, params) => keyIdOf(params),
    async handle(ctx) {
      await ctx.core.deleteAccessKey(keysOf(ctx.principal.accountId), ctx.input)
      return { status: 204, headers: {}, body: '' }
    },
  }),
]
