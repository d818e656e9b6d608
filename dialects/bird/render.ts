import type { AccessKeyView } from '../../src/core/access-keys.js'
import type { EmulatorError, ErrorCode } from '../../src/core/errors.js'
import type { ManagedPolicy } from '../../src/core/model.js'
import type { CursorPage } from '../../src/core/pagination.js'
import { jsonResponse } from '../../src/protocol/rest/json.js'
import type { WireResponse } from '../../src/protocol/route.js'

export type Json = Record<string, unknown>

// 422 InvalidPayload is api.bird.com's answer to a malformed body (../shared/dialects/bird.md); the
// reference documents 404 "Resource not found" too. The rest are unconfirmed and follow HTTP's names
// in the same PascalCase (dialects/bird/README.md).
const wire: Record<ErrorCode, [status: number, code: string]> = {
  InvalidInput: [422, 'InvalidPayload'],
  MalformedPolicy: [422, 'InvalidPayload'],
  MissingCredentials: [401, 'Unauthorized'],
  MalformedCredentials: [401, 'Unauthorized'],
  UnknownCredentials: [401, 'Unauthorized'],
  InvalidSignature: [401, 'Unauthorized'],
  ExpiredCredentials: [401, 'Unauthorized'],
  Forbidden: [403, 'Forbidden'],
  InsufficientScope: [403, 'Forbidden'],
  NotFound: [404, 'NotFound'],
  AlreadyExists: [409, 'Conflict'],
  LimitExceeded: [422, 'InvalidPayload'],
  InUse: [409, 'Conflict'],
  UnknownOperation: [404, 'NotFound'],
  MissingOperation: [404, 'NotFound'],
  PayloadTooLarge: [413, 'PayloadTooLarge'],
  DigestMismatch: [422, 'InvalidPayload'],
  IncompleteBody: [422, 'InvalidPayload'],
  PreconditionFailed: [412, 'PreconditionFailed'],
  NotModified: [422, 'InvalidPayload'],
  RangeNotSatisfiable: [416, 'RangeNotSatisfiable'],
  Throttled: [429, 'TooManyRequests'],
  ServiceUnavailable: [503, 'ServiceUnavailable'],
  Internal: [500, 'InternalServerError'],
}

/**
 * Bird's envelope `{"code","message","details"}`: `details` maps each field at fault (`.name`, or a
 * query parameter's name) to its problems, and is empty when no field is.
 */
export function renderError(err: EmulatorError): WireResponse {
  const [status, code] = wire[err.code]
  const details: Record<string, string[]> = {}
  const problems = [
    ...(err.detail.field !== undefined ? [{ field: err.detail.field, message: err.message }] : []),
    ...(err.detail.more ?? []),
  ]
  for (const { field, message } of problems) {
    if (field === undefined) continue
    // The body as a whole (malformed JSON) is the root path.
    const key = field === 'body' ? '.' : field
    details[key] = [...(details[key] ?? []), message]
  }
  return jsonResponse(status, { code, message: err.message, details })
}

/**
 * An access key as the reference's "access key record" shows it. Roles are given both ways: the
 * deprecated `roleIds` and the newer `roleRefs`.
 */
export function renderKey(key: AccessKeyView, suffix: string): Json {
  const roleIds = key.policyIds ?? []
  return {
    id: key.id,
    organizationId: key.accountId,
    name: key.label ?? '',
    type: 'user',
    description: key.description ?? '',
    suffix,
    lastUsedAt: key.lastUsed?.at ?? null,
    createdAt: key.createdAt,
    updatedAt: key.updatedAt,
    roleIds,
    roleRefs: roleIds.map((id) => ({ id, type: 'organization' })),
  }
}

/** A role (an organization's policy) as the Organization roles reference shows it. */
export function renderRole(role: ManagedPolicy & { keyCount: number }): Json {
  return {
    id: role.id,
    organizationId: role.accountId,
    name: role.name,
    description: role.description ?? '',
    type: 'organization',
    accessKeysDependencyCount: role.keyCount,
    createdAt: role.createdAt,
    updatedAt: role.updatedAt,
  }
}

/** A list: `{results, nextPageToken}`, the token left out on the last page. */
export function renderList<T>(page: CursorPage<T>, render: (item: T) => Json): Json {
  return { results: page.items.map(render), ...(page.next !== undefined && { nextPageToken: page.next }) }
}
