import { request } from 'node:http'
import { CLI, startKeyemu, stop } from './children.js'
import { iamBody, presign } from './sigv4.js'

export interface ColdStart {
  readyMs: number
  firstAnswerMs: number
  status: number
}

function send(url: string, req: { headers: Record<string, string>; body: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = request(`${url}/`, { method: 'POST', headers: req.headers, agent: false }, (res) => {
      res.resume()
      res.once('end', () => resolve(res.statusCode ?? 0))
    })
    r.once('error', reject)
    r.end(req.body)
  })
}

/** Spawn → ready line → first signed ListAccessKeys answered, timed from the spawn. */
export async function coldStart(cli = CLI): Promise<ColdStart> {
  const spawnedAt = performance.now()
  const { child, url, readyAt } = await startKeyemu('info', 10_000, cli)
  try {
    const signed = await presign(new URL(url).host, iamBody('ListAccessKeys'))
    const status = await send(url, signed)
    const answeredAt = performance.now()
    return { readyMs: readyAt - spawnedAt, firstAnswerMs: answeredAt - spawnedAt, status }
  } finally {
    await stop(child)
  }
}

/** Warm this process's own signer and HTTP client so only the child's start is timed. */
export async function warmClient(): Promise<void> {
  await presign('127.0.0.1:1', iamBody('ListAccessKeys'))
  await send('http://127.0.0.1:1', { headers: {}, body: '' }).catch(() => 0)
}
