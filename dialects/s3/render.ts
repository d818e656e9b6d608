import { hash } from 'node:crypto'
import type { EmulatorError, ErrorCode } from '../../src/core/errors.js'
import type { WireBody, WireRequest, WireResponse } from '../../src/protocol/route.js'
import { type XmlObject, xmlDocument } from '../../src/protocol/wire/xml.js'

export const NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/'

// Statuses and codes from the S3 model's Error.Code documentation and the ErrorResponses page (s3.md
// "Error format"); a neutral code S3 splits is refined as `wireCode` says.
const wire: Record<ErrorCode, [status: number, code: string]> = {
  InvalidInput: [400, 'InvalidArgument'],
  MalformedPolicy: [400, 'MalformedPolicy'],
  MissingCredentials: [403, 'AccessDenied'],
  MalformedCredentials: [400, 'AuthorizationHeaderMalformed'],
  UnknownCredentials: [403, 'InvalidAccessKeyId'],
  InvalidSignature: [403, 'SignatureDoesNotMatch'],
  ExpiredCredentials: [403, 'RequestTimeTooSkewed'],
  Forbidden: [403, 'AccessDenied'],
  InsufficientScope: [403, 'AccessDenied'],
  NotFound: [404, 'NoSuchBucket'],
  AlreadyExists: [409, 'BucketAlreadyExists'],
  LimitExceeded: [400, 'TooManyBuckets'],
  InUse: [409, 'BucketNotEmpty'],
  UnknownOperation: [501, 'NotImplemented'],
  MissingOperation: [400, 'InvalidRequest'],
  PayloadTooLarge: [400, 'EntityTooLarge'],
  DigestMismatch: [400, 'BadDigest'],
  IncompleteBody: [400, 'IncompleteBody'],
  PreconditionFailed: [412, 'PreconditionFailed'],
  NotModified: [304, 'NotModified'],
  RangeNotSatisfiable: [416, 'InvalidRange'],
  Throttled: [503, 'SlowDown'],
  ServiceUnavailable: [503, 'ServiceUnavailable'],
  Internal: [500, 'InternalError'],
}

// The finer codes S3 splits a neutral one into: named by the error itself (`detail.s3Code`, for the
// S3-only refusals), or told by the entity missing or taken, or by the signature being presigned.
const S3_CODE_STATUS: Record<string, number> = {
  InvalidBucketName: 400,
  MalformedXML: 400,
  InvalidLocationConstraint: 400,
  IllegalLocationConstraintException: 400,
  InvalidRequest: 400,
  InvalidDigest: 400,
  InvalidArgument: 400,
  EntityTooSmall: 400,
  EntityTooLarge: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  KeyTooLongError: 400,
  MetadataTooLarge: 400,
  InvalidURI: 400,
  MissingContentLength: 411,
  NotImplemented: 501,
  IncompleteBody: 400,
  XAmzContentSHA256Mismatch: 400,
}
// The core's reasons for refusing object input, in S3's codes.
const REASON_CODES: Record<string, string> = {
  'key-too-long': 'KeyTooLongError',
  'metadata-too-large': 'MetadataTooLarge',
  'invalid-key': 'InvalidArgument',
  'invalid-part-order': 'InvalidPartOrder',
  'invalid-part': 'InvalidPart',
  'entity-too-small': 'EntityTooSmall',
  'entity-too-large': 'EntityTooLarge',
  'invalid-continuation-token': 'InvalidArgument',
  'copy-to-itself': 'InvalidRequest',
  'too-many-keys': 'MalformedXML',
  'no-parts': 'MalformedXML',
  'invalid-part-number': 'InvalidArgument',
  'invalid-max-keys': 'InvalidArgument',
  'invalid-page-size': 'InvalidArgument',
  'size-mismatch': 'IncompleteBody',
  // The store's byte limit: S3 has no such limit, and a 5xx would be retried.
  'object-bytes': 'EntityTooLarge',
}
const refined: Record<string, [status: number, code: string]> = {
  'RangeNotSatisfiable:invalid-part-number': [416, 'InvalidPartNumber'],
  'MalformedCredentials:presigned': [400, 'AuthorizationQueryParametersError'],
  'ExpiredCredentials:presigned': [403, 'AccessDenied'],
  'NotFound:object': [404, 'NoSuchKey'],
  'NotFound:upload': [404, 'NoSuchUpload'],
  'AlreadyExists:own-bucket': [409, 'BucketAlreadyOwnedByYou'],
}

