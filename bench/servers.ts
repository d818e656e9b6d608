import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'

// Ceiling servers, run by `fork` so they get their own event loop (and core): `servers.js http|express`.
const kind = process.argv[2]

if (kind === 'http') {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 })
    res.end('ok')
  })
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }))
} else if (kind === 'express') {
  const app = express()
  app.use((_req, res) => {
    res.send('ok')
  })
  const server = app.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }))
} else {
  console.error(`unknown ceiling server: ${kind}`)
  process.exit(2)
}

process.on('disconnect', () => process.exit(0))
