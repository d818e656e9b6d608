import type * as z from 'zod'
import { EmulatorError, echo, MAX_PROBLEMS } from '../../core/errors.js'
import type { TextResponse, WireRequest } from '../route.js'

// The JSON-over-REST wire that Linode, Tigris and Bird share: JSON bodies in, JSON out, every
// problem of a request reported at once with the path of the field at fault.

/** One problem with a request, naming the field at fault in the dialect's own spelling. */
export interface Problem {
  message: string
  field?: string
}

/**
 * Every problem of one request as one InvalidInput error (the first as its message, the rest in
 * `detail.more`), at most a handful of them.
 *
 * @example throw invalidInput([{ message: 'label is required.', field: 'label' }])
 */
export function invalidInput(problems: Problem[]): EmulatorError {
  const [first, ...rest] = problems.slice(0, MAX_PROBLEMS)
  return new EmulatorError('InvalidInput', first?.message ?? 'Invalid request.', {
    ...(first?.field !== undefined && { field: first.field }),
    more: rest,
  })
}

/** A JSON answer. @example jsonResponse(200, { data: [] }) */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): TextResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }
}

/** Deeper than any body a provider takes; deeper ones are refused before they are parsed. */
export const MAX_JSON_DEPTH = 32

// The deepest nesting of arrays and objects in a JSON text, counted in one pass outside strings.
function nestingDepth(text: string): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) deepest = depth
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return deepest
}

/** A JSON object as a body holds it. */
export type JsonObject = { [member: string]: unknown }

/**
 * The request's JSON body as an object; an empty body is an empty object. Malformed JSON, a body
 * that is not an object, and nesting deeper than MAX_JSON_DEPTH are InvalidInput naming `body`.
 *
 * `nameKind` adds what the body was instead (AWS JSON services say "not an array").
 *
 * @example const body = readJsonObject(req)
 */
export function readJsonObject(req: WireRequest, options: { nameKind?: boolean } = {}): JsonObject {
  const text = req.body.toString('utf8')
  if (text.trim() === '') return {}
  if (nestingDepth(text) > MAX_JSON_DEPTH) {
    throw new EmulatorError('InvalidInput', `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`, {
      field: 'body',
    })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new EmulatorError('InvalidInput', 'The request body is not valid JSON.', { field: 'body' })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`
    const message = options.nameKind
      ? `The request body must be a JSON object, not ${kind}.`
      : 'The request body must be a JSON object.'
    throw new EmulatorError('InvalidInput', message, { field: 'body' })
  }
  return value as JsonObject
}

/** A field path as `bucket_access[0].permissions`. @example bracketPath(['a', 0, 'b']) // 'a[0].b' */
export function bracketPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join('')
}

/**
 * Check a value against a schema; on failure, one InvalidInput error with every problem (at most a
 * handful), each naming its field as `fieldName` spells paths.
 *
 * @example parseJson(CreateKeyBody, readJsonObject(req), bracketPath)
 */
export function parseJson<S extends z.ZodType>(
  schema: S,
  value: unknown,
  fieldName: (path: readonly PropertyKey[]) => string = bracketPath,
): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  throw invalidInput(
    parsed.error.issues.slice(0, MAX_PROBLEMS).map((issue) => {
      const field = fieldName(issue.path)
      return field ? { message: issue.message, field } : { message: issue.message }
    }),
  )
}

/**
 * The error for a REST request no route serves: `describe` words it as the provider would, given the
 * method and the path (quoted through echo).
 *
 * @example unknownOperation: unknownPath((what) => `Not found: keyemu does not emulate ${what}.`)
 */
export function unknownPath(describe: (what: string) => string): (req: WireRequest) => EmulatorError {
  return (req) => new EmulatorError('UnknownOperation', describe(`${req.method} ${echo(req.url.pathname)}`))
}
