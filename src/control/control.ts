import { randomUUID } from 'node:crypto'
import { EmulatorError, echo, isEmulatorError } from '../core/errors.js'
import type { State } from '../core/model.js'
import type { Store } from '../core/store.js'
import type { ControlPlane } from '../protocol/express.js'
import { renderNeutralError } from '../protocol/neutral-error.js'
import { jsonResponse } from '../protocol/rest/json.js'
import type { Dialect, WireResponse } from '../protocol/route.js'
import { version } from '../version.js'

/** The state with every secret replaced, safe to show. */
export function redactedState(state: State): State {
  const out = structuredClone(state)
  for (const key of Object.values(out.accessKeys)) key.secret = '[REDACTED]'
  for (const token of Object.values(out.tokens)) token.token = '[REDACTED]'
  for (const account of Object.values(out.accounts)) if (account.signingKey) account.signingKey = '[REDACTED]'
  out.tokens = Object.fromEntries(Object.values(out.tokens).map((t, i) => [`token-${i + 1}`, t]))
  return out
}

/**
 * The /_emu control plane, kept out of every provider's path space: health, state (secrets
 * redacted) and reset to the seed the emulator started from.
 *
 * @example createControlPlane({ dialects, store, initial })
 */
export function createControlPlane(deps: { dialects: Dialect[]; store: Store; initial: State }): ControlPlane {
  return async (req) => {
    const path = req.url.pathname
    if (!path.startsWith('/_emu/')) return undefined
    // Answered like GET, body left off by the transport.
    const method = req.method === 'HEAD' ? 'GET' : req.method
    const requestId = randomUUID()
    try {
      return await serve(method, path)
    } catch (err) {
      const failure = isEmulatorError(err) ? err : new EmulatorError('Internal', 'The control plane failed.')
      return renderNeutralError(failure, requestId)
    }
  }

  async function serve(method: string, path: string): Promise<WireResponse> {
    if (method === 'GET' && path === '/_emu/health') {
      return jsonResponse(200, { status: 'ok', version, dialects: deps.dialects.map((d) => d.name) })
    }
    if (method === 'GET' && path === '/_emu/state') return jsonResponse(200, redactedState(deps.store.snapshot()))
    if (method === 'POST' && path === '/_emu/reset') {
      await deps.store.replace(deps.initial)
      return jsonResponse(200, { status: 'reset' })
    }
    throw new EmulatorError(
      'NotFound',
      `No control endpoint ${method} ${echo(path)}; there are GET /_emu/health, GET /_emu/state and POST /_emu/reset.`,
    )
  }
}
