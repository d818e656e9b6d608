import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { createHandlers } from '../src/msw.js'

// In-process cost: the same SDK call answered by keyemu's MSW handlers and by one static MSW handler
// that replays keyemu's own answer, in alternating blocks so drift hits both alike. Sends medians.
const BLOCKS = 6
const CALLS_PER_BLOCK = 50
const CREATES = 20

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
const round = (n: number) => Math.round(n * 1000) / 1000

const createMs: number[] = []
for (let i = 0; i < CREATES; i++) {
  const started = performance.now()
  createHandlers()
  createMs.push(performance.now() - started)
}

const iam = new IAMClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
})
const call = () => iam.send(new ListAccessKeysCommand({}))
const keyemu = createHandlers()
const server = setupServer(...keyemu)
server.listen({ onUnhandledRequest: 'error' })

// keyemu's own answer, replayed by the static handler, so the SDK parses the same bytes.
let answer = ''
server.events.on('response:mocked', async ({ response }) => {
  answer = await response.clone().text()
})
await call()
server.events.removeAllListeners()
if (!answer.includes('ListAccessKeysResult')) throw new Error(`keyemu's answer was not captured: ${answer}`)
const fixed = http.post('https://iam.amazonaws.com/', () =>
  HttpResponse.text(answer, { headers: { 'content-type': 'text/xml' } }),
)

const timed = async (handlers: Parameters<typeof server.resetHandlers>, out: number[]) => {
  server.resetHandlers(...handlers)
  for (let i = 0; i < CALLS_PER_BLOCK; i++) {
    const started = performance.now()
    await call()
    out.push(performance.now() - started)
  }
}
const viaKeyemu: number[] = []
const viaStatic: number[] = []
await timed(keyemu, [])
await timed([fixed], [])
for (let b = 0; b < BLOCKS; b++) {
  await timed(keyemu, viaKeyemu)
  await timed([fixed], viaStatic)
}
server.close()
process.send?.({
  createHandlersMedianMs: round(median(createMs)),
  keyemuMedianMs: round(median(viaKeyemu)),
  staticMedianMs: round(median(viaStatic)),
  calls: viaKeyemu.length,
})
process.disconnect?.()
