import type { EmulatorError, ErrorCode } from '../core/errors.js'
import { jsonResponse } from './rest/json.js'
import type { TextResponse } from './route.js'

// keyemu's own answers (the /_emu control plane, a request no dialect claims) have no provider to
// copy: a JSON body `{"error": code, "message"}` with the status HTTP gives the kind of problem.
/** The status HTTP gives each kind of problem, for keyemu's own answers and providers that document none. */
export const HTTP_STATUSES: Readonly<Record<ErrorCode, number>> = {
  InvalidInput: 400,
  MalformedPolicy: 400,
  MissingCredentials: 401,
  MalformedCredentials: 401,
  UnknownCredentials: 401,
  InvalidSignature: 401,
  ExpiredCredentials: 401,
  Forbidden: 403,
  InsufficientScope: 403,
  NotFound: 404,
  AlreadyExists: 409,
  LimitExceeded: 409,
  InUse: 409,
  UnknownOperation: 404,
  MissingOperation: 404,
  PayloadTooLarge: 413,
  DigestMismatch: 400,
  IncompleteBody: 400,
  PreconditionFailed: 412,
  NotModified: 304,
  RangeNotSatisfiable: 416,
  Throttled: 429,
  ServiceUnavailable: 503,
  Internal: 500,
}

/**
 * An error in keyemu's own format, for what no dialect answers.
 *
 * @example renderNeutralError(new EmulatorError('NotFound', 'No control endpoint GET /_emu/x.'), requestId)
 */
export function renderNeutralError(err: EmulatorError, requestId: string, extra: object = {}): TextResponse {
  return jsonResponse(HTTP_STATUSES[err.code], { error: err.code, message: err.message, requestId, ...extra })
}
