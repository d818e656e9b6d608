import { XMLValidator } from 'fast-xml-parser'
import type { State } from '../../src/core/model.js'
import { ROOT, signRequest } from '../support/aws-signing.js'
import { tigrisSignature } from '../support/tigris-signing.js'

// A deterministic fuzzer: valid requests of each dialect, mutated by a seeded PRNG, sent through
// fetch (so over a real port or through MSW alike), each answer checked against the invariants every
// request must keep however hostile it is.

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export type Random = () => number
const int = (rnd: Random, min: number, max: number) => min + Math.floor(rnd() * (max - min + 1))
const pick = <T>(rnd: Random, items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T

/** A request before it is encoded and signed. */
export interface Draft {
  method: string
  path: string
  /** Appended to the path as written, so that it may be malformed. */
  rawQuery?: string
  headers: Record<string, string>
  /** A form body as name/value pairs, or a JSON value, or bytes as they are sent. */
  form?: [string, string][]
  json?: unknown
  raw?: Uint8Array<ArrayBuffer>
}

export interface Answer {
  status: number
  contentType: string
  headers: Headers
  body: string
  bytes: number
}

export interface FuzzTarget {
  dialect: string
  /** The provider's real origin, where MSW listens. */
  origin: string
  templates: Draft[]
  /** The credential step: sign (or add a token to) the encoded request. */
  send(draft: Draft, endpoint: string, how: SendOptions): Promise<Answer>
  /** What is wrong with an answer's envelope, if anything. */
  envelopeProblem(answer: Answer, method: string): string | undefined
  /** Mutations of the credential itself, applied after signing. */
  credentialMutations: readonly string[]
}

export interface SendOptions {
  /** A credential mutation to apply (stale signature, tampered header, unknown token, ...). */
  credential?: string
  rnd: Random
}

const encoder = new TextEncoder()
const bytesOf = (text: string) => encoder.encode(text) as Uint8Array<ArrayBuffer>

/** The body bytes of a draft, as they go on the wire. */
export function bodyOf(draft: Draft): Uint8Array<ArrayBuffer> | undefined {
  if (draft.raw) return draft.raw
  // URLSearchParams encodes what encodeURIComponent refuses (a lone surrogate becomes U+FFFD).
  if (draft.form) return bytesOf(new URLSearchParams(draft.form).toString())
  if (draft.json !== undefined) return bytesOf(JSON.stringify(draft.json))
  return undefined
}

const CONTROL_AND_META = [
  '\u0000',
  '\u0007',
  '\u001b',
  '<',
  '>',
  '&',
  '"',
  "'",
  ']]>',
  '\ud800',
  '\uffff',
  '\\',
  '{',
  '}',
  '\r\n',
  '%00',
  '\u202e',
]
const WRONG_JSON_VALUES: unknown[] = [
  42,
  -1,
  1e308,
  true,
  null,
  [],
  {},
  '',
  'string',
  [1, 2, 3],
  { nested: { deeper: true } },
]

function deepJson(depth: number): unknown {
  let value: unknown = 'bottom'
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value }
  return value
}

// A random path inside a JSON value, to change or remove what is there.
function jsonPaths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      const path = [...prefix, Array.isArray(value) ? Number(key) : key]
      out.push(path)
      if (out.length < 200) jsonPaths(inner, path, out)
    }
  }
  return out
}

function setAt(
  root: unknown,
  path: (string | number)[],
  change: (parent: Record<string | number, unknown>, key: string | number) => void,
) {
  let node = root as Record<string | number, unknown>
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>
  change(node, path[path.length - 1] as string | number)
}

