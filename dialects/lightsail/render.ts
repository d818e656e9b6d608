import type { AccessKeyView } from '../../src/core/access-keys.js'
import type { EmulatorError, ErrorCode } from '../../src/core/errors.js'
import type { Bucket } from '../../src/core/model.js'
import type { WireResponse } from '../../src/protocol/route.js'
import { awsJsonError, type JsonObject } from '../../src/protocol/wire/aws-json.js'

// Lightsail's own exceptions carry `code`, `docs`, `message` and `tip` (every exception shape in the
// model). Lightsail answers its client errors with 400 (API reference, e.g. API_GetBuckets.html,
// NotFoundException: "HTTP Status Code: 400"), although the Smithy model the JS SDK is generated from
// gives NotFound 404, AccessDenied 403 and Unauthenticated 401: the SDK names the class from the
// X-Amzn-ErrorType header, never from the status. The `code` values are keyemu's (no capture shows
// the real ones). Authentication and dispatch failures come from the AWS JSON front end and carry
// only `__type` and `message`: UnrecognizedClientException 400 (DynamoDB's error reference),
// InvalidSignatureException and IncompleteSignatureException 400 (Storage Gateway's JSON 1.1 error
// table), MissingAuthenticationTokenException 403 (same table), UnknownOperationException 400 (as
// CloudWatch Logs answers it: aws/aws-sdk-net#1536; the CommonErrors page says 404).
type Wire = [status: number, exception: string, code?: string]
const wire: Record<ErrorCode, Wire> = {
  InvalidInput: [400, 'InvalidInputException', 'InvalidInput'],
  MalformedPolicy: [400, 'InvalidInputException', 'InvalidInput'],
  MissingCredentials: [403, 'MissingAuthenticationTokenException'],
  MalformedCredentials: [400, 'IncompleteSignatureException'],
  UnknownCredentials: [400, 'UnrecognizedClientException'],
  InvalidSignature: [400, 'InvalidSignatureException'],
  ExpiredCredentials: [400, 'InvalidSignatureException'],
  Forbidden: [400, 'AccessDeniedException', 'AccessDenied'],
  InsufficientScope: [400, 'AccessDeniedException', 'AccessDenied'],
  NotFound: [400, 'NotFoundException', 'DoesNotExist'],
  AlreadyExists: [400, 'InvalidInputException', 'AlreadyExists'],
  LimitExceeded: [400, 'InvalidInputException', 'LimitExceeded'],
  InUse: [400, 'InvalidInputException', 'ResourceInUse'],
  UnknownOperation: [400, 'UnknownOperationException'],
  MissingOperation: [400, 'UnknownOperationException'],
  PayloadTooLarge: [413, 'RequestEntityTooLargeException'],
  // Data-plane conditions no Lightsail operation meets; Lightsail would call them invalid input.
  DigestMismatch: [400, 'InvalidInputException', 'InvalidInput'],
  IncompleteBody: [400, 'InvalidInputException', 'InvalidInput'],
  PreconditionFailed: [400, 'InvalidInputException', 'InvalidInput'],
  NotModified: [400, 'InvalidInputException', 'InvalidInput'],
  RangeNotSatisfiable: [400, 'InvalidInputException', 'InvalidInput'],
  // The common errors of every AWS JSON API.
  Throttled: [400, 'ThrottlingException'],
  ServiceUnavailable: [503, 'ServiceUnavailable'],
  Internal: [500, 'ServiceException', 'InternalError'],
}

const DOCS = 'https://docs.aws.amazon.com/lightsail/2016-11-28/api-reference/'
const tips: Partial<Record<ErrorCode, string>> = {
  InvalidInput: 'Check the request parameters against the API reference and try again.',
  NotFound: 'Check the name of the resource and the AWS Region you are calling, then try again.',
  AlreadyExists: 'Bucket names are unique across all AWS accounts: choose another name.',
  LimitExceeded: 'A bucket can have at most two access keys: delete one before you create another.',
  InUse: 'Delete the objects and access keys of the bucket first, or call DeleteBucket with forceDelete.',
  Forbidden: 'Ask an administrator to grant the permission in an IAM policy.',
  Internal: 'Try the request again.',
}

