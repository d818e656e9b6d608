import * as z from 'zod'
import { echo } from '../../src/core/errors.js'
import type { Problem } from '../../src/protocol/rest/json.js'
import { bracketPath, invalidInput, parseJson, readJsonObject } from '../../src/protocol/rest/json.js'
import { integerParam } from '../../src/protocol/rest/paging.js'
import type { WireRequest } from '../../src/protocol/route.js'
import { required, strict, text } from './fields.js'
import { Description, NewPolicy, PolicyDocument } from './policy-schemas.js'

export type { NewPolicyInput } from './policy-schemas.js'

// Wire input of the Tigris partner API (static/api/extensions/v1/api.yaml in tigrisdata/tigris-os-docs).
// Every request schema there has additionalProperties: false, so every object here is strict.

const UserRole = z.enum(['Admin', 'Member'], { error: 'user_role must be Admin or Member.' })
const AccessKeyScope = z.enum(['standard', 'no_default_allow'], {
  error: 'access_key_scope must be standard or no_default_allow.',
})
export type AccessKeyScopeName = z.output<typeof AccessKeyScope>

// Schemas are z.lazy: each is built on its first use, not at every start (why: src/protocol/aws/validation.ts).
const BucketRole = z.lazy(() =>
  strict(
    {
      bucket_name: required('bucket_name'),
      role: z.enum(['ReadOnly', 'Editor', 'Admin'], { error: 'role must be ReadOnly, Editor or Admin.' }),
    },
    'A buckets_roles entry',
  ).refine((r) => r.role !== 'Admin' || r.bucket_name === '*', {
    // The spec: "The value of bucket_name should always be * when using this role."
    message: 'The Admin role covers every bucket of the org: its bucket_name must be "*".',
    path: ['bucket_name'],
  }),
)
export type BucketRoleInput = z.output<typeof BucketRole>
const BucketRoles = z.lazy(() =>
  z.array(BucketRole, { error: 'buckets_roles must be an array.' }).superRefine((roles, ctx) => {
    const seen = new Set<string>()
    roles.forEach((r, i) => {
      if (seen.has(r.bucket_name))
        ctx.addIssue({
          code: 'custom',
          message: `Bucket ${echo(r.bucket_name)} is listed twice.`,
          path: [i, 'bucket_name'],
        })
      seen.add(r.bucket_name)
    })
  }),
)

const names = (field: string) =>
  z.array(required(`Each ${field} entry`), { error: `${field} must be an array of policy names.` })

const acting = { user_id: required('user_id'), user_role: UserRole.optional() }
const keyRef = { ...acting, id: required('id') }

export const CreateKeyBody = z.lazy(() =>
  strict(
    {
      ...acting,
      name: text('name').max(256, 'name must be at most 256 characters.').optional(),
      buckets_roles: BucketRoles.optional(),
      attach_policies: names('attach_policies').optional(),
      create_policies: z.array(NewPolicy, { error: 'create_policies must be an array of policies.' }).optional(),
      access_key_scope: AccessKeyScope.optional(),
    },
    'The request body',
  ),
)
export type CreateKeyInput = z.output<typeof CreateKeyBody>

export const ListKeysBody = z.lazy(() =>
  strict(
    {
      ...acting,
      limit: z
        .number({ error: 'limit must be a number.' })
        .int('limit must be a whole number.')
        .min(1, 'limit must be at least 1.')
        .max(1000, 'limit must be at most 1000.')
        .default(100),
      continuation_token: text('continuation_token').optional(),
      key_id_prefix: text('key_id_prefix').max(128, 'key_id_prefix must be at most 128 characters.').optional(),
    },
    'The request body',
  ),
)
export type ListKeysInput = z.output<typeof ListKeysBody>

export const KeyRefBody = z.lazy(() => strict(keyRef, 'The request body'))
export type KeyRefInput = z.output<typeof KeyRefBody>

export const UpdateKeyBody = z.lazy(() =>
  strict(
    {
      ...keyRef,
      buckets_roles: BucketRoles.optional(),
      add_policies: names('add_policies').optional(),
      remove_policies: names('remove_policies').optional(),
      access_key_scope: AccessKeyScope.optional(),
    },
    'The request body',
  ),
)
export type UpdateKeyInput = z.output<typeof UpdateKeyBody>

