import { EmulatorError, echo } from '../core/errors.js'
import { signedService } from './aws/claim.js'
import { type DispatchDeps, dispatch } from './dispatch.js'
import { renderNeutralError } from './neutral-error.js'
import type { Dialect, WireRequest, WireResponse } from './route.js'

/** The most a request body may hold; larger ones are refused in the dialect's error format. */
export const BODY_LIMIT_BYTES = 1024 * 1024

const underPrefix = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`)

/**
 * The dialect a request on the one edge port is for, told by what it carries: the SigV4 credential
 * scope's service name, the X-Amz-Target prefix, a dialect's own credential header, the path
 * prefix, or, for an unsigned call, its Content-Type.
 *
 * @example pickDialect(dialects, req)?.name // 'iam'
 */
export function pickDialect(dialects: Dialect[], req: WireRequest): Dialect | undefined {
  const service = signedService(req)
  if (service) {
    const bySigner = dialects.find((d) => d.edge.sigv4Service === service)
    if (bySigner) return bySigner
  }
  const target = req.headers['x-amz-target']
  if (target) {
    const byTarget = dialects.find((d) => d.edge.targetPrefix && target.startsWith(`${d.edge.targetPrefix}.`))
    if (byTarget) return byTarget
  }
  const byCredential = dialects.find((d) => {
    const credential = d.edge.credential
    const value = credential && req.headers[credential.header]
    return value !== undefined && (!credential?.pattern || credential.pattern.test(value))
  })
  if (byCredential) return byCredential
  const path = req.url.pathname
  const byPath = dialects.find((d) => d.edge.pathPrefixes?.some((prefix) => underPrefix(path, prefix)))
  if (byPath) return byPath
  const type = req.headers['content-type'] ?? ''
  return dialects.find((d) => d.edge.contentType && type.startsWith(d.edge.contentType))
}

/** Serve a request that reached the edge port: to its dialect, or a 404 naming the dialects there are. */
export async function serveEdge(dialects: Dialect[], req: WireRequest, deps: DispatchDeps): Promise<WireResponse> {
  const dialect = pickDialect(dialects, req)
  if (dialect) return dispatch(dialect, req, deps)
  const err = new EmulatorError(
    'UnknownOperation',
    `No dialect serves ${req.method} ${echo(req.url.pathname)}. keyemu tells dialects apart by the SigV4 service name, the X-Amz-Target header, a dialect's own credential header, the path prefix or the Content-Type.`,
  )
  return renderNeutralError(err, deps.core.ctx.ids.uuid(), {
    error: 'NoDialect',
    dialects: dialects.map((d) => ({
      name: d.name,
      ...d.edge,
      ...(d.edge.credential && { credential: d.edge.credential.header }),
    })),
  })
}
