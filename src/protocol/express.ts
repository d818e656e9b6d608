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
  app.use(express.raw({ type: () => true, limit: BODY_LIMIT_BYTES }))
  app.use((req: Request, res: Response, next: NextFunction) => {
    serve(toWire(req, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)), res).catch(next)
  })
  // Body-reading failures (too large, bad encoding, aborted) still get an answer in the dialect's format.
  app.use((err: { type?: string }, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err)
    const wire = toWire(req, Buffer.alloc(0))
    if (err.type === 'entity.too.large') wire.tooLarge = true
    serve(wire, res).catch(next)
  })
  return app
}

function toWire(req: Request, body: Buffer): WireRequest {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  let url: URL
  try {
    url = new URL(req.originalUrl, `http://${headers.host ?? 'localhost'}`)
  } catch {
    url = new URL(req.originalUrl.startsWith('/') ? req.originalUrl : '/', 'http://localhost')
  }
  return { method: req.method, url, headers, body, remoteAddress: req.socket.remoteAddress }
}
