import express, { type NextFunction, type Request, type Response } from 'express'
import type { DispatchDeps } from './dispatch.js'
import { BODY_LIMIT_BYTES, serveEdge } from './edge.js'
import type { Dialect, WireRequest, WireResponse } from './route.js'

/** Extra routes served on the edge port before any dialect (the /_emu control plane). */
export type ControlPlane = (req: WireRequest) => Promise<WireResponse | undefined> | WireResponse | undefined

/**
 * The Express app of the edge port: every dialect and the control plane on one port.
 *
 * @example createExpressApp(dialects, { core, auth: 'strict' }, control).listen(4599)
 */
export function createExpressApp(dialects: Dialect[], deps: DispatchDeps, control: ControlPlane): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  app.set('query parser', false)
  const serve = async (wire: WireRequest, res: Response) => {
    const req = wire
    const answer = (await control(wire)) ?? (await serveEdge(dialects, wire, deps))
    // Written as is: Express's send() would add a charset to content types providers send bare.
    res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) })
    res.end(req.method === 'HEAD' ? undefined : answer.body)
  }
  // One middleware reads the body itself: cheaper than body-parser on every request, and a body over
  // the limit still gets an answer in the dialect's own error format.
  app.use((req: Request, res: Response, next: NextFunction) => {
    readBody(req)
      .then(({ body, tooLarge }) => serve({ ...toWire(req, body), ...(tooLarge && { tooLarge }) }, res))
      .catch(next)
  })
  return app
}

const EMPTY = Buffer.alloc(0)

function readBody(req: Request): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= BODY_LIMIT_BYTES) chunks.push(chunk)
    })
    req.on('end', () => {
      const tooLarge = size > BODY_LIMIT_BYTES
      resolve({ body: tooLarge ? EMPTY : Buffer.concat(chunks, size), tooLarge })
    })
    req.on('error', reject)
  })
}

function toWire(req: Request, body: Buffer): WireRequest {
  // Node joins repeated request headers itself; only set-cookie stays a list.
  const raw = req.headers
  const headers = (
    raw['set-cookie'] === undefined ? raw : { ...raw, 'set-cookie': raw['set-cookie'].join(', ') }
  ) as Record<string, string>
  let url: URL
  try {
    url = new URL(req.originalUrl, `http://${headers.host ?? 'localhost'}`)
  } catch {
    url = new URL(req.originalUrl.startsWith('/') ? req.originalUrl : '/', 'http://localhost')
  }
  return { method: req.method, url, headers, body, remoteAddress: req.socket.remoteAddress }
}
