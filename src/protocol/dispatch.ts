import type { Core } from '../core/core.js'
import { carriable, EmulatorError, isEmulatorError } from '../core/errors.js'
import { matchRoute, type RouteMatch } from './match.js'
import { renderNeutralError } from './neutral-error.js'
import type { AuthMode, Dialect, RouteContext, WireRequest, WireResponse } from './route.js'

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

/** The longest message an error answer carries, whatever went into it. */
const MAX_MESSAGE_LENGTH = 2000

/**
 * Serve one request with one dialect: match the route (unless the transport already has), then
 * authenticate, parse, authorize the permission the route declares, handle, and render any failure in
 * the dialect's own error format.
 *
 * @example const res = await dispatch(iam, wireRequest, { core, auth: 'strict' })
 */
export async function dispatch(
  dialect: Dialect,
  req: WireRequest,
  deps: DispatchDeps,
  matched?: RouteMatch,
): Promise<WireResponse> {
  const started = performance.now()
  const requestId = deps.core.ctx.ids.uuid()
  let operation = 'unknown'
  let res: WireResponse
  try {
    if (req.tooLarge) throw new EmulatorError('PayloadTooLarge', 'The request body is larger than 1 MiB.')
    const match = matched ?? matchRoute(dialect, req)
    if (!match) throw dialect.unknownOperation(req)
    const { route, params } = match
    operation = route.operation
    const principal = await dialect.authenticate({ req, core: deps.core, auth: deps.auth, route })
    const ctx: RouteContext<unknown> = { req, params, input: undefined, principal, core: deps.core, requestId }
    const fixed = typeof route.authorize === 'function' ? undefined : route.authorize
    if (fixed) dialect.authorize(ctx, fixed)
    ctx.input = route.parse ? route.parse(req, params) : undefined
    if (typeof route.authorize === 'function') dialect.authorize(ctx, route.authorize(ctx))
    res = await route.handle(ctx)
    // A key counts as used only by calls that succeed: a refused call leaves the state as it was.
    if (principal.keyId && principal.keyUse && res.status < 400)
      deps.core.recordKeyUse(principal.keyId, principal.keyUse)
  } catch (err) {
    res = renderFailure(dialect, err, req, requestId, deps, operation)
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

// Whatever was thrown becomes the dialect's own error; something unexpected is logged and answered
// as the provider's internal error, never with its stack.
function renderFailure(
  dialect: Dialect,
  err: unknown,
  req: WireRequest,
  requestId: string,
  deps: DispatchDeps,
  operation: string,
): WireResponse {
  if (!isEmulatorError(err)) {
    deps.logger?.error({ dialect: dialect.name, operation, requestId, err }, 'unexpected failure')
  }
  const failure = isEmulatorError(err) ? err : new EmulatorError('Internal', 'The request processing has failed.')
  // Whatever a message quotes, the answer stays well-formed and small.
  const message = carriable(failure.message.slice(0, MAX_MESSAGE_LENGTH))
  const shown = message === failure.message ? failure : new EmulatorError(failure.code, message, failure.detail)
  try {
    return dialect.renderError(shown, req, requestId)
  } catch (renderErr) {
    deps.logger?.error({ dialect: dialect.name, operation, requestId, err: renderErr }, 'error rendering failed')
    return renderNeutralError(new EmulatorError('Internal', 'The request processing has failed.'), requestId)
  }
}
