import { jsonResponse } from '../../protocol/rest/json.js'
import type { WireResponse } from '../../protocol/route.js'
import { DASHBOARD_PAGE, DASHBOARD_SCRIPT, DASHBOARD_STYLE } from './assets.js'

// The page only ever loads what the emulator serves itself: no inline code, no other origin. Its data
// comes from the guarded /_emu endpoints, so the page itself holds nothing and needs no token.
const POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const COMMON = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

const ASSETS: Record<string, WireResponse> = {
  '/_emu/ui': {
    status: 200,
    headers: { ...COMMON, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': POLICY },
    body: DASHBOARD_PAGE,
  },
  '/_emu/ui/app.js': {
    status: 200,
    headers: { ...COMMON, 'content-type': 'text/javascript; charset=utf-8' },
    body: DASHBOARD_SCRIPT,
  },
  '/_emu/ui/app.css': {
    status: 200,
    headers: { ...COMMON, 'content-type': 'text/css; charset=utf-8' },
    body: DASHBOARD_STYLE,
  },
}

/**
 * The dashboard's page, script or style sheet for a GET of its path, else undefined. They are served
 * without the control token: they are the same for everyone and carry no data.
 *
 * @example dashboardAsset('GET', '/_emu/ui')?.headers['content-type'] // 'text/html; charset=utf-8'
 */
export function dashboardAsset(method: string, path: string): WireResponse | undefined {
  if (method !== 'GET') return undefined
  return ASSETS[path === '/_emu/ui/' ? '/_emu/ui' : path]
}

/**
 * What the dashboard needs besides the state and the journal: each dialect with the realm of the
 * accounts it serves, so that accounts, keys and explain's choices can be shown per dialect.
 *
 * @example dialectsView([iam]) // { status: 200, body: '{"dialects":[{"name":"iam","realm":"aws"}]}', ... }
 */
export function dialectsView(dialects: { name: string; realm: string }[]): WireResponse {
  return jsonResponse(200, { dialects: dialects.map(({ name, realm }) => ({ name, realm })) })
}
