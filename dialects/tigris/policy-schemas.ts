import * as z from 'zod'
import { echo } from '../../src/core/errors.js'
import { matchesPattern } from '../../src/core/glob.js'
import { strict, text } from './fields.js'

// Tigris policies (docs/iam/policies): a subset of IAM's language, checked before anything is written.

// docs/iam/policies/supported-actions.md: the s3: actions Tigris accepts in policies.
const SUPPORTED_ACTIONS = [
  'AbortMultipartUpload',
  'CreateBucket',
  'DeleteBucket',
  'DeleteBucketPolicy',
  'DeleteBucketWebsite',
  'DeleteObject',
  'DeleteObjectTagging',
  'DeleteObjectVersion',
  'GetAccelerateConfiguration',
  'GetBucketAcl',
  'GetBucketCORS',
  'GetBucketLocation',
  'GetBucketNotification',
  'GetBucketPolicy',
  'GetBucketTagging',
  'GetBucketVersioning',
  'GetBucketWebsite',
  'GetLifecycleConfiguration',
  'GetObject',
  'GetObjectAcl',
  'GetObjectTagging',
  'GetObjectVersion',
  'ListAllMyBuckets',
  'ListBucket',
  'ListBucketMultipartUploads',
  'ListBucketVersions',
  'ListMultipartUploadParts',
  'ListObjectsV1',
  'ListObjectsV2',
  'PutBucketAcl',
  'PutBucketCORS',
  'PutBucketNotification',
  'PutBucketPolicy',
  'PutBucketTagging',
  'PutBucketVersioning',
  'PutBucketWebsite',
  'PutLifecycleConfiguration',
  'PutObject',
  'PutObjectAcl',
  'PutObjectTagging',
  'RestoreObject',
].map((a) => `s3:${a}`.toLowerCase())

// An action is supported when it names, or its wildcards match, at least one supported action.
const supported = (action: string) => SUPPORTED_ACTIONS.some((a) => matchesPattern(action.toLowerCase(), a, false))

const DATE_OPERATORS = [
  'DateEquals',
  'DateNotEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'DateLessThan',
  'DateLessThanEquals',
]
const CONDITION_OPERATORS = ['IpAddress', 'NotIpAddress', ...DATE_OPERATORS]

// Schemas are z.lazy: each is built on its first use, not at every start (why: src/protocol/aws/validation.ts).
const ConditionValues = z.lazy(() =>
  z.union([z.string(), z.array(z.string())], {
    error: 'Condition values must be a string or an array of strings.',
  }),
)
const Condition = z.lazy(() =>
  z
    .record(
      z.string(),
      z.record(z.string(), ConditionValues, { error: 'Each condition operator must map keys to values.' }),
      {
        error: 'Condition must be an object.',
      },
    )
    .superRefine((condition, ctx) => {
      for (const [operator, keys] of Object.entries(condition)) {
        if (!CONDITION_OPERATORS.includes(operator)) {
          ctx.addIssue({
            code: 'custom',
            message: `Condition operator ${echo(operator)} is not supported; use one of ${CONDITION_OPERATORS.join(', ')}.`,
            path: [operator],
          })
          continue
        }
        for (const key of Object.keys(keys)) {
          if (DATE_OPERATORS.includes(operator) && key.toLowerCase() !== 'aws:currenttime')
            ctx.addIssue({
              code: 'custom',
              message: `${operator} takes only aws:CurrentTime, not ${echo(key)}.`,
              path: [operator, key],
            })
        }
      }
    }),
)

const Statement = z.lazy(() =>
  strict(
    {
      Sid: text('Sid').optional(),
      Effect: z.enum(['Allow', 'Deny'], { error: 'Effect must be Allow or Deny.' }),
      Action: z
        .array(
          text('Each Action').refine((a) => supported(a), {
            error: (i) => `Action ${echo(String(i.input))} is not a supported s3: action.`,
          }),
          { error: 'Action must be an array of s3: actions.' },
        )
        .min(1, 'Action must name at least one action.'),
      Resource: z
        .array(text('Each Resource').min(1, 'A Resource must not be empty.'), {
          error: 'Resource must be an array of ARNs.',
        })
        .min(1, 'Resource must name at least one resource.'),
      Condition: Condition.optional(),
    },
    'A Statement',
  ),
)

export const PolicyDocument = z.lazy(() =>
  strict(
    {
      Version: z.literal('2012-10-17', { error: 'Version must be 2012-10-17.' }),
      Id: text('Id').optional(),
      Statement: z.array(Statement, { error: 'Statement must be an array.' }).min(1, 'Statement must not be empty.'),
    },
    'document',
  ),
)

// "Only alphanumeric characters and +=,.@_- are allowed", at most 128 characters.
const PolicyName = z.lazy(() =>
  z
    .string({ error: (i) => (i.input === undefined ? 'name is required.' : 'name must be a string.') })
    .min(1, 'name must not be empty.')
    .max(128, 'name must be at most 128 characters.')
    .regex(/^[A-Za-z0-9+=,.@_-]+$/, 'name may hold only letters, digits and +=,.@_-'),
)
export const Description = z.lazy(() => text('description').max(1000, 'description must be at most 1000 characters.'))

export const NewPolicy = z.lazy(() =>
  strict({ name: PolicyName, document: PolicyDocument, description: Description.optional() }, 'A policy'),
)
export type NewPolicyInput = z.output<typeof NewPolicy>
