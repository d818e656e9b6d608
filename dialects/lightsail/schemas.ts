import * as z from 'zod'
import { awsEnum, awsString } from '../../src/protocol/aws/validation.js'
import { jsonBoolean, jsonInteger, jsonList, jsonStructure } from '../../src/protocol/wire/aws-json.js'

// Schemas are z.lazy: each is built on its first use, not at every start (why: src/protocol/aws/validation.ts).
// Member constraints from the Lightsail service model (botocore lightsail/2016-11-28/service-2.json,
// and the Smithy model @aws-sdk/client-lightsail is generated from).
export const bucketName = z.lazy(() =>
  awsString({
    min: 3,
    max: 54,
    pattern: /^[a-z0-9][a-z0-9-]{1,52}[a-z0-9]$/,
    patternText: '^[a-z0-9][a-z0-9-]{1,52}[a-z0-9]$',
  }),
)
const nonEmpty = z.lazy(() => awsString({ pattern: /\S/, patternText: '.*\\S.*' }))
const plainString = z.lazy(() => awsString({}))
const accessLogPrefix = z.lazy(() =>
  awsString({
    min: 1,
    max: 100,
    pattern: /^[\w/!.*')(-]+$/,
    patternText: "^[\\w/!.*')(-]+$",
  }),
)
const tags = z.lazy(() => jsonList(jsonStructure({ key: plainString, value: plainString.optional() })))

export const CreateBucketInput = z.lazy(() =>
  z.object({
    bucketName,
    bundleId: nonEmpty,
    tags: tags.optional(),
    enableObjectVersioning: jsonBoolean.optional(),
  }),
)

export const GetBucketsInput = z.lazy(() =>
  z.object({
    bucketName: bucketName.optional(),
    pageToken: plainString.optional(),
    includeConnectedResources: jsonBoolean.optional(),
    includeCors: jsonBoolean.optional(),
  }),
)

const corsRule = z.lazy(() =>
  jsonStructure({
    id: awsString({ max: 255 }).optional(),
    allowedMethods: jsonList(awsEnum(['GET', 'PUT', 'POST', 'DELETE', 'HEAD'])),
    allowedOrigins: jsonList(plainString),
    allowedHeaders: jsonList(plainString).optional(),
    exposeHeaders: jsonList(plainString).optional(),
    maxAgeSeconds: jsonInteger(0, 2_147_483_647).optional(),
  }),
)

export const UpdateBucketInput = z.lazy(() =>
  z.object({
    bucketName,
    accessRules: jsonStructure({
      getObject: awsEnum(['public', 'private']).optional(),
      allowPublicOverrides: jsonBoolean.optional(),
    }).optional(),
    // The model types it as a plain string; its documentation allows exactly these two.
    versioning: awsEnum(['Enabled', 'Suspended']).optional(),
    readonlyAccessAccounts: jsonList(nonEmpty, 10).optional(),
    accessLogConfig: jsonStructure({
      enabled: jsonBoolean,
      destination: bucketName.optional(),
      prefix: accessLogPrefix.optional(),
    }).optional(),
    cors: jsonStructure({ rules: jsonList(corsRule, 20).optional() }).optional(),
  }),
)

export const DeleteBucketInput = z.lazy(() => z.object({ bucketName, forceDelete: jsonBoolean.optional() }))

export const BucketNameInput = z.lazy(() => z.object({ bucketName }))

export const DeleteBucketAccessKeyInput = z.lazy(() => z.object({ bucketName, accessKeyId: nonEmpty }))

export const GetBucketBundlesInput = z.lazy(() => z.object({ includeInactive: jsonBoolean.optional() }))

export type UpdateBucketChange = z.output<typeof UpdateBucketInput>
