import { createRequire } from 'node:module'
import { type HttpHandler, http } from 'msw'
import type { SetupServer } from 'msw/node'
import { type DispatchDeps, dispatch } from './dispatch.js'
import { BODY_LIMIT_BYTES } from './edge.js'
import { gathered, isStream } from './gathered-body.js'
import { matchesOnHead, matchRoute, type RouteMatch } from './match.js'
import type { Dialect, WireBody, WireRequest, WireResponse } from './route.js'

const headOf = new WeakMap<Request, WireRequest>()
const wireOf = new WeakMap<Request, Promise<WireRequest>>()

// The body up to the limit: a larger one is not read to its end. Read from the request the resolver
// was handed, as MSW's own examples do (MSW keeps a clone for itself): reading a clone tee'd the body,
// which cost most of an in-process call.
async function readLimited(request: Request): Promise<Buffer | undefined> {
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > BODY_LIMIT_BYTES) return undefined
  const reader = request.body?.getReader()
  if (!reader) return Buffer.alloc(0)
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return Buffer.concat(chunks, size)
    size += value.byteLength
    if (size > BODY_LIMIT_BYTES) {
      reader.cancel().catch(() => undefined)
      return undefined
    }
    chunks.push(value)
  }
}

const urlOf = new WeakMap<Request, URL>()

// Every handler of every dialect looks at the request's URL: parsed once.
function parsedUrl(request: Request): URL {
  let url = urlOf.get(request)
  if (!url) {
    url = new URL(request.url)
    urlOf.set(request, url)
  }
  return url
}

// The request without its body: enough to match a route of a dialect that matches on heads.
function toHead(request: Request): WireRequest {
  let head = headOf.get(request)
  if (!head) {
    const headers: Record<string, string> = {}
    request.headers.forEach((value, name) => {
      headers[name] = value
    })
    // fetch() keeps Host out of a Request's headers, yet signatures cover it.
    const url = new URL(parsedUrl(request))
    headers.host ??= url.host
    head = { method: request.method, url, headers, body: Buffer.alloc(0), remoteAddress: '127.0.0.1' }
    headOf.set(request, head)
  }
  return head
}

// MSW hands the predicate and the resolver the same Request; read its body once.
function toWire(request: Request): Promise<WireRequest> {
  let wire = wireOf.get(request)
  if (!wire) {
    wire = readLimited(request).then((body) => {
      const read: WireRequest = { ...toHead(request), body: body ?? Buffer.alloc(0) }
      if (body === undefined) read.tooLarge = true
      return read
    })
    wireOf.set(request, wire)
  }
  return wire
}

const NO_BYTES: AsyncIterable<Uint8Array> = (async function* () {})()

// A streamed route reads the Request's own body as it arrives, never a clone of it.
function streamOf(request: Request): AsyncIterable<Uint8Array> {
  return (request.body as AsyncIterable<Uint8Array> | null) ?? NO_BYTES
}

function fetchBody(body: WireBody): BodyInit {
  if (!isStream(body)) return body as BodyInit
  const chunks = body[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next()
      if (done) controller.close()
      else controller.enqueue(value)
    },
    async cancel() {
      await chunks.return?.()
    },
  })
}

// A Fetch Response may not carry a body, even an empty one, with these statuses.
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304])

function toResponse(res: WireResponse, method: string): Response {
  // What fetch sees of a connection closed without an answer: a network error.
  if (res.drop) return Response.error()
  const bodiless = method === 'HEAD' || NULL_BODY_STATUSES.has(res.status)
  return new Response(bodiless ? null : fetchBody(res.body), { status: res.status, headers: res.headers })
}

/**
 * MSW captures a stack trace in every handler it makes, to name where the handler was declared: that
 * names this file, and the trace was most of what createHandlers() cost.
 */
function withoutCallFrame<T>(make: () => T): T {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return make()
  } finally {
    Error.stackTraceLimit = limit
  }
}

/**
 * One MSW handler for every dialect, bound to the providers' real hosts: it answers any request to a
 * dialect's host, an unknown operation in the dialect's own error format. One handler, not one per
 * route: MSW parses the URL and the cookies of a request once for each handler it tries, and that was
 * most of an in-process call's cost. A test overrides an operation by putting its own handler first
 * (`server.use`).
 *
 * @example setupServer(...toMswHandlers(dialects, { core, auth: 'strict' }))
 *
 * `deps` may be a promise (a store still being seeded): the handlers are returned at once.
 */
export function toMswHandlers(dialects: Dialect[], deps: DispatchDeps | Promise<DispatchDeps>): HttpHandler[] {
  // Handlers exist at once; a store still being seeded is awaited by the first request.
  const ready = Promise.resolve(deps)
  ready.catch(() => undefined) // a failed seed is reported to the request that awaits it, not as unhandled
  // The predicate finds the dialect by host; the resolver it says yes to serves with that one.
  const servedBy = new WeakMap<Request, Dialect>()
  const onSomeHost = (request: Request) => {
    const origin = parsedUrl(request).origin
    const dialect = dialects.find((d) => d.hosts.test(origin))
    if (dialect) servedBy.set(request, dialect)
    return dialect !== undefined
  }
  // A dialect that matches on heads is matched before its body is read, so that a route taking its
  // body as a stream gets it unread; any other request is read (up to the limit) and matched by the
  // dispatcher, which answers a request it cannot match in the dialect's error format.
  const serve = async (request: Request, dialect: Dialect) => {
    let match: RouteMatch | undefined
    try {
      match = matchesOnHead(dialect) ? matchRoute(dialect, toHead(request)) : undefined
    } catch {
      match = undefined
    }
    const wire = match?.route.streamBody ? { ...toHead(request), stream: streamOf(request) } : await toWire(request)
    return toResponse(await gathered(await dispatch(dialect, wire, await ready, match)), request.method)
  }
  const handler = withoutCallFrame(() =>
    http.all(
      ({ request }) => onSomeHost(request),
      ({ request }) => serve(request, servedBy.get(request) as Dialect),
    ),
  )
  return [handler]
}

/** The major version of the msw package installed beside keyemu: 2 or 3 (the peer range). */
export const mswMajor: number = Number(
  (createRequire(import.meta.url)('msw/package.json') as { version: string }).version.split('.')[0],
)

type ListenOptions = NonNullable<Parameters<SetupServer['listen']>[0]>

/**
 * `server.listen` options saying what to do with a request no handler takes, on either MSW major:
 * MSW 3 renamed `onUnhandledRequest` to `onUnhandledFrame` and ignores the old name.
 *
 * @example server.listen(unhandledRequests('error'))
 */
export function unhandledRequests(strategy: 'error' | 'warn' | 'bypass'): ListenOptions {
  return (mswMajor >= 3 ? { onUnhandledFrame: strategy } : { onUnhandledRequest: strategy }) as ListenOptions
}
