import { EmulatorError } from './errors.js'
import type { StoredObject } from './model.js'

/** The longest key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024
/** The most bytes of user metadata (names and values, UTF-8) one object carries. */
export const MAX_METADATA_BYTES = 2048
/** The largest body of one PutObject or one part. */
export const MAX_BODY_BYTES = 5 * 1024 ** 3

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** @example checkKey('photos/cat.jpg') // throws InvalidInput for '' or a key over 1024 bytes */
export function checkKey(key: string, field = 'key'): void {
  if (key.length === 0)
    throw new EmulatorError('InvalidInput', 'A key must not be empty.', { field, reason: 'invalid-key' })
  if (LONE_SURROGATE.test(key)) {
    throw new EmulatorError('InvalidInput', 'A key must be valid UTF-8.', { field, reason: 'invalid-key' })
  }
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new EmulatorError('InvalidInput', `Your key is too long: at most ${MAX_KEY_BYTES} bytes.`, {
      field,
      reason: 'key-too-long',
    })
  }
}

/** User metadata with lowercased names, checked against the size limit. @example userMetadata({ Color: 'red' }) */
export function userMetadata(metadata: Readonly<Record<string, string>> = {}): Record<string, string> {
  const entries = Object.entries(metadata).map(([name, value]) => [name.toLowerCase(), value] as const)
  const bytes = entries.reduce((n, [name, value]) => n + Buffer.byteLength(name) + Buffer.byteLength(value), 0)
  if (bytes > MAX_METADATA_BYTES) {
    throw new EmulatorError(
      'InvalidInput',
      `Your metadata headers exceed the maximum allowed metadata size: ${bytes} of ${MAX_METADATA_BYTES} bytes.`,
      { field: 'metadata', reason: 'metadata-too-large' },
    )
  }
  // fromEntries makes own properties, even of a name like __proto__.
  return Object.fromEntries(entries)
}

/** Conditional-request headers, as sent (ETag lists may be comma-separated, `*` allowed). */
export interface Conditions {
  ifMatch?: string | undefined
  ifNoneMatch?: string | undefined
  ifModifiedSince?: Date | undefined
  ifUnmodifiedSince?: Date | undefined
}

const etagOf = (text: string) => text.trim().replace(/^W\//, '').replace(/^"|"$/g, '')
const matches = (list: string, etag: string) =>
  list.split(',').some((candidate) => candidate.trim() === '*' || etagOf(candidate) === etagOf(etag))
// HTTP dates have whole seconds.
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000)
const secondsOf = (date: Date) => Math.floor(date.getTime() / 1000)

/**
 * Judge conditional headers against an object, as RFC 9110 and S3 order them: If-Match (or, without
 * it, If-Unmodified-Since) failing is PreconditionFailed; If-None-Match (or, without it,
 * If-Modified-Since) failing is NotModified for a read, PreconditionFailed for a copy source.
 *
 * @example checkConditions(object, { ifNoneMatch: '"abc"' }, 'read')
 */
export function checkConditions(object: StoredObject, c: Conditions, use: 'read' | 'copy-source'): void {
  const failed = (condition: string) =>
    new EmulatorError(
      'PreconditionFailed',
      `At least one of the pre-conditions you specified did not hold: ${condition}.`,
      {
        condition,
      },
    )
  if (c.ifMatch !== undefined) {
    if (!matches(c.ifMatch, object.etag)) throw failed('If-Match')
  } else if (c.ifUnmodifiedSince && seconds(object.lastModified) > secondsOf(c.ifUnmodifiedSince)) {
    throw failed('If-Unmodified-Since')
  }
  const unchanged = (condition: string) =>
    use === 'read'
      ? new EmulatorError('NotModified', 'Not Modified', {
          condition,
          etag: object.etag,
          lastModified: object.lastModified,
        })
      : failed(condition)
  if (c.ifNoneMatch !== undefined) {
    if (matches(c.ifNoneMatch, object.etag)) throw unchanged('If-None-Match')
  } else if (c.ifModifiedSince && seconds(object.lastModified) <= secondsOf(c.ifModifiedSince)) {
    throw unchanged('If-Modified-Since')
  }
}

/** A byte range as HTTP states it: `bytes=first-last`, `bytes=first-`, `bytes=-suffixLength`. */
export type ByteRange = { first: number; last?: number | undefined } | { suffixLength: number }

/**
 * The inclusive byte positions a range selects in a body of `size` bytes.
 *
 * @example resolveRange({ first: 0, last: 9 }, 100) // { start: 0, end: 9 }
 */
export function resolveRange(range: ByteRange, size: number): { start: number; end: number } {
  const unsatisfiable = () =>
    new EmulatorError('RangeNotSatisfiable', 'The requested range is not satisfiable.', { size })
  if ('suffixLength' in range) {
    if (range.suffixLength <= 0 || size === 0) throw unsatisfiable()
    return { start: Math.max(size - range.suffixLength, 0), end: size - 1 }
  }
  if (range.first >= size || (range.last !== undefined && range.last < range.first)) throw unsatisfiable()
  return { start: range.first, end: Math.min(range.last ?? size - 1, size - 1) }
}

/** Compare ETags as clients send them: with or without quotes. */
export const sameEtag = (a: string, b: string): boolean => etagOf(a) === etagOf(b)
