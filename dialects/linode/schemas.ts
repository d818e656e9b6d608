import * as z from 'zod'
import { echo } from '../../src/core/errors.js'
import { bracketPath, invalidInput, parseJson, readJsonObject } from '../../src/protocol/rest/json.js'
import { type NumberedPageQuery, numberedPageQuery } from '../../src/protocol/rest/paging.js'
import type { WireRequest } from '../../src/protocol/route.js'

// Check "one of two members" even when other members are wrong, so that every problem is reported.
const isObject = (payload: { value: unknown }): boolean => typeof payload.value === 'object' && payload.value !== null

// A message for a missing member and another for one of the wrong type.
const says = (missing: string, wrongType: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? missing : wrongType),
})

// @linode/validation (objectStorageKeys.schema.ts) checks 3..50 characters after trimming; its message.
const LABEL_LENGTH = 'Label must be between 3 and 50 characters.'
// Schemas are z.lazy: each is built on its first use, not at every start (why: src/protocol/aws/validation.ts).
const keyLabel = z.lazy(() =>
  z
    .string(says('Label is required.', 'label must be a string.'))
    .refine((s) => s.trim().length >= 3 && s.trim().length <= 50, LABEL_LENGTH),
)

const regionIds = (empty: string) =>
  z
    .array(z.string(says('regions must hold region ids.', 'Each region must be a string.')), {
      error: 'regions must be an array of region ids.',
    })
    .min(1, empty)

const bucketAccessEntry = z.lazy(() =>
  z
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
    }),
)

export const CreateKeyBody = z.lazy(() =>
  z.object({
    label: keyLabel,
    // null, as @linode/api-v4's payload type allows, is the same as leaving it out: an unlimited key.
    bucket_access: z.array(bucketAccessEntry, { error: 'bucket_access must be an array.' }).nullable().optional(),
    regions: regionIds('regions must name at least one region; leave it out for every region.').optional(),
  }),
)
export type CreateKeyInput = z.output<typeof CreateKeyBody>
export type BucketAccessInput = NonNullable<CreateKeyInput['bucket_access']>[number]

export const UpdateKeyBody = z.lazy(() =>
  z.object({
    label: keyLabel.optional(),
    regions: regionIds('A key needs at least one region; revoke the key to remove them all.').optional(),
  }),
)
export type UpdateKeyInput = z.output<typeof UpdateKeyBody>

// Bucket label rules of the API reference (post-object-storage-bucket) and @linode/validation.
const bucketLabel = z.lazy(() =>
  z
    .string(says('label is required.', 'label must be a string.'))
    .refine((s) => s.length >= 3 && s.length <= 63, 'Bucket name must be between 3 and 63 characters.')
    .refine(
      (s) => /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(s) && !/[.-]{2}/.test(s),
      'Bucket name must contain only lowercase letters, numbers, periods and hyphens, start and end with a letter or number, and have no adjacent periods or hyphens.',
    ),
)

export const CreateBucketBody = z.lazy(() =>
  z
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
    }),
)
export type CreateBucketInput = z.output<typeof CreateBucketBody>

/** Parse a request body against a schema, answering every problem at once. */
export function parseBody<S extends z.ZodType>(schema: S, req: WireRequest): z.output<S> {
  return parseJson(schema, readJsonObject(req), bracketPath)
}

// Pagination of the API reference: page from 1, page_size 25..500, default 100.
const PAGE_SIZE = { min: 25, max: 500, default: 100 }

/** `?page=&page_size=` of a list call. */
export const pageQuery = (req: WireRequest): NumberedPageQuery => numberedPageQuery(req, PAGE_SIZE)

/** The integer key id of a path. */
export function keyIdParam(params: Record<string, string>): number {
  const raw = params.keyId ?? ''
  const id = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(id) || id < 1) {
    throw invalidInput([
      { message: `keyId must be a positive integer, not ${JSON.stringify(echo(raw))}.`, field: 'keyId' },
    ])
  }
  return id
}
