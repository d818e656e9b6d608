/**
 * What went wrong, in the core's provider-neutral words. Each dialect maps a code to its own wire
 * error (status, code, envelope) in one table in its render module.
 */
export type ErrorCode =
  | 'InvalidInput'
  | 'MalformedPolicy'
  | 'MissingCredentials'
  /** Credentials are there but cannot be read (a malformed signature, a half-written header). */
  | 'MalformedCredentials'
  | 'UnknownCredentials'
  | 'InvalidSignature'
  /** Signed too long ago or too far ahead, or a presigned URL past its expiry. */
  | 'ExpiredCredentials'
  | 'Forbidden'
  /** A token without the scope the operation needs. */
  | 'InsufficientScope'
  | 'NotFound'
  | 'AlreadyExists'
  | 'LimitExceeded'
  | 'InUse'
  | 'UnknownOperation'
  /** The request names no operation at all. */
  | 'MissingOperation'
  | 'PayloadTooLarge'
  /** A body that does not match the digest or checksum sent with it (Content-MD5, x-amz-checksum-*, a payload hash). */
  | 'DigestMismatch'
  /** A body that ended before the length or framing it declared. */
  | 'IncompleteBody'
  /** A conditional request whose condition does not hold (If-Match, If-None-Match: * on an existing object). */
  | 'PreconditionFailed'
  /** A conditional read whose copy is still current: answered without a body. */
  | 'NotModified'
  /** A byte range outside the object. */
  | 'RangeNotSatisfiable'
  /** Too many requests: the caller should back off and retry (injected as a fault). */
  | 'Throttled'
  /** The service cannot answer now; a retry may succeed (injected as a fault). */
  | 'ServiceUnavailable'
  | 'Internal'

/**
 * The one error type of keyemu. `detail` carries what a dialect needs to name the problem in its
 * own words (the field at fault, the entity kind, ...).
 *
 * @example
 * throw new EmulatorError('NotFound', 'The user with name bob cannot be found.', { entity: 'user' })
 */
export class EmulatorError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail: ErrorDetail = {},
  ) {
    super(message)
    this.name = 'EmulatorError'
  }
}

export interface ErrorDetail {
  /** The input field at fault, in the caller's own spelling. */
  field?: string
  /** Further problems found in the same request (Linode reports them all at once); a handful at most. */
  more?: { message: string; field?: string }[]
  [key: string]: unknown
}

/** @example if (isEmulatorError(err)) return renderError(err) */
export function isEmulatorError(value: unknown): value is EmulatorError {
  return value instanceof EmulatorError
}

/** The most problems one error answer lists: enough to fix a request, never an echo of a huge one. */
export const MAX_PROBLEMS = 10

const ECHO_LIMIT = 100

/**
 * A value a client sent, fit to quote in a message: at most 100 characters (then an ellipsis), with
 * control characters and lone surrogates, which no wire format carries safely, replaced by `?`.
 *
 * @example `The user with name ${echo(name)} cannot be found.`
 */
export function echo(value: string): string {
  return carriable(value.length > ECHO_LIMIT ? `${value.slice(0, ECHO_LIMIT)}…` : value)
}

/** Text with what no wire format carries safely (control characters, lone surrogates) replaced by `?`. */
export function carriable(text: string): string {
  return text.replace(UNCARRIABLE, '?')
}

// Control characters, noncharacters and lone surrogates: what neither XML 1.0 nor a log line carries.
const UNCARRIABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
