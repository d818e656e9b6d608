import { createRequire } from 'node:module'
import { type HttpHandler, http } from 'msw'
import type { SetupServer } from 'msw/node'
import { type DispatchDeps, dispatch } from './dispatch.js'
import { BODY_LIMIT_BYTES } from './edge.js'
import { matchesOnHead, matchOne, matchRoute, type RouteMatch } from './match.js'
import type { Dialect, Route, WireBody, WireRequest, WireResponse } from './route.js'

const headOf = new WeakMap<Request, WireRequest>()
const wireOf = new WeakMap<Request, Promise<WireRequest>>()

// The body up to the limit: a larger one is not read to its end.
async function readLimited(request: Request): Promise<Buffer | undefined> {
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > BODY_LIMIT_BYTES) return undefined
  const reader = request.clone().body?.getReader()
  if (!reader) return Buffer.alloc(0)
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return Buffer.concat(chunks, size)
    size += value.byteLength
    if (size > BODY_LIMIT_BYTES) {
      // A branch of a tee'd body settles its cancel only once the other branch is cancelled too.
      reader.cancel().catch(() => undefined)
      return undefined
    }
    chunks.push(value)
  }
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
    const url = new URL(request.url)
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
    wire = readLimited(request).then((body) => ({
      ...toHead(request),
      body: body ?? Buffer.alloc(0),
      ...(body === undefined && { tooLarge: true }),
    }))
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
  if (typeof body === 'string' || body instanceof Uint8Array) return body as BodyInit
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
 * names this file for each of them, and the traces were most of what createHandlers() cost.
 */
function withoutCallFrame<F extends (...args: never[]) => HttpHandler>(make: F): F {
  return ((...args: Parameters<F>) => {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    try {
      return make(...args)
    } finally {
      Error.stackTraceLimit = limit
    }
  }) as F
}

const methods = {
  GET: withoutCallFrame(http.get),
  POST: withoutCallFrame(http.post),
  PUT: withoutCallFrame(http.put),
  DELETE: withoutCallFrame(http.delete),
  PATCH: withoutCallFrame(http.patch),
  HEAD: withoutCallFrame(http.head),
  ALL: withoutCallFrame(http.all),
}

/**
 * MSW handlers for the dialects, one per route (so a test can override one operation with
 * `server.use`), bound to each provider's real host, plus one last handler per dialect that answers
 * anything else on that host in the dialect's error format. A route's handler hands the match it made
 * to the dispatcher, so a request is matched once.
 *
 * @example setupServer(...toMswHandlers(dialects, { core, auth: 'strict' }))
 *
 * `deps` may be a promise (a store still being seeded): the handlers are returned at once.
 */
export function toMswHandlers(dialects: Dialect[], deps: DispatchDeps | Promise<DispatchDeps>): HttpHandler[] {
  // Handlers exist at once; a store still being seeded is awaited by the first request.
  const ready = Promise.resolve(deps)
  ready.catch(() => undefined) // a failed seed is reported to the request that awaits it, not as unhandled
  const matches = new WeakMap<Request, RouteMatch>()
  // A dialect that matches on heads is matched before its body is read, so that a route taking its
  // body as a stream gets it unread; any other request is read (up to the limit) first.
  const serve = async (request: Request, dialect: Dialect, matched?: RouteMatch) => {
    const match = matched ?? (matchesOnHead(dialect) ? matchRoute(dialect, toHead(request)) : undefined)
    const wire = match?.route.streamBody ? { ...toHead(request), stream: streamOf(request) } : await toWire(request)
    return toResponse(await dispatch(dialect, wire, await ready, match), request.method)
  }
  return dialects.flatMap((dialect) => {
    const onHost = (request: Request) => dialect.hosts.test(new URL(request.url).origin)
    const perRoute = dialect.routes.map((route: Route<unknown>) =>
      methods[route.method](
        async ({ request }) => {
          if (!onHost(request)) return false
          const match = matchOne([route], matchesOnHead(dialect) ? toHead(request) : await toWire(request))
          if (match) matches.set(request, match)
          return match !== undefined
        },
        ({ request }) => serve(request, dialect, matches.get(request)),
      ),
    )
    const fallback = methods.ALL(
      ({ request }) => onHost(request),
      ({ request }) => serve(request, dialect),
    )
    return [...perRoute, fallback]
  })
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