function wireCode(err: EmulatorError): { status: number; code: string; refinedBy: string } {
  const named = err.detail.s3Code
  const status = typeof named === 'string' ? S3_CODE_STATUS[named] : undefined
  if (typeof named === 'string' && status !== undefined) return { status, code: named, refinedBy: named }
  const reason = err.detail.reason
  const byReason = typeof reason === 'string' ? (refined[`${err.code}:${reason}`] ?? undefined) : undefined
  if (byReason) return { status: byReason[0], code: byReason[1], refinedBy: byReason[1] }
  const reasonCode = typeof reason === 'string' ? REASON_CODES[reason] : undefined
  const reasonStatus = reasonCode === undefined ? undefined : S3_CODE_STATUS[reasonCode]
  if (reasonCode !== undefined && reasonStatus !== undefined)
    return { status: reasonStatus, code: reasonCode, refinedBy: reasonCode }
  const by = `${err.code}:${String(err.detail.entity ?? (err.detail.presigned ? 'presigned' : ''))}`
  const [s, code] = refined[by] ?? wire[err.code]
  return { status: s, code, refinedBy: by }
}

// S3's own words where the neutral message is another provider's.
const MESSAGES: Partial<Record<string, string>> = {
  RequestTimeTooSkewed: 'The difference between the request time and the current time is too large.',
  'ExpiredCredentials:presigned': 'Request has expired',
  InvalidAccessKeyId: 'The AWS Access Key Id you provided does not exist in our records.',
  NoSuchBucket: 'The specified bucket does not exist',
  NoSuchKey: 'The specified key does not exist.',
  NoSuchUpload:
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  BucketNotEmpty: 'The bucket you tried to delete is not empty',
  BucketAlreadyOwnedByYou: 'Your previous request to create the named bucket succeeded and you already own it.',
  BucketAlreadyExists:
    'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
  SlowDown: 'Please reduce your request rate.',
  InternalError: 'We encountered an internal error. Please try again.',
}

/** S3's request id: 16 upper-case hex digits, from the dispatcher's id. */
export const s3RequestId = (requestId: string): string => requestId.replace(/-/g, '').slice(0, 16).toUpperCase()

/** The headers every S3 answer carries: its request id and the extended id S3 pairs with it. */
export function requestIdHeaders(requestId: string): Record<string, string> {
  return {
    'x-amz-request-id': s3RequestId(requestId),
    'x-amz-id-2': hash('sha256', requestId, 'base64'),
  }
}

const ERROR_ELEMENTS: Record<string, string> = {
  bucket: 'BucketName',
  key: 'Key',
  expires: 'Expires',
  serverTime: 'ServerTime',
  clientSha256: 'ClientComputedContentSHA256',
  serverSha256: 'S3ComputedContentSHA256',
}

/**
 * S3's error: `<Error><Code/><Message/><Resource/><RequestId/></Error>` with the request id headers;
 * a HEAD request's error and a 304 carry no body.
 *
 * @example renderError(new EmulatorError('NotFound', 'gone', { entity: 'object' }), req, requestId)
 */
export function renderError(err: EmulatorError, req: WireRequest, requestId: string): WireResponse {
  const { status, code, refinedBy } = wireCode(err)
  const headers = requestIdHeaders(requestId)
  if (req.method === 'HEAD' || status === 304) return { status, headers, body: '' }
  const extra: XmlObject = {}
  for (const [name, element] of Object.entries(ERROR_ELEMENTS)) {
    const value = err.detail[name]
    if (typeof value === 'string') extra[element] = value
  }
  if (code === 'RequestTimeTooSkewed') extra.MaxAllowedSkewMilliseconds = '900000'
  const body = xmlDocument('Error', {
    Code: code,
    Message: MESSAGES[refinedBy] ?? MESSAGES[code] ?? err.message,
    ...extra,
    Resource: req.rawPath ?? req.url.pathname,
    RequestId: s3RequestId(requestId),
  })
  return { status, headers: { 'content-type': 'application/xml', ...headers }, body }
}

/** A 200 XML answer with S3's namespace on the root. */
export function xmlAnswer(requestId: string, root: string, document: XmlObject, status = 200): WireResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml', ...requestIdHeaders(requestId) },
    body: xmlDocument(root, { '@_xmlns': NAMESPACE, ...document }),
  }
}

/** An answer with no body (204s, PutObject's 200), with the request id headers and `headers`. */
export function emptyAnswer(requestId: string, status: number, headers: Record<string, string> = {}): WireResponse {
  return { status, headers: Object.assign(requestIdHeaders(requestId), headers), body: '' }
}

/** An object's bytes, with its headers. */
export function bodyAnswer(
  requestId: string,
  status: number,
  headers: Record<string, string>,
  body: WireBody,
): WireResponse {
  return { status, headers: Object.assign(requestIdHeaders(requestId), headers), body }
}

/** List times: ISO 8601 with milliseconds. */
export const isoMillis = (iso: string): string => new Date(iso).toISOString()
/** Header times (Last-Modified): RFC 1123. */
export const httpDate = (iso: string): string => new Date(iso).toUTCString()
