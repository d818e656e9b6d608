import { sigV4Service } from './aws/sigv4.js'
import { type DispatchDeps, dispatch } from './dispatch.js'
import type { Dialect, WireRequest, WireResponse } from './route.js'

/** The most a request body may hold; larger ones are refused in the dialect's error format. */
export const BODY_LIMIT_BYTES = 1024 * 1024

/**
 * The dialect a request on the one edge port is for, told by what it carries: the SigV4 credential
 * scope's service name, the X-Amz-Target prefix, the path prefix, or, for an unsigned call, its
 * Content-Type.
 *
 * @example pickDialect(dialects, req)?.name // 'iam'
 */
export function pickDialect(dialects: Dialect[], req: WireRequest): Dialect | undefined {
  const service = sigV4Service(req)
  if (service) {
    const bySigner = dialects.find((d) => d.edge.sigv4Service === service)
    if (bySigner) return bySigner
  }
  const target = req.headers['x-amz-target']
  if (target) {
    const byTarget = dialects.find((d) => d.edge.targetPrefix && target.startsWith(`${d.edge.targetPrefix}.`))
    if (byTarget) return byTarget
  }
  const path = req.url.pathname
  const byPath = dialects.find(
    (d) => d.edge.pathPrefix && (path === d.edge.pathPrefix || path.startsWith(`${d.edge.pathPrefix}/`)),
  )
  if (byPath) return byPath
  const type = req.headers['content-type'] ?? ''
  return dialects.find((d) => d.edge.contentType && type.startsWith(d.edge.contentType))
}

/** Serve a request that reached the edge port: to its dialect, or a 404 naming the dialects there are. */
export async function serveEdge(dialects: Dialect[], req: WireRequest, deps: DispatchDeps): Promise<WireResponse> {
  const dialect = pickDialect(dialects, req)
  if (dialect) return dispatch(dialect, req, deps)
  const body = {
    error: 'NoDialect',
    message: `No dialect serves ${req.method} ${req.url.pathname}. keyemu tells dialects apart by the SigV4 service name, the X-Amz-Target header, the path prefix or the Content-Type.`,
    dialects: dialects.map((d) => ({ name: d.name, ...d.edge })),
  }
  return { status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
}
