import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import { EmulatorError, echo, isEmulatorError } from '../core/errors.js'
import type { State } from '../core/model.js'
import { renderNeutralError } from '../protocol/neutral-error.js'
import type { ControlPlane } from '../protocol/node-http.js'
import { bearerToken } from '../protocol/rest/bearer.js'
import { jsonResponse, parseJson, readJsonObject } from '../protocol/rest/json.js'
import type { WireRequest, WireResponse } from '../protocol/route.js'
import { version } from '../version.js'
import type { Controls } from './controls.js'
import { ResetOptions } from './sandboxes.js'
import { dashboardAsset, dialectsView } from './ui/dashboard.js'

/** The state with every secret replaced, safe to show. */
export function redactedState(state: State): State {
  const out = structuredClone(state)
  for (const key of Object.values(out.accessKeys)) key.secret = '[REDACTED]'
  for (const token of Object.values(out.tokens)) token.token = '[REDACTED]'
  for (const account of Object.values(out.accounts)) if (account.signingKey) account.signingKey = '[REDACTED]'
  for (const sandbox of Object.values(out.sandboxes)) sandbox.seed = '[REDACTED]'
  out.tokens = Object.fromEntries(Object.values(out.tokens).map((t, i) => [`token-${i + 1}`, t]))
  return out
}

const ENDPOINTS = [
  'GET /_emu/health',
  'GET /_emu/state',
  'POST /_emu/reset',
  'GET|POST /_emu/sandboxes',
  'DELETE /_emu/sandboxes/{id}',
  'POST /_emu/explain',
  'GET|DELETE /_emu/journal',
  'GET|POST /_emu/snapshots',
  'POST /_emu/snapshots/{name}/restore',
  'DELETE /_emu/snapshots/{name}',
  'GET|POST|DELETE /_emu/faults',
  'DELETE /_emu/faults/{id}',
  'GET /_emu/ui',
  'GET /_emu/ui/dialects',
]

/**
 * The /_emu control plane, kept out of every provider's path space: health, state (secrets
 * redacted), reset, explain, the journal and snapshots, each answered from `controls`; and the
 * dashboard at /_emu/ui, which shows them.
 *
 * With a `controlToken`, every endpoint but health and the dashboard's files needs
 * `Authorization: Bearer <token>`.
 *
 * @example createControlPlane(createControls({ dialects, core, store, initial, auth: 'strict' }), { controlToken })
 */
export function createControlPlane(controls: Controls, options: { controlToken?: string } = {}): ControlPlane {
  const digest = (text: string) => createHash('sha256').update(text).digest()
  const expected = options.controlToken === undefined ? undefined : digest(options.controlToken)
  // Compared as digests, in constant time: the answer's timing says nothing about the token.
  const guard = (req: WireRequest) => {
    if (!expected) return
    const presented = bearerToken(req, ['Bearer'])
    if (presented === undefined) {
      throw new EmulatorError('MissingCredentials', 'The control endpoints need Authorization: Bearer <control token>.')
    }
    if (!timingSafeEqual(digest(presented), expected)) {
      throw new EmulatorError('UnknownCredentials', 'That is not the control token this keyemu was started with.')
    }
  }
  return async (req) => {
    const path = req.url.pathname
    if (!path.startsWith('/_emu/')) return undefined
    // Answered like GET, body left off by the transport.
    const method = req.method === 'HEAD' ? 'GET' : req.method
    const requestId = randomUUID()
    try {
      // The dashboard's page and files hold no data: the calls they make need the token.
      const asset = dashboardAsset(method, path)
      if (asset) return asset
      if (!(method === 'GET' && path === '/_emu/health')) guard(req)
      return await serve(method, path, req)
    } catch (err) {
      const failure = isEmulatorError(err) ? err : new EmulatorError('Internal', 'The control plane failed.')
      const { field, more } = failure.detail
      return renderNeutralError(failure, requestId, { ...(field && { field }), ...(more?.length && { more }) })
    }
  }

  async function serve(method: string, path: string, req: WireRequest): Promise<WireResponse> {
    const route = `${method} ${path}`
    if (route === 'GET /_emu/health') {
      const { auth, dialects, seeded } = controls
      return jsonResponse(200, { status: 'ok', version, auth, dialects, credentials: seeded })
    }
    if (route === 'GET /_emu/state') return jsonResponse(200, redactedState(controls.state()))
    if (route === 'GET /_emu/ui/dialects') return dialectsView(controls.realms)
    if (route === 'POST /_emu/reset') {
      const options = parseJson(ResetOptions, readJsonObject(req))
      await controls.reset(options)
      return jsonResponse(200, { status: 'reset', ...options })
    }
    if (route === 'GET /_emu/sandboxes') return jsonResponse(200, { sandboxes: controls.sandboxes.list() })
    if (route === 'POST /_emu/sandboxes') return jsonResponse(201, await controls.sandboxes.create())
    if (route === 'POST /_emu/explain') return jsonResponse(200, controls.explain(readJsonObject(req)))
    if (route === 'GET /_emu/journal') {
      return jsonResponse(200, { entries: controls.journal.list(Object.fromEntries(req.url.searchParams)) })
    }
    if (route === 'DELETE /_emu/journal') {
      controls.journal.clear()
      return jsonResponse(200, { status: 'cleared' })
    }
    if (route === 'GET /_emu/snapshots') return jsonResponse(200, { snapshots: controls.snapshots.list() })
    if (route === 'POST /_emu/snapshots') return jsonResponse(201, controls.snapshots.take(readJsonObject(req)))
    if (route === 'GET /_emu/faults') return jsonResponse(200, { faults: controls.faults.list() })
    if (route === 'POST /_emu/faults') return jsonResponse(201, controls.faults.arm(readJsonObject(req)))
    if (route === 'DELETE /_emu/faults') {
      controls.faults.disarm()
      return jsonResponse(200, { status: 'disarmed' })
    }
    const fault = /^\/_emu\/faults\/(fault-\d+)$/.exec(path)
    if (fault && method === 'DELETE') {
      controls.faults.disarm(fault[1])
      return jsonResponse(200, { status: 'disarmed', id: fault[1] })
    }
    const sandbox = /^\/_emu\/sandboxes\/([^/]+)$/.exec(path)
    if (sandbox && method === 'DELETE') {
      await controls.sandboxes.delete(sandbox[1] as string)
      return jsonResponse(200, { status: 'deleted', id: sandbox[1] })
    }
    const snapshot = /^\/_emu\/snapshots\/([^/]+)(\/restore)?$/.exec(path)
    if (snapshot) {
      const name = snapshot[1] as string
      if (method === 'POST' && snapshot[2]) return jsonResponse(200, await controls.snapshots.restore(name))
      if (method === 'DELETE' && !snapshot[2]) {
        controls.snapshots.delete(name)
        return jsonResponse(200, { status: 'deleted', name })
      }
    }
    throw new EmulatorError(
      'NotFound',
      `No control endpoint ${method} ${echo(path)}; there are ${ENDPOINTS.join(', ')}.`,
    )
  }
}
