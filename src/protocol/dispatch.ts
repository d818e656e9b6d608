import type { Core } from '../core/core.js'
import { carriable, EmulatorError, isEmulatorError } from '../core/errors.js'
import type { Principal } from '../core/principals.js'
import { matchRoute, type RouteMatch } from './match.js'
import { renderNeutralError } from './neutral-error.js'
import type { AuthMode, Dialect, Permission, RouteContext, WireRequest, WireResponse } from './route.js'
import { type Verdict, verdictOf } from './verdict.js'

/** The one line logged per request: never a body, so never a secret. */
export interface RequestLog {
  dialect: string
  operation: string
  status: number
  ms: number
  requestId: string
}

/** What is known of one served request once it is answered: no secret, no body. */
export interface RequestRecord extends RequestLog {
  /** When the request arrived (ISO 8601, the emulator's clock). */
  at: string
  principal: Pick<Principal, 'accountId' | 'userId' | 'keyId'> | null
  /** The authorization decision, when the request got that far. */
  verdict: Verdict | null
  /** The id of the fault injected into the call, if one was. */
  fault?: string
  /** Set in audit mode when the call went through although the evaluator denied it. */
  wouldDeny?: { code: string; message: string }
}

export interface Logger {
  info(entry: object, message?: string): void
  warn?(entry: object, message?: string): void
  error(entry: object, message?: string): void
}

/** A fault to inject into one call: an error in the dialect's envelope, latency first, or a dropped connection. */
export interface Fault {
  id: string
  kind: 'error' | 'latency' | 'drop'
  error?: 'Throttled' | 'ServiceUnavailable' | 'Internal'
  latencyMs?: number
}

/** What a fault may be aimed at. */
export interface FaultTarget {
  dialect: string
  operation: string
  keyId: string | null
}

// The words the providers use: AWS's "Rate exceeded", and plain ones elsewhere.
const FAULT_MESSAGES = {
  Throttled: 'Rate exceeded',
  ServiceUnavailable: 'The service is unavailable. Please try again later.',
  Internal: 'The request processing has failed.',
} as const

/** The answer of a dropped connection: the transport closes it without a word. */
export const DROPPED: WireResponse = { status: 0, headers: {}, body: '', drop: true }

export interface DispatchDeps {
  core: Core
  auth: AuthMode
  logger?: Logger
  /** Told of every request once it is answered (the journal). */
  record?: (entry: RequestRecord) => void
  /** The fault to inject into a call, if one is armed for it. */
  fault?: (target: FaultTarget) => Fault | undefined
}

/** The longest message an error answer carries, whatever went into it. */
const MAX_MESSAGE_LENGTH = 2000

/**
 * Serve one request with one dialect: match the route (unless the transport already has), then
 * authenticate, parse, ask the evaluator about the permission the route declares, handle, and render
 * any failure in the dialect's own error format. In audit mode a denied call goes on, recorded as a
 * would-be denial.
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
  // The journal's time, written out only when there is a journal (MSW handlers keep none).
  const at = deps.core.now()
  const requestId = deps.core.ctx.ids.uuid()
  let operation = 'unknown'
  let principal: Principal | undefined
  // Set by the evaluator's call, which runs inside the route's steps.
  const judged: { verdict: Verdict | null; wouldDeny?: EmulatorError } = { verdict: null }
  let fault: Fault | undefined
  let res: WireResponse
  try {
    if (req.tooLarge) throw new EmulatorError('PayloadTooLarge', 'The request body is larger than 1 MiB.')
    const match = matched ?? matchRoute(dialect, req)
    if (!match) throw dialect.unknownOperation(req)
    const { route, params } = match
    operation = route.operation
    principal = await dialect.authenticate({ req, core: deps.core, auth: deps.auth, route })
    fault = deps.fault?.({ dialect: dialect.name, operation, keyId: principal.keyId })
    if (fault?.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault?.latencyMs))
    if (fault?.kind === 'error') {
      const code = fault.error ?? 'Throttled'
      throw new EmulatorError(code, FAULT_MESSAGES[code])
    }
    if (fault?.kind === 'drop') throw DROPPED
    const authorize = (permission: Permission) => {
      // In audit mode the first refusal is what strict mode would have answered: it stays the verdict.
      if (judged.wouldDeny) return
      const request = dialect.authorization.request(ctx, permission)
      const judgedPrincipal = dialect.authorization.principal?.(ctx) ?? ctx.principal
      const decision = deps.core.authorize(judgedPrincipal, request)
      judged.verdict = verdictOf(dialect, deps.core, judgedPrincipal, request, decision)
      if (decision.effect === 'allow') return
      const denial = dialect.authorization.denial(ctx, request, decision)
      if (deps.auth !== 'audit') throw denial
      judged.wouldDeny = denial
    }
    const ctx: RouteContext<unknown> = {
      req,
      params,
      input: undefined,
      principal,
      core: deps.core,
      requestId,
      authorize,
    }
    const fixed = typeof route.authorize === 'function' ? null : route.authorize
    if (fixed !== null) authorize(fixed)
    ctx.input = route.parse ? route.parse(req, params) : undefined
    if (typeof route.authorize === 'function') authorize(route.authorize(ctx))
    res = await route.handle(ctx)
    // A key counts as used only by calls that succeed: a refused call leaves the state as it was.
    if (principal.keyId && principal.keyUse && res.status < 400)
      deps.core.recordKeyUse(principal.keyId, principal.keyUse)
  } catch (err) {
    res = err === DROPPED ? DROPPED : renderFailure(dialect, err, req, requestId, deps, operation)
  }
  const entry: RequestLog = {
    dialect: dialect.name,
    operation,
    status: res.status,
    ms: Math.round((performance.now() - started) * 100) / 100,
    requestId,
  }
  const { verdict, wouldDeny } = judged
  if (wouldDeny) deps.logger?.warn?.({ ...entry, decidedBy: verdict?.decidedBy }, `would deny: ${wouldDeny.message}`)
  deps.logger?.info(entry)
  if (deps.record) {
    // Built field by field: conditional spreads cost more than the rest of this function.
    const record: RequestRecord = {
      ...entry,
      at: at.toISOString(),
      principal: principal
        ? { accountId: principal.accountId, userId: principal.userId, keyId: principal.keyId }
        : null,
      verdict,
    }
    if (fault) record.fault = fault.id
    if (wouldDeny) record.wouldDeny = { code: wouldDeny.code, message: wouldDeny.message }
    deps.record(record)
  }
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
