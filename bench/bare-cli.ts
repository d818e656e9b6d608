import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

// The floor of a cold start on this machine, spawned as the CLI is (`bare-cli.js --port 0 ...`): a
// node:http server that answers 200 and prints keyemu's ready line, with nothing else to load.
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 })
  res.end('ok')
})
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo
  console.log(JSON.stringify({ msg: 'ready', url: `http://127.0.0.1:${port}` }))
})
process.once('SIGTERM', () => process.exit(0))
