import { XMLBuilder } from 'fast-xml-parser'
import type { z } from 'zod'
import { EmulatorError } from '../../core/errors.js'
import { lowerFirst, parseAwsInput } from '../aws/validation.js'
import { type Permission, type Route, type RouteContext, route, type WireRequest, type WireResponse } from '../route.js'

// AWS Query (the IAM/STS wire): form-encoded parameters in, XML out.

const parsedForms = new WeakMap<WireRequest, URLSearchParams>()

/**
 * The request's parameters: the form body of a POST merged over the query string (AWS accepts both).
 *
 * @example queryParams(req).get('Action') // 'CreateUser'
 */
export function queryParams(req: WireRequest): URLSearchParams {
  let params = parsedForms.get(req)
  if (!params) {
    params = new URLSearchParams(req.url.search)
    for (const name of [...params.keys()]) if (name.startsWith('X-Amz-')) params.delete(name)
    if (req.method === 'POST' && req.body.length > 0) {
      const type = req.headers['content-type'] ?? ''
      if (!type.startsWith('application/x-www-form-urlencoded')) {
        throw new EmulatorError(
          'InvalidInput',
          `Unsupported Content-Type ${type || '(none)'}: expected application/x-www-form-urlencoded.`,
          {
            field: 'Content-Type',
          },
        )
      }
      const text = req.body.toString('utf8')
      if (/%(?![0-9A-Fa-f]{2})/.test(text)) {
        throw new EmulatorError('InvalidInput', 'The request body is not valid form encoding.', { field: 'body' })
      }
      for (const [name, value] of new URLSearchParams(text)) params.set(name, value)
    }
    parsedForms.set(req, params)
  }
  return params
}

/** The Action a Query request names, without failing on a malformed body. */
export function queryAction(req: WireRequest): string | undefined {
  try {
    return queryParams(req).get('Action') ?? undefined
  } catch {
    return undefined
  }
}

/**
 * The Query serialization turned back into structure: `Tags.member.1.Key=k` becomes
 * `{ Tags: [{ Key: 'k' }] }`. Action, Version and signature parameters are left out.
 *
 * @example decodeQuery(new URLSearchParams('UserName=bob&Tags.member.1.Key=team')) // { UserName: 'bob', Tags: [{ Key: 'team' }] }
 */
export function decodeQuery(params: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  for (const [name, value] of params) {
    if (name === 'Action' || name === 'Version') continue
    const parts = name.split('.')
    if (parts.some((p) => UNSAFE_KEYS.has(p))) continue
    let node: Record<string, unknown> = root
    for (let i = 0; i < parts.length; ) {
      const key = parts[i] as string
      if (parts[i + 1] === 'member' && i + 2 < parts.length) {
        const index = Number(parts[i + 2]) - 1
        if (!Number.isInteger(index) || index < 0) break
        const list = (Array.isArray(node[key]) ? node[key] : []) as unknown[]
        node[key] = list
        if (i + 3 === parts.length) {
          list[index] = value
          break
        }
        const next = objectAt(list, index)
        if (!next) break
        node = next
        i += 3
      } else {
        if (i === parts.length - 1) {
          node[key] = value
          break
        }
        const next = objectAt(node, key)
        if (!next) break
        node = next
        i += 1
      }
    }
  }
  return root
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

// The structure under `key`, made when missing; undefined when a plain value already sits there.
function objectAt(
  container: Record<string, unknown> | unknown[],
  key: string | number,
): Record<string, unknown> | undefined {
  const slots = container as Record<string | number, unknown>
  const existing = slots[key] ?? {}
  if (typeof existing !== 'object' || existing === null || Array.isArray(existing)) return undefined
  slots[key] = existing
  return existing as Record<string, unknown>
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true })

/** An XML element value: nested objects, arrays of repeated elements, or text. */
export type XmlValue = string | number | boolean | undefined | XmlObject | XmlValue[]
export interface XmlObject {
  [name: string]: XmlValue
}

/** `<Name><member>…</member>…</Name>`, or an empty element for an empty list. */
export function members(items: XmlValue[]): XmlValue {
  return items.length > 0 ? { member: items } : ''
}

/**
 * The success envelope: `<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata>…`. Pass no
 * result for operations that return nothing.
 *
 * @example queryResponse(ns, 'GetUser', { User: renderUser(u) }, requestId)
 */
export function queryResponse(
  namespace: string,
  operation: string,
  result: XmlObject | undefined,
  requestId: string,
): WireResponse {
  const body: XmlObject = { '@_xmlns': namespace }
  if (result) body[`${operation}Result`] = result
  body.ResponseMetadata = { RequestId: requestId }
  return xml(200, { [`${operation}Response`]: body }, requestId)
}

/** The error envelope: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`. */
export function queryError(
  namespace: string,
  status: number,
  code: string,
  message: string,
  requestId: string,
): WireResponse {
  const error = { Type: status >= 500 ? 'Receiver' : 'Sender', Code: code, Message: message }
  return xml(status, { ErrorResponse: { '@_xmlns': namespace, Error: error, RequestId: requestId } }, requestId)
}

function xml(status: number, document: XmlObject, requestId: string): WireResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(document)}`,
  }
}

/**
 * The routes of one Query operation (AWS takes it by POST form and by GET query string): parse its
 * parameters with `input`, run `handle`, and wrap its result in the operation's envelope.
 *
 * @example queryOperation({ namespace, operation: 'GetUser', input: GetUserInput, handle: ({ input }) => ({ User: ... }) })
 */
export function queryOperation<S extends z.ZodType>(spec: {
  namespace: string
  operation: string
  input: S
  authorize: (ctx: RouteContext<z.output<S>>) => Permission
  handle: (ctx: RouteContext<z.output<S>>) => Promise<XmlObject | undefined> | XmlObject | undefined
}): Route<unknown>[] {
  const when = (req: WireRequest) => queryAction(req) === spec.operation
  const parse = (req: WireRequest) => parseAwsInput(spec.input, decodeQuery(queryParams(req)), lowerFirst)
  const handle = async (ctx: RouteContext<z.output<S>>) =>
    queryResponse(spec.namespace, spec.operation, await spec.handle(ctx), ctx.requestId)
  return (['POST', 'GET'] as const).map((method) =>
    route({ method, path: '/', operation: spec.operation, when, parse, authorize: spec.authorize, handle }),
  )
}
