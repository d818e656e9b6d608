import type * as z from 'zod'
import { EmulatorError, type ErrorCode, echo, isEmulatorError } from '../../core/errors.js'
import { lowerFirst, parseAwsInput } from '../aws/validation.js'
import { type Permission, type Route, type RouteContext, route, type TextResponse, type WireRequest } from '../route.js'
import { type XmlObject, type XmlValue, xmlDocument } from './xml.js'

export type { XmlObject, XmlValue } from './xml.js'

// AWS Query (the IAM/STS wire): form-encoded parameters in, XML out.

const parsedForms = new WeakMap<WireRequest, Map<string, string>>()

/**
 * The request's parameters: the form body of a POST merged over the query string (AWS accepts both),
 * the last of a repeated name winning.
 *
 * @example queryParams(req).get('Action') // 'CreateUser'
 */
export function queryParams(req: WireRequest): ReadonlyMap<string, string> {
  let params = parsedForms.get(req)
  if (!params) {
    // Counted before anything is decoded: a form of many thousand parameters buys nothing.
    const count = separators(req.url.search) + (req.method === 'POST' ? separators(req.body) : 0)
    if (count > MAX_PARAMETERS) {
      throw new EmulatorError('InvalidInput', `The request has more than ${MAX_PARAMETERS} parameters.`)
    }
    params = new Map()
    for (const [name, value] of req.url.searchParams) if (!name.startsWith('X-Amz-')) params.set(name, value)
    if (req.method === 'POST' && req.body.length > 0) {
      const type = req.headers['content-type'] ?? ''
      if (!type.startsWith('application/x-www-form-urlencoded')) {
        throw new EmulatorError(
          'InvalidInput',
          `Unsupported Content-Type ${echo(type) || '(none)'}: expected application/x-www-form-urlencoded.`,
          { field: 'Content-Type' },
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

/** More parameters than any Query operation takes (IAM's largest inputs hold a few hundred). */
const MAX_PARAMETERS = 1000
const AMPERSAND = 0x26

function separators(text: string | Buffer): number {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text
  let count = 0
  for (let at = bytes.indexOf(AMPERSAND); at >= 0 && count <= MAX_PARAMETERS; at = bytes.indexOf(AMPERSAND, at + 1)) {
    count++
  }
  return count
}

/** The Action a Query request names, without failing on a malformed body. */
export function queryAction(req: WireRequest): string | undefined {
  try {
    return queryParams(req).get('Action')
  } catch {
    return undefined
  }
}

/** Deeper parameter names than any AWS shape has are refused, not followed. */
const MAX_NAME_PARTS = 16
/** No AWS list member is numbered this high: a larger index is refused before anything is built. */
const MAX_LIST_INDEX = 1000

// A list while it is being decoded: its members by the index the client gave them.
class ListDraft {
  readonly members = new Map<number, unknown>()
  constructor(readonly name: string) {}
}

/**
 * The Query serialization turned back into structure: `Tags.member.1.Key=k` becomes
 * `{ Tags: [{ Key: 'k' }] }`. Action, Version and signature parameters are left out. Lists must be
 * numbered from 1 without gaps, and names nest only so deep: anything else is InvalidInput naming the
 * parameter, so that the work is proportional to the request and never builds sparse arrays.
 *
 * @example decodeQuery(new Map([['UserName', 'bob'], ['Tags.member.1.Key', 'team']])) // { UserName: 'bob', Tags: [{ Key: 'team' }] }
 */
export function decodeQuery(params: Iterable<[string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  for (const [name, value] of params) {
    if (name === 'Action' || name === 'Version') continue
    const parts = name.split('.')
    if (parts.length > MAX_NAME_PARTS) {
      throw new EmulatorError(
        'InvalidInput',
        `Parameter ${echo(name)} nests deeper than any member of this operation.`,
        {
          field: echo(name),
        },
      )
    }
    if (parts.some((p) => UNSAFE_KEYS.has(p))) continue
    let node: Record<string, unknown> | ListDraft = root
    for (let i = 0; i < parts.length; ) {
      const key = parts[i] as string
      const last = i === parts.length - 1
      if (node instanceof ListDraft) break
      if (parts[i + 1] === 'member' && i + 2 < parts.length) {
        const index = Number(parts[i + 2])
        if (!/^[1-9]\d{0,3}$/.test(parts[i + 2] as string) || index > MAX_LIST_INDEX) {
          throw new EmulatorError('InvalidInput', `Parameter ${echo(name)} names no member of a list.`, {
            field: echo(name),
          })
        }
        const existing = node[key]
        const list = existing instanceof ListDraft ? existing : new ListDraft(parts.slice(0, i + 1).join('.'))
        if (existing !== undefined && existing !== list) break
        node[key] = list
        if (i + 3 === parts.length) {
          list.members.set(index, value)
          break
        }
        const next = list.members.get(index) ?? {}
        if (typeof next !== 'object' || next === null || next instanceof ListDraft) break
        list.members.set(index, next)
        node = next as Record<string, unknown>
        i += 3
      } else {
        if (last) {
          if (node[key] === undefined) node[key] = value
          break
        }
        const next = node[key] ?? {}
        if (typeof next !== 'object' || next === null || next instanceof ListDraft) break
        node[key] = next
        node = next as Record<string, unknown>
        i += 1
      }
    }
  }
  return finished(root) as Record<string, unknown>
}

// Lists become arrays once every member is known; a gap in their numbering is the client's mistake.
function finished(node: unknown): unknown {
  if (node instanceof ListDraft) {
    const count = node.members.size
    const items: unknown[] = []
    for (let i = 1; i <= count; i++) {
      if (!node.members.has(i)) {
        throw new EmulatorError(
          'InvalidInput',
          `List ${echo(node.name)} must be numbered from member.1 without gaps.`,
          {
            field: echo(node.name),
          },
        )
      }
      items.push(finished(node.members.get(i)))
    }
    return items
  }
  if (typeof node === 'object' && node !== null) {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(node)) out[key] = finished(value)
    return out
  }
  return node
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

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
): TextResponse {
  const body: XmlObject = { '@_xmlns': namespace }
  if (result) body[`${operation}Result`] = result
  body.ResponseMetadata = { RequestId: requestId }
  return xml(200, `${operation}Response`, body, requestId)
}

/**
 * The errors every AWS Query service answers alike (authentication, the Action parameter, throttling),
 * from the Common Errors pages of the IAM and STS API references; each dialect adds its own codes.
 */
export const QUERY_COMMON_ERRORS = {
  MissingCredentials: [403, 'MissingAuthenticationToken'],
  MalformedCredentials: [400, 'IncompleteSignature'],
  UnknownCredentials: [403, 'InvalidClientTokenId'],
  InvalidSignature: [403, 'SignatureDoesNotMatch'],
  ExpiredCredentials: [403, 'SignatureDoesNotMatch'],
  UnknownOperation: [400, 'InvalidAction'],
  MissingOperation: [400, 'MissingAction'],
  PayloadTooLarge: [413, 'RequestEntityTooLarge'],
  Throttled: [400, 'Throttling'],
  ServiceUnavailable: [503, 'ServiceUnavailable'],
} as const satisfies Partial<Record<ErrorCode, readonly [status: number, code: string]>>

/**
 * The error for a Query request no route serves: MissingAction without an Action, else InvalidAction
 * naming it with the API version, as AWS words it.
 *
 * @example unknownOperation(req) { return unknownQueryOperation(req, '2011-06-15') }
 */
export function unknownQueryOperation(req: WireRequest, version: string): EmulatorError {
  let action: string | undefined
  try {
    action = queryParams(req).get('Action')
  } catch (err) {
    if (isEmulatorError(err)) return err
    throw err
  }
  if (action === undefined) {
    return new EmulatorError('MissingOperation', 'The request must contain the parameter Action.')
  }
  return new EmulatorError('UnknownOperation', `Could not find operation ${echo(action)} for version ${version}.`)
}

/** The error envelope: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`. */
export function queryError(
  namespace: string,
  status: number,
  code: string,
  message: string,
  requestId: string,
): TextResponse {
  const error = { Type: status >= 500 ? 'Receiver' : 'Sender', Code: code, Message: message }
  return xml(status, 'ErrorResponse', { '@_xmlns': namespace, Error: error, RequestId: requestId }, requestId)
}

function xml(status: number, root: string, document: XmlObject, requestId: string): TextResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: xmlDocument(root, document),
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
  /** The permission the operation needs, or null for one any authenticated caller may call. */
  authorize: ((ctx: RouteContext<z.output<S>>) => Permission) | null
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
