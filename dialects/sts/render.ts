import type { EmulatorError, ErrorCode } from '../../src/core/errors.js'
import type { WireResponse } from '../../src/protocol/route.js'
import { QUERY_COMMON_ERRORS, queryError } from '../../src/protocol/wire/aws-query.js'

export const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/'
export const VERSION = '2011-06-15'

// Statuses and codes from the STS model's error traits (botocore data/sts/2011-06-15) and the API
// reference's Common Errors page. GetCallerIdentity declares no error of its own; the rows no STS
// operation meets answer as STS answers any bad parameter.
const wire: Record<ErrorCode, readonly [status: number, code: string]> = {
  ...QUERY_COMMON_ERRORS,
  InvalidInput: [400, 'ValidationError'],
  MalformedPolicy: [400, 'MalformedPolicyDocument'],
  Forbidden: [403, 'AccessDenied'],
  InsufficientScope: [403, 'AccessDenied'],
  NotFound: [400, 'ValidationError'],
  AlreadyExists: [400, 'ValidationError'],
  LimitExceeded: [400, 'ValidationError'],
  InUse: [400, 'ValidationError'],
  DigestMismatch: [400, 'ValidationError'],
  IncompleteBody: [400, 'ValidationError'],
  PreconditionFailed: [400, 'ValidationError'],
  NotModified: [400, 'ValidationError'],
  RangeNotSatisfiable: [400, 'ValidationError'],
  Internal: [500, 'InternalFailure'],
}

/** @example renderError(new EmulatorError('UnknownCredentials', 'The security token included in the request is invalid.'), requestId) */
export function renderError(err: EmulatorError, requestId: string): WireResponse {
  const [status, code] = wire[err.code]
  return queryError(NAMESPACE, status, code, err.message, requestId)
}
