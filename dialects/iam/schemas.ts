import * as z from 'zod'
import { awsBoolean, awsEnum, awsInteger, awsString } from '../../src/protocol/aws/validation.js'

// Member constraints from the IAM service model (botocore iam/2010-05-08/service-2.json).
const NAME = /^[\w+=,.@-]+$/
// Schemas are z.lazy: each is built on its first use, not at every start (why: src/protocol/aws/validation.ts).
const userName64 = z.lazy(() => awsString({ min: 1, max: 64, pattern: NAME, patternText: '[\\w+=,.@-]+' }))
const userName128 = z.lazy(() => awsString({ min: 1, max: 128, pattern: NAME, patternText: '[\\w+=,.@-]+' }))
const policyName = z.lazy(() => awsString({ min: 1, max: 128, pattern: NAME, patternText: '[\\w+=,.@-]+' }))
const path = z.lazy(() =>
  awsString({
    min: 1,
    max: 512,
    pattern: /^(\/|\/[\u0021-\u007E]+\/)$/,
    patternText: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
  }),
)
const policyPath = z.lazy(() =>
  awsString({
    min: 1,
    max: 512,
    pattern: /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/,
    patternText: '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/',
  }),
)
const pathPrefix = z.lazy(() =>
  awsString({
    min: 1,
    max: 512,
    pattern: /^\/[\u0021-\u007F]*$/,
    patternText: '\\u002F[\\u0021-\\u007F]*',
  }),
)
const arn = z.lazy(() => awsString({ min: 20, max: 2048 }))
const accessKeyId = z.lazy(() => awsString({ min: 16, max: 128, pattern: /^\w+$/, patternText: '[\\w]+' }))
const policyDocument = z.lazy(() =>
  awsString({
    min: 1,
    max: 131072,
    // The model allows tab, line feed and carriage return among the Latin-1 printables.
    pattern: /^[\t\n\r\u0020-\u00FF]+$/,
    patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
  }),
)
const marker = z.lazy(() =>
  awsString({ min: 1, max: 320, pattern: /^[\u0020-\u00FF]+$/, patternText: '[\\u0020-\\u00FF]+' }),
)
const maxItems = z.lazy(() => awsInteger(1, 1000))
const tags = z.lazy(() =>
  z
    .array(
      z.object({
        Key: awsString({
          min: 1,
          max: 128,
          pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u,
          patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+',
        }),
        Value: z.string().max(256, 'Member must have length less than or equal to 256').default(''),
      }),
    )
    .max(50, 'Member must have length less than or equal to 50'),
)

const paging = { Marker: marker.optional(), MaxItems: maxItems.optional() }

export const CreateUserInput = z.lazy(() =>
  z.object({ UserName: userName64, Path: path.optional(), Tags: tags.optional() }),
)
export const GetUserInput = z.lazy(() => z.object({ UserName: userName128.optional() }))
export const ListUsersInput = z.lazy(() => z.object({ PathPrefix: pathPrefix.optional(), ...paging }))
export const DeleteUserInput = z.lazy(() => z.object({ UserName: userName128 }))

export const CreateAccessKeyInput = z.lazy(() => z.object({ UserName: userName128.optional() }))
export const ListAccessKeysInput = z.lazy(() => z.object({ UserName: userName128.optional(), ...paging }))
export const UpdateAccessKeyInput = z.lazy(() =>
  z.object({
    UserName: userName128.optional(),
    AccessKeyId: accessKeyId,
    Status: awsEnum(['Active', 'Inactive']),
  }),
)
export const DeleteAccessKeyInput = z.lazy(() =>
  z.object({ UserName: userName128.optional(), AccessKeyId: accessKeyId }),
)
export const GetAccessKeyLastUsedInput = z.lazy(() => z.object({ AccessKeyId: accessKeyId }))

export const CreatePolicyInput = z.lazy(() =>
  z.object({
    PolicyName: policyName,
    PolicyDocument: policyDocument,
    Path: policyPath.optional(),
    Description: z.string().max(1000, 'Member must have length less than or equal to 1000').optional(),
    Tags: tags.optional(),
  }),
)
export const PolicyArnInput = z.lazy(() => z.object({ PolicyArn: arn }))
export const GetPolicyVersionInput = z.lazy(() =>
  z.object({
    PolicyArn: arn,
    VersionId: awsString({
      pattern: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/,
      patternText: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?',
    }),
  }),
)
export const ListPoliciesInput = z.lazy(() =>
  z.object({
    Scope: awsEnum(['All', 'AWS', 'Local']).optional(),
    OnlyAttached: awsBoolean.optional(),
    PathPrefix: pathPrefix.optional(),
    PolicyUsageFilter: awsEnum(['PermissionsPolicy', 'PermissionsBoundary']).optional(),
    ...paging,
  }),
)
export const UserPolicyArnInput = z.lazy(() => z.object({ UserName: userName64, PolicyArn: arn }))
export const ListAttachedUserPoliciesInput = z.lazy(() =>
  z.object({
    UserName: userName64,
    PathPrefix: pathPrefix.optional(),
    ...paging,
  }),
)
export const PutUserPolicyInput = z.lazy(() =>
  z.object({
    UserName: userName128,
    PolicyName: policyName,
    PolicyDocument: policyDocument,
  }),
)
export const UserPolicyInput = z.lazy(() => z.object({ UserName: userName128, PolicyName: policyName }))
export const ListUserPoliciesInput = z.lazy(() => z.object({ UserName: userName128, ...paging }))
