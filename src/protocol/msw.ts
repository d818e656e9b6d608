import { createRequire } from 'node:module'
import { type HttpHandler, http } from 'msw'
import type { SetupServer } from 'msw/node'
import { type DispatchDeps, dispatch } from './dispatch.js'
import { BODY_LIMIT_BYTES } from './edge.js'
import { matchOne } from './match.js'
import type { Dialect, Route, WireRequest, WireResponse } from './route.js'

const wireOf = new WeakMap<Request, Promise<WireRequest>>()

// MSW hands the predicate and the resolver the same Request; read its body once.
function toWire(request: Request): Promise<WireRequest> {
  let wire = wireOf.get(request)
  if (!wire) {
    wire = request
      .clone()
      .arrayBuffer()
      .then((buffer) => {
        const headers: Record<string, string> = {}
        request.headers.forEach((value, name) => {
          headers[name] = value
        })
        // fetch() keeps Host out of a Request's headers, yet signatures cover it.
        headers.host ??= new URL(request.url).host
        const tooLarge = buffer.byteLength > BODY_LIMIT_BYTES
        return {
          method: request.method,
          url: new URL(request.url),
          headers,
          body: tooLarge ? Buffer.alloc(0) : Buffer.from(buffer),
          ...(tooLarge && { tooLarge }),
          remoteAddress: '127.0.0.1',
        }
      })
    wireOf.set(request, wire)
  }
  return wire
}

function toResponse(res: WireResponse, method: string): Response {
  return new Response(method === 'HEAD' ? null : res.body, { status: res.status, headers: res.headers })
}

const methods = {
  GET: http.get,
  POST: http.post,
  PUT: http.put,
  DELETE: http.delete,
  PATCH: http.patch,
  HEAD: http.head,
}

/**
 * MSW handlers for the dialects, one per route (so a test can override one operation with
 * `server.use`), bound to each provider's real host, plus one last handler per dialect that answers
 * anything else on that host in the dialect's error format.
 *
 * @example setupServer(...toMswHandlers(dialects, { core, auth: 'strict' }))
 *
 * `deps` may be a promise (a store still being seeded): the handlers are returned at once.
 */
export function toMswHandlers(dialects: Dialect[], deps: DispatchDeps | Promise<DispatchDeps>): HttpHandler[] {
  // Handlers exist at once; a store still being seeded is awaited by the first request.
  const ready = Promise.resolve(deps)
  ready.catch(() => undefined) // a failed seed is reported to the request that awaits it, not as unhandled
  const serve = async ({ request }: { request: Request }, dialect: Dialect) =>
    toResponse(await dispatch(dialect, await toWire(request), await ready), request.method)
  return dialects.flatMap((dialect) => {
    const onHost = (request: Request) => dialect.hosts.test(new URL(request.url).origin)
    const perRoute = dialect.routes.map((route: Route<unknown>) =>
      methods[route.method](
        async ({ request }) => onHost(request) && matchOne([route], await toWire(request)) !== undefined,
        (info) => serve(info, dialect),
      ),
    )
    const fallback = http.all(
      ({ request }) => onHost(request),
      (info) => serve(info, dialect),
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
