import { z } from 'zod'
import { EmulatorError } from '../../src/core/errors.js'
import type { WireRequest } from '../../src/protocol/route.js'

/** One entry of Linode's `errors` array. */
export interface Problem {
  reason: string
  field?: string
}

/** Every problem of one request in one error: Linode answers them all at once. */
export function invalid(problems: Problem[]): EmulatorError {
  const [first, ...rest] = problems
  return new EmulatorError('InvalidInput', first?.reason ?? 'Invalid request.', {
    ...(first?.field !== undefined && { field: first.field }),
    more: rest.map((p) => ({ message: p.reason, ...(p.field !== undefined && { field: p.field }) })),
  })
}

// Linode names nested fields with brackets and dots: bucket_access[0].permissions.
function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join('')
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  throw invalid(
    parsed.error.issues.map((issue) => {
      const field = fieldName(issue.path)
      return field ? { reason: issue.message, field } : { reason: issue.message }
    }),
  )
}

/** The JSON object a request carries; an empty body is an empty object. */
export function jsonBody(req: WireRequest): Record<string, unknown> {
  const text = req.body.toString('utf8')
  if (text.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw invalid([{ reason: 'The request body is not valid JSON.' }])
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid([{ reason: 'The request body must be a JSON object.' }])
  }
  return value as Record<string, unknown>
}

// Check "one of two members" even when other members are wrong, so that every problem is reported.
const isObject = (payload: { value: unknown }): boolean => typeof payload.value === 'object' && payload.value !== null

// A message for a missing member and another for one of the wrong type.
const says = (missing: string, wrongType: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? missing : wrongType),
})

// @linode/validation (objectStorageKeys.schema.ts) checks 3..50 characters after trimming; its message.
const LABEL_LENGTH = 'Label must be between 3 and 50 characters.'
const keyLabel = z
  .string(says('Label is required.', 'label must be a string.'))
  .refine((s) => s.trim().length >= 3 && s.trim().length <= 50, LABEL_LENGTH)

const regionIds = (empty: string) =>
  z
    .array(z.string(says('regions must hold region ids.', 'Each region must be a string.')), {
      error: 'regions must be an array of region ids.',
    })
    .min(1, empty)

const bucketAccessEntry = z
  .object(
    {
      region: z.string({ error: 'region must be a string.' }).optional(),
      cluster: z.string({ error: 'cluster must be a string.' }).optional(),
      bucket_name: z.string(says('bucket_name is required.', 'bucket_name must be a string.')),
      permissions: z.enum(['read_only', 'read_write'], {
        error: (issue) =>
          issue.input === undefined
            ? 'permissions is required.'
            : `permissions must be read_only or read_write, not ${JSON.stringify(issue.input)}.`,
      }),
    },
    { error: 'Each bucket_access entry must be an object.' },
  )
  .refine((entry) => entry.region !== undefined || entry.cluster !== undefined, {
    message: 'region (or the older cluster) is required.',
    path: ['region'],
    when: isObject,
  })

export const CreateKeyBody = z.object({
  label: keyLabel,
  // null, as @linode/api-v4's payload type allows, is the same as leaving it out: an unlimited key.
  bucket_access: z.array(bucketAccessEntry, { error: 'bucket_access must be an array.' }).nullable().optional(),
  regions: regionIds('regions must name at least one region; leave it out for every region.').optional(),
})
export type CreateKeyInput = z.output<typeof CreateKeyBody>
export type BucketAccessInput = NonNullable<CreateKeyInput['bucket_access']>[number]

export const UpdateKeyBody = z.object({
  label: keyLabel.optional(),
  regions: regionIds('A key needs at least one region; revoke the key to remove them all.').optional(),
})
export type UpdateKeyInput = z.output<typeof UpdateKeyBody>

// Bucket label rules of the API reference (post-object-storage-bucket) and @linode/validation.
const bucketLabel = z
  .string(says('label is required.', 'label must be a string.'))
  .refine((s) => s.length >= 3 && s.length <= 63, 'Bucket name must be between 3 and 63 characters.')
  .refine(
    (s) => /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(s) && !/[.-]{2}/.test(s),
    'Bucket name must contain only lowercase letters, numbers, periods and hyphens, start and end with a letter or number, and have no adjacent periods or hyphens.',
  )

export const CreateBucketBody = z
  .object({
    label: bucketLabel,
    region: z.string({ error: 'region must be a string.' }).optional(),
    cluster: z.string({ error: 'cluster must be a string.' }).optional(),
    acl: z
      .enum(['private', 'public-read', 'authenticated-read', 'public-read-write'], {
        error: 'acl must be one of private, public-read, authenticated-read, public-read-write.',
      })
      .optional(),
    cors_enabled: z.boolean({ error: 'cors_enabled must be a boolean.' }).optional(),
    endpoint_type: z.enum(['E0', 'E1', 'E2', 'E3'], { error: 'endpoint_type must be E0, E1, E2 or E3.' }).optional(),
    s3_endpoint: z.string({ error: 's3_endpoint must be a string.' }).optional(),
  })
  .refine((body) => body.region !== undefined || body.cluster !== undefined, {
    message: 'region is required.',
    path: ['region'],
    when: isObject,
  })
export type CreateBucketInput = z.output<typeof CreateBucketBody>

/** Parse a request body against a schema, answering every problem at once. */
export function parseBody<S extends z.ZodType>(schema: S, req: WireRequest): z.output<S> {
  return parseWith(schema, jsonBody(req))
}

export interface PageQuery {
  page: number
  pageSize: number
}

// Pagination of the API reference: page from 1, page_size 25..500, default 100.
const PAGE_SIZE = { min: 25, max: 500, default: 100 }

/** `?page=&page_size=` of a list call. */
export function pageQuery(req: WireRequest): PageQuery {
  const problems: Problem[] = []
  const number = (name: string, fallback: number, ok: (n: number) => boolean, reason: string): number => {
    const raw = req.url.searchParams.get(name)
    if (raw === null) return fallback
    const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
    if (Number.isSafeInteger(n) && ok(n)) return n
    problems.push({ reason, field: name })
    return fallback
  }
  const page = number('page', 1, (n) => n >= 1, 'page must be a whole number of at least 1.')
  const pageSize = number(
    'page_size',
    PAGE_SIZE.default,
    (n) => n >= PAGE_SIZE.min && n <= PAGE_SIZE.max,
    `page_size must be a whole number between ${PAGE_SIZE.min} and ${PAGE_SIZE.max}.`,
  )
  if (problems.length > 0) throw invalid(problems)
  return { page, pageSize }
}

/** The integer key id of a path. */
export function keyIdParam(params: Record<string, string>): number {
  const raw = params.keyId ?? ''
  const id = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(id) || id < 1) {
    throw invalid([{ reason: `keyId must be a positive integer, not ${JSON.stringify(raw)}.`, field: 'keyId' }])
  }
  return id
}
