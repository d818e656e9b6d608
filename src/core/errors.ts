/**
 * What went wrong, in the core's provider-neutral words. Each dialect maps a code to its own wire
 * error (status, code, envelope) in one table in its render module.
 */
export type ErrorCode =
  | 'InvalidInput'
  | 'MalformedPolicy'
  | 'MissingCredentials'
  | 'UnknownCredentials'
  | 'InvalidSignature'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'LimitExceeded'
  | 'InUse'
  | 'UnknownOperation'
  | 'PayloadTooLarge'
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
  /** Further problems found in the same request (Linode reports them all at once). */
  more?: { message: string; field?: string }[]
  /** A provider-specific error code the dialect should send instead of its default for `code`. */
  wireCode?: string
  [key: string]: unknown
}

/** @example if (isEmulatorError(err)) return renderError(err) */
export function isEmulatorError(value: unknown): value is EmulatorError {
  return value instanceof EmulatorError
}
