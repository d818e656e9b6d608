import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { type Duplex, Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { EmulatorError } from '../core/errors.js'
import { boundedCache } from '../core/memo.js'
import { type DispatchDeps, dispatch } from './dispatch.js'
import { BODY_LIMIT_BYTES, pickDialect, serveEdge } from './edge.js'
import { gathered, isStream } from './gathered-body.js'
import { streamingMatch } from './match.js'
import { renderNeutralError } from './neutral-error.js'
import type { Dialect, WireRequest, WireResponse } from './route.js'

/** Extra routes served on the edge port before any dialect (the /_emu control plane). */
export type ControlPlane = (req: WireRequest) => Promise<WireResponse | undefined> | WireResponse | undefined

/**
 * The request listener of the edge port: every dialect and the control plane on one port. It is plain
 * node:http, so `http.createServer` serves it and Express or Connect can mount it (`app.use(listener)`).
 * A framework's router under it bought nothing (every route is matched here) and cost more per request
 * than a whole signed call (README, Dependencies).
 *
 * @example createServer(createRequestListener(dialects, { core, auth: 'strict' }, control)).listen(4599)
 */
export function createRequestListener(dialects: Dialect[], deps: DispatchDeps, control: ControlPlane): RequestListener {
  // The last resort: nothing that reaches here leaves with a stack trace.
  const failed = (res: ServerResponse, err: unknown) => {
    deps.logger?.error({ err }, 'unexpected failure outside any dialect')
    const answer = renderNeutralError(new EmulatorError('Internal', 'The request processing has failed.'), '')
    if (res.headersSent) res.destroy()
    else void write(res, answer, 'GET', false)
  }
  // The body is read here: a body over the limit still gets an answer in the dialect's own error format.
  // A route that takes its body as a stream (an object upload) gets the request itself, unread and
  // without the limit.
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const head = toWire(req, EMPTY)
    const dialect = head.url.pathname.startsWith('/_emu/') ? undefined : pickDialect(dialects, head)
    const streamed = dialect && streamingMatch(dialect, head)
    const answered = streamed
      ? dispatch(dialect, { ...head, stream: req }, deps, streamed).then((answer) => ({
          answer,
          unread: !req.readableEnded,
        }))
      : readBody(req).then(async ({ body, tooLarge }) => {
          const wire = { ...head, body, ...(tooLarge && { tooLarge }) }
          return { answer: (await control(wire)) ?? (await serveEdge(dialects, wire, deps)), unread: tooLarge }
        })
    return answered.then(async ({ answer, unread }) => {
      if (answer.drop) return void req.socket.destroy()
      // A body left unread is not worth reading: the connection closes after the answer.
      return write(res, await gathered(answer), req.method ?? 'GET', unread)
    })
  }
  return (req, res) => {
    try {
      serve(req, res).catch((err: unknown) => failed(res, err))
    } catch (err) {
      failed(res, err)
    }
  }
}

// Written as is: the headers a dialect chose, and a length for every answer that is not a stream.
async function write(res: ServerResponse, answer: WireResponse, method: string, close: boolean): Promise<void> {
  const { body } = answer
  const streamed = isStream(body)
  const length = answer.headers['content-length'] ?? (streamed ? undefined : String(Buffer.byteLength(body)))
  const headers = { ...answer.headers }
  if (length !== undefined) headers['content-length'] = length
  if (close) headers.connection = 'close'
  res.writeHead(answer.status, headers)
  if (method === 'HEAD' || !streamed) return void res.end(method === 'HEAD' ? undefined : body)
  // A body that fails half-way cannot be taken back: the client sees the connection cut short.
  await pipeline(Readable.from(body), res).catch(() => res.destroy())
}

/**
 * The answer to a request Node's HTTP parser refuses before any dialect sees it (headers over 16 KiB,
 * a malformed request line): keyemu's own JSON error, then the connection closes.
 *
 * @example server.on('clientError', answerClientError)
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy()
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW'
  const status = tooLarge ? 431 : 400
  const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'
  const message = tooLarge
    ? 'The request line and headers are larger than 16 KiB.'
    : 'The request is not valid HTTP/1.1.'
  const { body } = renderNeutralError(new EmulatorError('InvalidInput', message), '')
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  )
}

const EMPTY = Buffer.alloc(0)

// Refused as soon as it is known to be over the limit: by its Content-Length before a byte is read,
// or, for a body without one, once the bytes read pass the limit.
function readBody(req: IncomingMessage): Promise<{ body: Buffer; tooLarge: boolean }> {
  const declared = Number(req.headers['content-length'] ?? 0)
  // No Content-Length and no Transfer-Encoding: HTTP/1.1 says there is no body (a GET), nothing to wait for.
  if (declared === 0 && req.headers['transfer-encoding'] === undefined) {
    return Promise.resolve({ body: EMPTY, tooLarge: false })
  }
  if (declared > BODY_LIMIT_BYTES) {
    req.pause()
    return Promise.resolve({ body: EMPTY, tooLarge: true })
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= BODY_LIMIT_BYTES) return void chunks.push(chunk)
      req.off('data', onData)
      req.pause()
      resolve({ body: EMPTY, tooLarge: true })
    }
    req.on('data', onData)
    req.on('end', () => resolve({ body: Buffer.concat(chunks, size), tooLarge: false }))
    req.on('error', reject)
  })
}

// Host headers seen lately and the origins they name: most requests repeat one or two of them.
const origins = boundedCache<string>(64)

// The origin a request names in its Host header, or localhost when that is not a host.
const originOf = (host: string | undefined): string =>
  host === undefined ? 'http://localhost' : origins(host, () => parseOrigin(host))

function parseOrigin(host: string): string {
  if (host) {
    try {
      const url = new URL(`http://${host}`)
      if (url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password) return url.origin
    } catch {
      // not a host: fall through
    }
  }
  return 'http://localhost'
}

/**
 * The URL of a request target as the client sent it: an origin-form target (`//x`, `/\`) is always
 * a path of this host, never read as another authority.
 */
export function requestUrl(target: string, host: string | undefined): URL {
  const origin = originOf(host)
  try {
    if (target.startsWith('/')) return new URL(`${origin}${target}`)
    const absolute = new URL(target)
    if (absolute.protocol === 'http:' || absolute.protocol === 'https:') return absolute
  } catch {
    // not a URL: fall through
  }
  return new URL(`${origin}/`)
}

function toWire(req: IncomingMessage, body: Buffer): WireRequest {
  const target = req.url ?? '/'
  // Node joins repeated request headers itself; only set-cookie stays a list.
  const raw = req.headers
  const headers = (
    raw['set-cookie'] === undefined ? raw : { ...raw, 'set-cookie': raw['set-cookie'].join(', ') }
  ) as Record<string, string>
  return {
    method: req.method ?? 'GET',
    url: requestUrl(target, headers.host),
    headers,
    body,
    rawPath: rawPathOf(target),
    remoteAddress: req.socket.remoteAddress,
  }
}

// The path of an origin-form target as sent; an absolute-form target's path after its authority.
function rawPathOf(target: string): string {
  const path = target.startsWith('/') ? target : target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '')
  const end = path.search(/[?#]/)
  const raw = end === -1 ? path : path.slice(0, end)
  return raw.startsWith('/') ? raw : `/${raw}`
}
