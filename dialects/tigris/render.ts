import type { AccessKeyView } from '../../src/core/access-keys.js'
import type { EmulatorError } from '../../src/core/errors.js'
import type { Account, Bucket, BucketAccess, BucketGrant } from '../../src/core/model.js'
import type { ManagedPolicyView } from '../../src/core/policies.js'
import { HTTP_STATUSES } from '../../src/protocol/neutral-error.js'
import { jsonResponse } from '../../src/protocol/rest/json.js'
import type { WireResponse } from '../../src/protocol/route.js'
import type { AccessKeyScopeName, BucketRoleInput } from './schemas.js'

export type Json = Record<string, unknown>

// Every error is the spec's `default` response, GenericError {"message"}. The spec documents one status, 409
// for a policy name that exists; the rest take the status HTTP gives their kind of problem.
const statuses = HTTP_STATUSES

const withField = (message: string, field: string | undefined) =>
  field === undefined || field === 'body' || message.startsWith(field) ? message : `${field}: ${message}`

/** `{"message"}`, every problem of the request in it, each with the field at fault. */
export function renderError(err: EmulatorError): WireResponse {
  const problems = [{ message: err.message, field: err.detail.field }, ...(err.detail.more ?? [])]
  return jsonResponse(statuses[err.code], { message: problems.map((p) => withField(p.message, p.field)).join(' ') })
}

const roleOf: Record<BucketAccess, BucketRoleInput['role']> = {
  read: 'ReadOnly',
  'read-write': 'Editor',
  manage: 'Editor',
  full: 'Admin',
}
export const accessOf: Record<BucketRoleInput['role'], BucketAccess> = {
  ReadOnly: 'read',
  Editor: 'manage',
  Admin: 'full',
}

const renderRole = (g: BucketGrant) => ({ bucket_name: g.bucket, role: roleOf[g.access] })

/** A key whose scope keeps the default-allowed operations (list and create buckets) is `standard`. */
export const scopeNameOf = (key: AccessKeyView): AccessKeyScopeName =>
  key.scope?.accountActions.length ? 'standard' : 'no_default_allow'

/** AccessKeyInfo; a key of a deactivated org shows as Inactive. */
export function renderKeyInfo(key: AccessKeyView, org: Account): Json {
  return {
    id: key.id,
    name: key.label ?? '',
    status: org.disabled ? 'Inactive' : key.status,
    buckets_roles: (key.scope?.grants ?? []).map(renderRole),
  }
}

export function renderPolicyInfo(policy: ManagedPolicyView): Json {
  return {
    name: policy.name,
    description: policy.description ?? '',
    attachment_count: policy.attachmentCount,
    created_at: policy.createdAt,
    updated_at: policy.updatedAt,
  }
}

export const renderPolicy = (policy: ManagedPolicyView): Json => ({
  ...renderPolicyInfo(policy),
  document: JSON.parse(policy.document),
})

export function renderOrg(org: Account): Json {
  return {
    id: org.id,
    name: org.name,
    active: !org.disabled,
    quota: { limit_bytes: Number(org.settings?.limitBytes ?? 0) },
  }
}

export function renderBucket(bucket: Bucket): Json {
  const s = bucket.settings
  return {
    name: bucket.name,
    created_at: bucket.createdAt,
    size: 0,
    object_count: 0,
    public: s.public === true,
    storage_class: s.storage_class ?? 'STANDARD',
    regions: [],
    object_acl_enabled: s.object_acl_enabled === true,
    public_list_objects_enabled: s.public_list_objects_enabled === true,
    snapshots_enabled: s.snapshots_enabled === true,
  }
}

/** A page's token for the next one: the empty string on the last page, as the spec allows. */
export const nextToken = (next: string | undefined) => next ?? ''