/** What each mutation does to a draft. They may be combined. */
export const MUTATIONS: Record<string, (d: Draft, rnd: Random, paths: readonly string[]) => void> = {
  'drop-param'(d, rnd) {
    if (d.form?.length) d.form.splice(int(rnd, 0, d.form.length - 1), 1)
    const paths = jsonPaths(d.json)
    if (paths.length)
      setAt(d.json, pick(rnd, paths), (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k]))
  },
  'duplicate-param'(d, rnd) {
    if (d.form?.length) {
      const [name, value] = pick(rnd, d.form)
      d.form.push([name, rnd() < 0.5 ? value : `${value}-again`])
    }
    if (d.json !== undefined) d.raw = bytesOf(JSON.stringify(d.json).replace(/^\{/, '{"dup":1,"dup":2,'))
  },
  'unknown-param'(d, rnd) {
    const name = pick(rnd, ['Unknown', 'constructor', '__proto__', 'toString', 'X-Amz-Foo', 'member'])
    d.form?.push([name, 'value'])
    if (d.json !== undefined && typeof d.json === 'object' && d.json !== null)
      (d.json as Record<string, unknown>)[name] = 'value'
  },
  'wrong-type'(d, rnd) {
    if (d.form?.length) {
      const entry = pick(rnd, d.form)
      entry[1] = pick(rnd, ['', '-1', '1e999', 'true', 'null', '[object Object]', '0x10', ' 5 '])
    }
    const paths = jsonPaths(d.json)
    if (paths.length)
      setAt(d.json, pick(rnd, paths), (p, k) => {
        p[k] = pick(rnd, WRONG_JSON_VALUES)
      })
    else if (d.json !== undefined) d.json = pick(rnd, WRONG_JSON_VALUES)
  },
  'huge-value'(d, rnd) {
    const huge = 'x'.repeat(int(rnd, 10_000, 200_000))
    if (d.form?.length) pick(rnd, d.form)[1] = huge
    const paths = jsonPaths(d.json)
    if (paths.length)
      setAt(d.json, pick(rnd, paths), (p, k) => {
        p[k] = huge
      })
  },
  'huge-name'(d, rnd) {
    const name = 'N'.repeat(int(rnd, 1000, 100_000))
    d.form?.push([name, 'v'])
    if (d.json !== undefined && typeof d.json === 'object' && d.json !== null)
      (d.json as Record<string, unknown>)[name] = 'v'
  },
  'deep-nesting'(d, rnd) {
    const depth = int(rnd, 20, 3000)
    d.form?.push([`${Array.from({ length: depth }, () => 'Tags.member.1').join('.')}.Key`, 'v'])
    if (d.json !== undefined && typeof d.json === 'object' && d.json !== null)
      (d.json as Record<string, unknown>).deep = deepJson(depth)
  },
  'list-index'(d, rnd) {
    const index = pick(rnd, ['0', '-1', '1001', '999999999', '1e21', '2', '01', 'x'])
    d.form?.push([`Tags.member.${index}.Key`, 'k'], [`Tags.member.${index}.Value`, 'v'])
    if (d.json !== undefined && typeof d.json === 'object' && d.json !== null)
      (d.json as Record<string, unknown>).tags = Object.assign([], { [Math.min(Number(index) || 5, 50)]: { key: 'k' } })
  },
  metacharacters(d, rnd) {
    const inject = (s: string) => `${s}${pick(rnd, CONTROL_AND_META)}${pick(rnd, CONTROL_AND_META)}`
    if (d.form?.length) {
      const entry = pick(rnd, d.form)
      if (rnd() < 0.5) entry[1] = inject(entry[1])
      else entry[0] = inject(entry[0])
    }
    const paths = jsonPaths(d.json)
    if (paths.length)
      setAt(d.json, pick(rnd, paths), (p, k) => {
        p[k] = inject(String(p[k]))
      })
  },
  'truncated-body'(d, rnd) {
    const body = bodyOf(d)
    if (body && body.length > 1) d.raw = body.slice(0, int(rnd, 0, body.length - 1))
  },
  'wrong-body-type'(d, rnd) {
    d.raw = pick(rnd, [
      bytesOf('{"Action":"ListUsers"}'),
      bytesOf('Action=ListUsers&Version=2010-05-08'),
      bytesOf('<xml/>'),
      bytesOf('null'),
      bytesOf('[1,2,3]'),
      bytesOf('"string"'),
      Uint8Array.from({ length: int(rnd, 1, 4000) }, () => int(rnd, 0, 255)),
    ])
  },
  'bad-percent-encoding'(d, rnd) {
    const bad = pick(rnd, ['%zz', '%', '%e0%a4', '%ff%fe', '%%41', '%u0041'])
    const body = bodyOf(d)
    if (body && rnd() < 0.5) d.raw = bytesOf(`${new TextDecoder().decode(body)}&x=${bad}`)
    else d.rawQuery = `a=${bad}&${bad}=b`
  },
  'many-params'(d, rnd) {
    const count = int(rnd, 1000, 10_000)
    if (d.form) for (let i = 0; i < count; i++) d.form.push([`P${i}`, 'v'])
    else if (d.json !== undefined && typeof d.json === 'object' && d.json !== null) {
      const obj = d.json as Record<string, unknown>
      for (let i = 0; i < count; i++) obj[`p${i}`] = i
    } else {
      // Just past the 1000 parameters a Query form may carry, in a target Node still parses whole (a longer
      // one is refused as 431 before any dialect sees it); the test's own signer is quadratic in the count.
      d.rawQuery = Array.from({ length: 1001 + (count % 200) }, (_, i) => `p${i}=${i}`).join('&')
    }
  },
  method(d, rnd) {
    d.method = pick(rnd, ['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'POST', 'OPTIONS'])
  },
  path(d, rnd, paths) {
    d.path = pick(rnd, paths)
  },
  'content-type'(d, rnd) {
    d.headers['content-type'] = pick(rnd, [
      'text/plain',
      'application/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/x-amz-json-1.0',
      ';;;',
      '',
    ])
  },
}

/** One fuzz case: which template, which mutations (before signing) and which credential mutation (after). */
export interface FuzzCase {
  template: number
  mutations: string[]
  credential?: string
}

/** The cases of a run: the same seed, the same cases. */
export function fuzzCases(target: FuzzTarget, seed: number, count: number): FuzzCase[] {
  const rnd = prng(seed)
  const names = Object.keys(MUTATIONS)
  return Array.from({ length: count }, () => {
    const mutations = Array.from({ length: int(rnd, 0, 3) }, () => pick(rnd, names))
    const credential = rnd() < 0.25 ? pick(rnd, target.credentialMutations) : undefined
    return { template: int(rnd, 0, target.templates.length - 1), mutations, ...(credential && { credential }) }
  })
}

/** The draft a case sends. */
export function draftOf(target: FuzzTarget, fuzzCase: FuzzCase, rnd: Random, paths: readonly string[]): Draft {
  const draft = structuredClone(target.templates[fuzzCase.template] as Draft)
  for (const name of fuzzCase.mutations) MUTATIONS[name]?.(draft, rnd, paths)
  if ((draft.method === 'GET' || draft.method === 'HEAD') && bodyOf(draft)) {
    // fetch sends no body with these: the case tests the method alone.
    draft.form = undefined
    draft.json = undefined
    draft.raw = undefined
  }
  return draft
}

/** Limits every answer keeps: an error says what is wrong in a few kilobytes; a list page stays small. */
export const MAX_ERROR_BYTES = 16 * 1024
export const MAX_ANSWER_BYTES = 256 * 1024

/** Every invariant an answer broke (an empty list when it kept them all). */
export function violations(target: FuzzTarget, method: string, answer: Answer, before: State, after: State): string[] {
  const found: string[] = []
  // 501 is S3's own NotImplemented for a feature keyemu does not serve (its envelope is checked below);
  // any other 5xx is keyemu failing.
  if (answer.status >= 500 && answer.status !== 501) found.push(`status ${answer.status}`)
  const envelope = target.envelopeProblem(answer, method)
  if (envelope) found.push(envelope)
  if (answer.status >= 400 && answer.bytes > MAX_ERROR_BYTES) found.push(`error answer of ${answer.bytes} bytes`)
  if (answer.bytes > MAX_ANSWER_BYTES) found.push(`answer of ${answer.bytes} bytes`)
  if (answer.status >= 400 && JSON.stringify(before) !== JSON.stringify(after))
    found.push('a refused request changed the state')
  if (/\bat .*\.(ts|js):\d+/.test(answer.body)) found.push('a stack trace in the answer')
  return found
}

async function answerOf(res: Response): Promise<Answer> {
  const buffer = Buffer.from(await res.arrayBuffer())
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    headers: res.headers,
    body: buffer.toString('utf8'),
    bytes: buffer.length,
  }
}

const urlOf = (endpoint: string, draft: Draft) =>
  `${endpoint}${draft.path}${draft.rawQuery ? `?${draft.rawQuery}` : ''}`

/** Send a draft signed with SigV4 for `service` (or with its signature broken as `how.credential` says). */
export async function sendSigned(draft: Draft, endpoint: string, how: SendOptions, service: string): Promise<Answer> {
  const body = bodyOf(draft)
  const minutes = how.credential === 'stale-signature' ? -20 : how.credential === 'early-signature' ? 20 : 0
  const { href, init } = await signRequest(urlOf(endpoint, draft), {
    service,
    method: draft.method,
    headers: draft.headers,
    ...(body && { body }),
    ...(minutes !== 0 && { signingDate: new Date(Date.now() + minutes * 60_000) }),
    ...(how.credential === 'unknown-key' && {
      credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' },
    }),
    ...(how.credential === 'wrong-secret' && { credentials: { ...ROOT, secretAccessKey: 'not-the-secret' } }),
  })
  const headers = new Headers(init.headers)
  if (how.credential === 'tampered-signature') {
    const auth = headers.get('authorization') ?? ''
    headers.set(
      'authorization',
      auth.replace(/Signature=(.)/, (_, c: string) => `Signature=${c === 'a' ? 'b' : 'a'}`),
    )
  }
  if (how.credential === 'tampered-header') {
    // One second later: still fresh, but no longer what was signed.
    const date = headers.get('x-amz-date') ?? ''
    headers.set(
      'x-amz-date',
      date.replace(/(\d)Z$/, (_, d: string) => `${(Number(d) + 1) % 10}Z`),
    )
  }
  if (how.credential === 'no-signature') headers.delete('authorization')
  if (how.credential === 'malformed-signature') headers.set('authorization', 'AWS4-HMAC-SHA256 Credential=garbage')
  let sent = init.body
  if (how.credential === 'tampered-body' && body && body.length > 0) {
    const copy = body.slice()
    copy[copy.length - 1] = (copy[copy.length - 1] as number) ^ 1
    sent = copy
  }
  return answerOf(
    await fetch(href, { method: init.method as string, headers, ...(sent !== undefined && { body: sent }) }),
  )
}

/** Send a draft with a bearer-style token (or the broken one `how.credential` names). */
export async function sendWithToken(draft: Draft, endpoint: string, how: SendOptions, token: string): Promise<Answer> {
  const body = bodyOf(draft)
  const headers = new Headers(draft.headers)
  const presented =
    how.credential === 'unknown-token'
      ? 'not-a-token'
      : how.credential === 'aws-key-as-token'
        ? 'test'
        : how.credential === 'token-with-spaces'
          ? `${token} extra`
          : token
  if (how.credential !== 'no-token') headers.set('authorization', `Bearer ${presented}`)
  if (how.credential === 'other-scheme') headers.set('authorization', `Basic ${token}`)
  return answerOf(await fetch(urlOf(endpoint, draft), { method: draft.method, headers, ...(body && { body }) }))
}

/**
 * Send a draft signed with X-Tigris-* headers by `signingKey` (or with the signing broken as
 * `how.credential` says): the URL signed is the one fetch sends, dot segments resolved.
 */
export async function sendHmacSigned(
  draft: Draft,
  endpoint: string,
  how: SendOptions,
  signingKey: string,
): Promise<Answer> {
  const body = bodyOf(draft)
  const href = new URL(urlOf(endpoint, draft)).href
  const time = Date.now() + (how.credential === 'stale-time' ? -10 * 60_000 : 0)
  const nonce = `fuzz-${Math.floor(how.rnd() * 2 ** 48)}-${time}`
  const key = how.credential === 'wrong-key' ? 'not-the-signing-key' : signingKey
  const headers = new Headers(draft.headers)
  headers.set('x-tigris-time', String(time))
  headers.set('x-tigris-nonce', nonce)
  headers.set('x-tigris-signature', tigrisSignature(key, draft.method, href, time, nonce)['x-tigris-signature'])
  if (how.credential === 'no-signature') headers.delete('x-tigris-signature')
  if (how.credential === 'no-nonce') headers.delete('x-tigris-nonce')
  if (how.credential === 'malformed-time') headers.set('x-tigris-time', 'soon')
  return answerOf(await fetch(href, { method: draft.method, headers, ...(body && { body }) }))
}

// What the edge answers when nothing in a request names a dialect (no signature, target, token or
// path prefix), or when the HTTP parser refuses it before any dialect could look (431, 400).
function isEdgeAnswer(answer: Answer): boolean {
  if (!answer.contentType.startsWith('application/json')) return false
  const body = parsedJson(answer)
  if (typeof body?.message !== 'string') return false
  if (answer.status === 404) {
    // No dialect claims it, or it names an /_emu endpoint that does not exist.
    return (body.error === 'NoDialect' && Array.isArray(body.dialects)) || body.error === 'NotFound'
  }
  return (answer.status === 400 || answer.status === 431) && body.error === 'InvalidInput'
}

/** An XML answer's problem: not well-formed, or an error without IAM's ErrorResponse/Error/Code. */
export function xmlEnvelopeProblem(answer: Answer, method: string): string | undefined {
  if (method === 'HEAD' || isEdgeAnswer(answer)) return undefined
  if (!answer.contentType.startsWith('text/xml')) return `content-type ${answer.contentType}`
  const valid = XMLValidator.validate(answer.body)
  if (valid !== true) return `XML not well-formed: ${valid.err.msg}`
  if (
    answer.status >= 400 &&
    !/<ErrorResponse[^>]*><Error><Type>\w+<\/Type><Code>\w+<\/Code><Message>/.test(answer.body)
  )
    return 'error without ErrorResponse/Error/Code/Message'
  return undefined
}

/** An S3 answer's problem: an error that is not `<Error><Code/><Message/>` XML, or XML that is not well-formed. */
export function s3EnvelopeProblem(answer: Answer, method: string): string | undefined {
  if (method === 'HEAD' || isEdgeAnswer(answer) || answer.status === 304) return undefined
  // A signature too broken to name its service leaves the edge port nothing to tell S3 by: IAM's Query
  // front end answers it, in its own envelope.
  if (answer.status === 400 && answer.contentType.startsWith('text/xml')) return xmlEnvelopeProblem(answer, method)
  const xml = answer.contentType.startsWith('application/xml')
  if (answer.status < 400 && !xml) return undefined
  if (!xml) return `content-type ${answer.contentType}`
  const valid = XMLValidator.validate(answer.body)
  if (valid !== true) return `XML not well-formed: ${valid.err.msg}`
  if (answer.status >= 400 && !/<Error><Code>\w+<\/Code><Message>/.test(answer.body))
    return 'error without Error/Code/Message'
  return undefined
}

function parsedJson(answer: Answer): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(answer.body)
    return typeof value === 'object' && value !== null ? value : undefined
  } catch {
    return undefined
  }
}

