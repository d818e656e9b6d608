import type { Core } from '../core/core.js'
import { EmulatorError, isEmulatorError } from '../core/errors.js'
import { matchRoute } from './match.js'
import type { AuthMode, Dialect, WireRequest, WireResponse } from './route.js'

/** The one line logged per request: never a body, so never a secret. */
export interface RequestLog {
  dialect: string
  operation: string
  status: number
  ms: number
  requestId: string
}

export interface Logger {
  info(entry: object, message?: string): void
  error(entry: object, message?: string): void
}

export interface DispatchDeps {
  core: Core
  auth: AuthMode
  logger?: Logger
}

/**
 * Serve one request with one dialect: match the route, authenticate, parse, handle, and render any
 * failure in the dialect's own error format.
 *
 * @example const res = await dispatch(iam, wireRequest, { core, auth: 'strict' })
 */
export async function dispatch(dialect: Dialect, req: WireRequest, deps: DispatchDeps): Promise<WireResponse> {
  const started = performance.now()
  const requestId = deps.core.ctx.ids.uuid()
  let operation = 'unknown'
  let res: WireResponse
  try {
    if (req.tooLarge) throw new EmulatorError('PayloadTooLarge', 'The request body is larger than 1 MiB.')
    const match = matchRoute(dialect, req)
    if (!match) throw dialect.unknownOperation(req)
    operation = match.route.operation
    const principal = await dialect.authenticate({ req, core: deps.core, auth: deps.auth, route: match.route })
    const input = match.route.parse ? match.route.parse(req, match.params) : undefined
    res = await match.route.handle({ req, params: match.params, input, principal, core: deps.core, requestId })
    // A key counts as used only by calls that succeed: a refused call leaves the state as it was.
    if (principal.keyId && principal.keyUse && res.status < 400)
      deps.core.recordKeyUse(principal.keyId, principal.keyUse)
  } catch (err) {
    if (!isEmulatorError(err)) {
      deps.logger?.error({ dialect: dialect.name, operation, requestId, err }, 'unexpected failure')
    }
    const failure = isEmulatorError(err) ? err : new EmulatorError('Internal', 'The request processing has failed.')
    res = dialect.renderError(failure, req, requestId)
  }
  const entry: RequestLog = {
    dialect: dialect.name,
    operation,
    status: res.status,
    ms: Math.round((performance.now() - started) * 100) / 100,
    requestId,
  }
  deps.logger?.info(entry)
  return res
}
