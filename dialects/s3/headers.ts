import { EmulatorError, echo } from '../../src/core/errors.js'
import type { ObjectHeaders } from '../../src/core/model.js'
import type { WireRequest } from '../../src/protocol/route.js'
import { httpDate } from './render.js'

const META = 'x-amz-meta-'

const HEADER_NAMES: [keyof ObjectHeaders, string][] = [
  ['contentType', 'content-type'],
  ['contentEncoding', 'content-encoding'],
  ['contentDisposition', 'content-disposition'],
  ['contentLanguage', 'content-language'],
  ['cacheControl', 'cache-control'],
  ['expires', 'expires'],
]

/** The headers an upload stores with its object; aws-chunked is the transfer's encoding, not the object's. */
export function storedHeadersOf(req: WireRequest): ObjectHeaders {
  const out: ObjectHeaders = {}
  for (const [field, name] of HEADER_NAMES) {
    let value = req.headers[name]
    if (field === 'contentEncoding' && value !== undefined) {
      value = value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '' && v !== 'aws-chunked')
        .join(', ')
    }
    if (value) out[field] = value
  }
  return out
}

/** The stored headers as an answer carries them; S3 answers `binary/octet-stream` for an object stored without a type. */
export function answerHeadersOf(headers: ObjectHeaders): Record<string, string> {
  const out: Record<string, string> = { 'content-type': headers.contentType ?? 'binary/octet-stream' }
  for (const [field, name] of HEADER_NAMES) {
    const value = headers[field]
    if (value !== undefined) out[name] = value
  }
  return out
}

/** User metadata from `x-amz-meta-*` headers, names lower-cased without the prefix. */
export function userMetadataOf(req: WireRequest): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(META) && name.length > META.length) out[name.slice(META.length)] = value
  }
  return out
}

/** User metadata as `x-amz-meta-*` answer headers. */
export function metadataHeaders(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).map(([name, value]) => [`${META}${name}`, value]))
}

/** An HTTP date header, or undefined when it is absent or not a date (S3 then ignores it). */
export function dateHeader(req: WireRequest, name: string): Date | undefined {
  const value = req.headers[name]
  if (value === undefined) return undefined
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/** The conditional headers of a read (GetObject, HeadObject) or of a copy's source. */
export function conditionsOf(req: WireRequest, prefix: '' | 'x-amz-copy-source-' = '') {
  return {
    ifMatch: req.headers[`${prefix}if-match`],
    ifNoneMatch: req.headers[`${prefix}if-none-match`],
    ifModifiedSince: dateHeader(req, `${prefix}if-modified-since`),
    ifUnmodifiedSince: dateHeader(req, `${prefix}if-unmodified-since`),
  }
}

/**
 * One byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`); anything else, several ranges included, is
 * ignored and the whole object answered, as S3 does.
 */
export function rangeOf(req: WireRequest): { first: number; last?: number } | { suffixLength: number } | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec((req.headers.range ?? '').trim())
  if (!m) return undefined
  const [, first, last] = m as unknown as [string, string, string]
  if (first === '' && last === '') return undefined
  if (first === '') return { suffixLength: Number(last) }
  if (last !== '' && Number(last) < Number(first)) return undefined
  return last === '' ? { first: Number(first) } : { first: Number(first), last: Number(last) }
}

/** A whole non-negative number a query parameter holds, or S3's InvalidArgument naming it. */
export function queryInteger(req: WireRequest, name: string): number | undefined {
  const value = req.url.searchParams.get(name)
  if (value === null) return undefined
  if (!/^\d{1,10}$/.test(value)) {
    throw new EmulatorError('InvalidInput', `Provided ${name} ${echo(value)} not an integer or within integer range`, {
      field: name,
    })
  }
  return Number(value)
}

export const lastModifiedHeader = (iso: string) => ({ 'last-modified': httpDate(iso) })
