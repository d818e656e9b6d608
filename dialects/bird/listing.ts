import { type CursorPage, pageAfter } from '../../src/core/pagination.js'
import type { ListQuery } from './schemas.js'

/**
 * One page of `items` (given oldest or first first), reversed when asked. A pageToken names the last
 * item shown within one listing (`listing`, with the order): another listing, or the same one
 * reversed, refuses it.
 */
export function pageOf<T>(items: T[], query: ListQuery, listing: string, keyOf: (item: T) => string): CursorPage<T> {
  const ordered = query.reverse ? [...items].reverse() : items
  return pageAfter(
    ordered,
    {
      cursor: query.pageToken,
      limit: query.limit,
      field: 'pageToken',
      listing: `${listing}:reverse=${query.reverse}`,
      descending: query.reverse,
    },
    keyOf,
  )
}