/** An AWS JSON answer's problem: not JSON, or an error without `__type` and X-Amzn-ErrorType. */
export function awsJsonEnvelopeProblem(answer: Answer, method: string): string | undefined {
  if (method === 'HEAD' || isEdgeAnswer(answer)) return undefined
  const body = parsedJson(answer)
  if (!body) return 'not a JSON object'
  if (answer.status >= 400 && (typeof body.__type !== 'string' || !answer.headers.get('x-amzn-errortype')))
    return 'error without __type and X-Amzn-ErrorType'
  return undefined
}

/** A Linode answer's problem: not JSON, or an error without a non-empty `errors` list of reasons. */
export function linodeEnvelopeProblem(answer: Answer, method: string): string | undefined {
  if (method === 'HEAD' || isEdgeAnswer(answer)) return undefined
  const body = parsedJson(answer)
  if (!body) return 'not a JSON object'
  if (answer.status >= 400) {
    const errors = body.errors
    if (!Array.isArray(errors) || errors.length === 0 || errors.some((e) => typeof e?.reason !== 'string'))
      return 'error without errors[].reason'
  }
  return undefined
}

/** A Bird answer's problem: not JSON, or an error without Bird's `{code, message, details}`. */
export function birdEnvelopeProblem(answer: Answer, method: string): string | undefined {
  if (method === 'HEAD' || isEdgeAnswer(answer)) return undefined
  if (answer.status === 204) return answer.body === '' ? undefined : '204 with a body'
  const body = parsedJson(answer)
  if (!body) return 'not a JSON object'
  if (answer.status >= 400) {
    const details = body.details
    if (typeof body.code !== 'string' || typeof body.message !== 'string') return 'error without code and message'
    if (typeof details !== 'object' || details === null || Array.isArray(details)) return 'error without details'
  }
  return undefined
}

