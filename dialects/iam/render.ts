import type { AccessKeyView } from '../../src/core/access-keys.js'
import type { EmulatorError, ErrorCode } from '../../src/core/errors.js'
import type { Tag, User } from '../../src/core/model.js'
import type { ManagedPolicyView } from '../../src/core/policies.js'
import { policyArn, rootArn, userArn } from '../../src/protocol/aws/arn.js'
import type { WireResponse } from '../../src/protocol/route.js'
import { members, QUERY_COMMON_ERRORS, queryError, type XmlObject } from '../../src/protocol/wire/aws-query.js'

export const NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/'

// Statuses and codes from the IAM model's error traits and the API reference's Common Errors page.
const wire: Record<ErrorCode, readonly [status: number, code: string]> = {
  ...QUERY_COMMON_ERRORS,
  InvalidInput: [400, 'ValidationError'],
  MalformedPolicy: [400, 'MalformedPolicyDocument'],
  Forbidden: [403, 'AccessDenied'],
  InsufficientScope: [403, 'AccessDenied'],
  NotFound: [404, 'NoSuchEntity'],
  AlreadyExists: [409, 'EntityAlreadyExists'],
  LimitExceeded: [409, 'LimitExceeded'],
  InUse: [409, 'DeleteConflict'],
  // Data-plane conditions no IAM operation meets; IAM would call them a validation error.
  DigestMismatch: [400, 'ValidationError'],
  IncompleteBody: [400, 'ValidationError'],
  PreconditionFailed: [400, 'ValidationError'],
  NotModified: [400, 'ValidationError'],
  RangeNotSatisfiable: [400, 'ValidationError'],
  Internal: [500, 'ServiceFailure'],
}

/** @example renderError(new EmulatorError('NotFound', 'The user with name bob cannot be found.'), requestId) */
export function renderError(err: EmulatorError, requestId: string): WireResponse {
  const [status, code] = wire[err.code]
  return queryError(NAMESPACE, status, code, err.message, requestId)
}

/** IAM's timestamps: ISO 8601 in UTC, to the second. */
export const isoSeconds = (iso: string): string => iso.replace(/\.\d{3}Z$/, 'Z')

const renderTags = (tags: Tag[]) => members(tags.map((t) => ({ Key: t.key, Value: t.value })))

export function renderUser(user: User, options: { withTags: boolean }): XmlObject {
  return {
    Path: user.path,
    UserName: user.name,
    UserId: user.id,
    Arn: userArn(user.accountId, user.path, user.name),
    CreateDate: isoSeconds(user.createdAt),
    ...(options.withTags && user.tags.length > 0 && { Tags: renderTags(user.tags) }),
  }
}

/** The account's root identity as GetUser shows it: no name or path, the account id as its id. */
export function renderRootUser(accountId: string, createdAt: string): XmlObject {
  return { UserId: accountId, Arn: rootArn(accountId), CreateDate: isoSeconds(createdAt) }
}

/** Key metadata; `secret` only in CreateAccessKey's answer. Root keys carry no UserName. */
export function renderAccessKey(key: AccessKeyView, userName: string | undefined, secret?: string): XmlObject {
  // Filled in order rather than with conditional spreads, which cost more than the rest of a listing.
  const out: XmlObject = {}
  if (userName !== undefined) out.UserName = userName
  out.AccessKeyId = key.id
  out.Status = key.status
  if (secret !== undefined) out.SecretAccessKey = secret
  out.CreateDate = isoSeconds(key.createdAt)
  return out
}

export function renderPolicy(policy: ManagedPolicyView, options: { withDescription: boolean }): XmlObject {
  return {
    PolicyName: policy.name,
    PolicyId: policy.id,
    Arn: policyArn(policy.accountId, policy.path, policy.name),
    Path: policy.path,
    DefaultVersionId: 'v1',
    AttachmentCount: policy.attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    ...(options.withDescription && policy.description !== undefined && { Description: policy.description }),
    CreateDate: isoSeconds(policy.createdAt),
    UpdateDate: isoSeconds(policy.updatedAt),
    ...(policy.tags.length > 0 && { Tags: renderTags(policy.tags) }),
  }
}

/** IAM returns policy documents percent-encoded (RFC 3986) inside the XML. */
export const encodeDocument = (document: string): string =>
  encodeURIComponent(document).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/** The page fields every IAM list carries. */
export function pageFields(next: string | undefined): XmlObject {
  return next === undefined ? { IsTruncated: false } : { IsTruncated: true, Marker: next }
}
