import { createHash } from 'node:crypto'
import { EmulatorError } from './errors.js'

export interface CursorPage<T> {
  items: T[]
  /** Opaque cursor for the next page; absent on the last page. */
  next?: string
}

/** Which page to show: after the cursor a previous page gave, at most `limit` items. */
export interface PageRequest {
  cursor?: string | undefined
  limit: number
  /** The caller's name for the cursor, for the error when it is not one we gave. */
  field?: string
  /**
   * What is being listed (`org/1/access-keys`, with anything that changes the order): a cursor
   * given by one listing is refused by another.
   */
  listing?: string
  /** Items are sorted newest (greatest key) first. */
  descending?: boolean
}

/**
 * One page of `items` after the item whose key the cursor names. Cursors are opaque to callers, bound
 * to their listing, and stay valid when items are added or deleted between pages: no item that
 * existed throughout is skipped or repeated.
 *
 * @example pageAfter(users, { cursor: req.Marker, limit: 100 }, (u) => u.name)
 */
export function pageAfter<T>(items: readonly T[], options: PageRequest, keyOf: (item: T) => string): CursorPage<T> {
  const listing = options.listing ?? ''
  let start = 0
  if (options.cursor !== undefined) {
    const after = decodeCursor(options.cursor, listing, options.field)
    start = items.findIndex((item) => (options.descending ? keyOf(item) < after : keyOf(item) > after))
    if (start < 0) start = items.length
  }
  const slice = items.slice(start, start + options.limit)
  const last = slice[slice.length - 1]
  const more = start + options.limit < items.length
  return more && last !== undefined ? { items: slice, next: encodeCursor(keyOf(last), listing) } : { items: slice }
}

export interface NumberedPage<T> {
  items: T[]
  page: number
  pages: number
  total: number
}

/** Page `page` (from 1) of `pageSize` items. @example pageNumber(keys, 2, 25) */
export function pageNumber<T>(items: readonly T[], page: number, pageSize: number): NumberedPage<T> {
  const pages = Math.max(1, Math.ceil(items.length / pageSize))
  return { items: items.slice((page - 1) * pageSize, page * pageSize), page, pages, total: items.length }
}

/** Sort by a string key in code-point order, the order cursors rely on. */
export function sortedBy<T>(items: T[], keyOf: (item: T) => string): T[] {
  return items.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0))
}

// A cursor is the listing's fingerprint and the last key shown, so that it names a place in one listing.
const fingerprint = (listing: string) => createHash('sha256').update(listing).digest('base64url').slice(0, 11)

function encodeCursor(key: string, listing: string): string {
  return Buffer.from(`${fingerprint(listing)}.${key}`, 'utf8').toString('base64url')
}

const MAX_CURSOR_LENGTH = 2048

function decodeCursor(cursor: string, listing: string, field = 'marker'): string {
  const text =
    cursor.length <= MAX_CURSOR_LENGTH && /^[A-Za-z0-9_-]+$/.test(cursor)
      ? Buffer.from(cursor, 'base64url').toString('utf8')
      : ''
  const dot = text.indexOf('.')
  const key = text.slice(dot + 1)
  if (dot < 0 || !key || text.slice(0, dot) !== fingerprint(listing) || encodeCursor(key, listing) !== cursor) {
    throw new EmulatorError(
      'InvalidInput',
      `Invalid ${field}: it was not returned by a previous call of this listing.`,
      {
        field,
      },
    )
  }
  return key
}
