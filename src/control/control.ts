import type { State } from '../core/model.js'
import type { Store } from '../core/store.js'
import type { ControlPlane } from '../protocol/express.js'
import type { Dialect, WireResponse } from '../protocol/route.js'
import { version } from '../version.js'

const json = (status: number, body: unknown): WireResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

/** The state with every secret replaced, safe to show. */
export function redactedState(state: State): State {
  const out = structuredClone(state)
  for (const key of Object.values(out.accessKeys)) key.secret = '[REDACTED]'
  for (const token of Object.values(out.tokens)) token.token = '[REDACTED]'
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
    if (req.method === 'GET' && path === '/_emu/health') {
      return json(200, { status: 'ok', version, dialects: deps.dialects.map((d) => d.name) })
    }
    if (req.method === 'GET' && path === '/_emu/state') return json(200, redactedState(deps.store.snapshot()))
    if (req.method === 'POST' && path === '/_emu/reset') {
      await deps.store.replace(deps.initial)
      return json(200, { status: 'reset' })
    }
    return json(404, {
      error: 'NotFound',
      message: `No control endpoint ${req.method} ${path}; there are GET /_emu/health, GET /_emu/state and POST /_emu/reset.`,
    })
  }
}