export const CreatePolicyBody = NewPolicy
export const UpdatePolicyBody = z.lazy(() =>
  strict({ document: PolicyDocument, description: Description.optional() }, 'The request body'),
)
export type UpdatePolicyInput = z.output<typeof UpdatePolicyBody>

const OrgQuota = z.lazy(() =>
  strict(
    {
      limit_bytes: z
        .number({ error: 'limit_bytes must be a number.' })
        .int('limit_bytes must be a whole number.')
        .min(0, 'limit_bytes must not be negative.')
        .optional(),
    },
    'org_quota',
  ),
)
const OrgName = z.lazy(() => required('org_name').max(256, 'org_name must be at most 256 characters.'))
// Bucket names as S3 allows them: 3..63 lower-case letters, digits, dots and hyphens.
const BucketName = z.lazy(() =>
  required('bucket_name').regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'bucket_name must be 3 to 63 lower-case letters, digits, dots or hyphens.',
  ),
)

export const ProvisionBody = z.lazy(() =>
  strict(
    {
      ...acting,
      bucket_name: BucketName,
      org_name: OrgName,
      org_quota: OrgQuota.optional(),
      bucket_options: z.record(z.string(), z.unknown(), { error: 'bucket_options must be an object.' }).optional(),
      fork_of: text('fork_of').optional(),
      source_snapshot: text('source_snapshot').optional(),
      access_key_scope: AccessKeyScope.optional(),
    },
    'The request body',
  ),
)
export type ProvisionInput = z.output<typeof ProvisionBody>

export const CreateOrgBody = z.lazy(() =>
  strict({ org_name: OrgName, user_id: required('user_id'), org_quota: OrgQuota.optional() }, 'The request body'),
)
export type CreateOrgInput = z.output<typeof CreateOrgBody>

export const UpdateOrgBody = z.lazy(() =>
  strict(
    {
      ...acting,
      active: z.boolean({ error: 'active must be true or false.' }).optional(),
      org_quota: OrgQuota.optional(),
    },
    'The request body',
  ),
)
export type UpdateOrgInput = z.output<typeof UpdateOrgBody>

const StorageClass = z.enum(['STANDARD', 'STANDARD_IA', 'GLACIER', 'GLACIER_IR'], {
  error: 'storage_class must be STANDARD, STANDARD_IA, GLACIER or GLACIER_IR.',
})
const flag = (field: string) => z.boolean({ error: `${field} must be true or false.` }).optional()
export const UpdateBucketBody = z.lazy(() =>
  strict(
    {
      public: flag('public'),
      storage_class: StorageClass.optional(),
      object_acl_enabled: flag('object_acl_enabled'),
      public_list_objects_enabled: flag('public_list_objects_enabled'),
      snapshots_enabled: flag('snapshots_enabled'),
    },
    'The request body',
  ),
)
export type UpdateBucketInput = z.output<typeof UpdateBucketBody>

/** The body checked against `schema`, every problem named by its path. */
export function parseBody<S extends z.ZodType>(schema: S, req: WireRequest): z.output<S> {
  return parseJson(schema, readJsonObject(req), bracketPath)
}

export interface PageQuery {
  limit: number
  continuationToken?: string
}

/** `?limit=&continuation_token=` of a GET list, with the list's default and maximum. */
export function pageQuery(
  req: WireRequest,
  limits: { default: number; max: number },
  problems: Problem[] = [],
): PageQuery {
  const limit = integerParam(req, 'limit', { min: 1, ...limits }, problems)
  if (problems.length > 0) throw invalidInput(problems)
  const token = req.url.searchParams.get('continuation_token')
  return { limit, ...(token && { continuationToken: token }) }
}

/** A `true`/`false` query flag, false when absent. */
export function flagParam(req: WireRequest, name: string, problems: Problem[]): boolean {
  const raw = req.url.searchParams.get(name)
  if (raw === null || raw === 'false') return false
  if (raw === 'true') return true
  problems.push({ message: `${name} must be true or false.`, field: name })
  return false
}