/** @example renderError(new EmulatorError('NotFound', 'The bucket photos does not exist.'), requestId) */
export function renderError(err: EmulatorError, requestId: string): WireResponse {
  const [status, exception, code] = wire[err.code]
  const extra: JsonObject = code === undefined ? {} : { code, docs: DOCS, tip: tips[err.code] ?? '' }
  return awsJsonError(status, exception, err.message, requestId, extra)
}

/** Lightsail's timestamps: JSON numbers of epoch seconds, with milliseconds as the fraction. */
export const epochSeconds = (iso: string): number => Date.parse(iso) / 1000

export type ObjectVersioning = 'Enabled' | 'Suspended' | 'NeverEnabled'

/** What Lightsail keeps about a bucket in the core bucket's settings bag. */
export interface LightsailSettings {
  bundleId: string
  accessRules: { getObject: 'public' | 'private'; allowPublicOverrides: boolean }
  objectVersioning: ObjectVersioning
  readonlyAccessAccounts: string[]
  accessLogConfig: { enabled: boolean; destination?: string; prefix?: string }
  cors?: { rules?: JsonObject[] }
}

export const DEFAULT_BUNDLE = 'small_1_0'

/** A bucket's Lightsail settings, with defaults for buckets another dialect or a seed made. */
export function settingsOf(bucket: Bucket): LightsailSettings {
  const s = bucket.settings as Partial<LightsailSettings>
  return {
    bundleId: s.bundleId ?? DEFAULT_BUNDLE,
    accessRules: s.accessRules ?? { getObject: 'private', allowPublicOverrides: false },
    objectVersioning: s.objectVersioning ?? 'NeverEnabled',
    readonlyAccessAccounts: s.readonlyAccessAccounts ?? [],
    accessLogConfig: s.accessLogConfig ?? { enabled: false },
    ...(s.cors && { cors: s.cors }),
  }
}

/** The bucket's Lightsail ARN (resource type and id, as Lightsail names its resources). */
export const bucketArn = (bucket: Bucket): string =>
  `arn:aws:lightsail:${bucket.region}:${bucket.accountId}:Bucket/${bucket.id}`

const location = (region: string) => ({ availabilityZone: 'all', regionName: region })

export function renderBucket(bucket: Bucket, options: { connected?: boolean; cors?: boolean } = {}): JsonObject {
  const s = settingsOf(bucket)
  return {
    resourceType: 'Bucket',
    accessRules: s.accessRules,
    arn: bucketArn(bucket),
    bundleId: s.bundleId,
    createdAt: epochSeconds(bucket.createdAt),
    url: `https://${bucket.name}.s3.${bucket.region}.amazonaws.com/`,
    location: location(bucket.region),
    name: bucket.name,
    supportCode: `${bucket.accountId}/${bucket.id}`,
    tags: bucket.tags.map((t) => ({ key: t.key, value: t.value })),
    objectVersioning: s.objectVersioning,
    ableToUpdateBundle: true,
    readonlyAccessAccounts: s.readonlyAccessAccounts,
    ...(options.connected && { resourcesReceivingAccess: [] }),
    state: { code: 'OK' },
    accessLogConfig: s.accessLogConfig,
    ...(options.cors && { cors: s.cors ?? {} }),
  }
}

/** A bucket key; `secret` only in CreateBucketAccessKey's answer, which also has no `lastUsed`. */
export function renderAccessKey(key: AccessKeyView, secret?: string): JsonObject {
  const used = key.lastUsed
  // Filled in order rather than with conditional spreads, which cost more than the rest of a listing.
  const out: JsonObject = { accessKeyId: key.id }
  if (secret !== undefined) out.secretAccessKey = secret
  out.status = key.status
  out.createdAt = epochSeconds(key.createdAt)
  if (secret === undefined) {
    out.lastUsed = used
      ? { lastUsedDate: epochSeconds(used.at), region: used.region, serviceName: used.service }
      : { region: 'N/A', serviceName: 'N/A' }
  }
  return out
}

/** The record of a bucket change: Lightsail finishes bucket operations before it answers. */
export function renderOperation(bucket: Bucket, operationType: string, id: string, at: Date): JsonObject {
  const when = at.getTime() / 1000
  return {
    id,
    resourceName: bucket.name,
    resourceType: 'Bucket',
    createdAt: when,
    location: location(bucket.region),
    isTerminal: true,
    operationType,
    status: 'Succeeded',
    statusChangedAt: when,
  }
}