/** A Tigris answer's problem: not a JSON object, or an error other than exactly `{"message": string}`. */
export function tigrisEnvelopeProblem(answer: Answer, method: string): string | undefined {
  if (method === 'HEAD' || isEdgeAnswer(answer)) return undefined
  const body = parsedJson(answer)
  if (!body || Array.isArray(body)) return 'not a JSON object'
  if (answer.status >= 400 && (typeof body.message !== 'string' || Object.keys(body).length !== 1))
    return 'error other than {"message"}'
  return undefined
}

export interface CaseResult {
  index: number
  fuzzCase: FuzzCase
  method: string
  path: string
  status: number
  bytes: number
  ms: number
  violations: string[]
}

/**
 * Run `count` cases of a seed against an endpoint, one at a time, checking each answer.
 *
 * @example await runCases(iamTarget, url, () => store.snapshot(), 42, 500)
 */
export async function runCases(
  target: FuzzTarget,
  endpoint: string,
  snapshot: () => State,
  paths: readonly string[],
  seed: number,
  count: number,
): Promise<CaseResult[]> {
  const cases = fuzzCases(target, seed, count)
  const rnd = prng(seed ^ 0x5eed)
  const results: CaseResult[] = []
  for (const [index, fuzzCase] of cases.entries()) {
    const draft = draftOf(target, fuzzCase, rnd, paths)
    const before = snapshot()
    const started = performance.now()
    const answer = await target.send(draft, endpoint, {
      rnd,
      ...(fuzzCase.credential && { credential: fuzzCase.credential }),
    })
    const ms = performance.now() - started
    results.push({
      index,
      fuzzCase,
      method: draft.method,
      path: draft.path.slice(0, 60),
      status: answer.status,
      bytes: answer.bytes,
      ms,
      violations: violations(target, draft.method, answer, before, snapshot()),
    })
  }
  return results
}
