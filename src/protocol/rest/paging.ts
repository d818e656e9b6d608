import type { WireRequest } from '../route.js'
import { invalidInput, type Problem } from './json.js'

/** The bounds of a whole-number query parameter. */
export interface IntegerRange {
  min: number
  max: number
  default: number
}

/**
 * A whole-number query parameter within its range; when it is not one, a problem naming it is noted
 * and the default returned, so that every problem of a request is reported at once.
 *
 * @example const limit = integerParam(req, 'limit', { min: 1, max: 100, default: 10 }, problems)
 */
export function integerParam(req: WireRequest, name: string, range: IntegerRange, problems: Problem[]): number {
  const raw = req.url.searchParams.get(name)
  if (raw === null) return range.default
  const n = /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN
  if (Number.isSafeInteger(n) && n >= range.min && n <= range.max) return n
  problems.push({
    message:
      range.max === Number.MAX_SAFE_INTEGER
        ? `${name} must be a whole number of at least ${range.min}.`
        : `${name} must be a whole number between ${range.min} and ${range.max}.`,
    field: name,
  })
  return range.default
}

export interface NumberedPageQuery {
  page: number
  pageSize: number
}

/**
 * `?page=&page_size=` of a numbered list (pages from 1), refused as a whole when either is wrong.
 *
 * @example numberedPageQuery(req, { min: 25, max: 500, default: 100 })
 */
export function numberedPageQuery(req: WireRequest, pageSize: IntegerRange): NumberedPageQuery {
  const problems: Problem[] = []
  const page = integerParam(req, 'page', { min: 1, max: Number.MAX_SAFE_INTEGER, default: 1 }, problems)
  const size = integerParam(req, 'page_size', pageSize, problems)
  if (problems.length > 0) throw invalidInput(problems)
  return { page, pageSize: size }
}
