import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam'
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { getObjectStorageKeys, setToken } from '@linode/api-v4'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { createHandlers } from '../src/msw.js'

// In-process cost: the same SDK call answered by keyemu's MSW handlers and by one static MSW handler
// that replays keyemu's own answer, in alternating blocks so drift hits both alike. Sends medians.
// Arguments name the calls to measure (iam, linode, s3); all of them when none is given.
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

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' }
const iam = new IAMClient({ region: 'us-east-1', credentials, maxAttempts: 1 })
const s3 = new S3Client({ region: 'us-east-1', credentials, maxAttempts: 1 })
const object = { Bucket: 'bench-bucket', Key: 'get-1k' }
// @linode/api-v4 at its real endpoint, with the seeded token.
setToken('keyemu-linode-token')

interface Call {
  name: string
  /** Runs once through keyemu before timing: what the call needs stored. */
  setup?: () => Promise<unknown>
  /** The SDK call, its answer read whole. */
  send: () => Promise<unknown>
}

const CALLS: Record<string, Call> = {
  iam: { name: 'SDK ListAccessKeys', send: () => iam.send(new ListAccessKeysCommand({})) },
  linode: { name: '@linode/api-v4 getObjectStorageKeys', send: () => getObjectStorageKeys() },
  s3: {
    name: 'SDK S3 GetObject 1 KiB',
    async setup() {
      await s3.send(new CreateBucketCommand({ Bucket: object.Bucket }))
      await s3.send(new PutObjectCommand({ ...object, Body: Buffer.alloc(1024, 'k') }))
    },
    send: async () => (await s3.send(new GetObjectCommand(object))).Body?.transformToByteArray(),
  },
}
const wanted = process.argv.slice(2)
const calls = Object.entries(CALLS).filter(([id]) => wanted.length === 0 || wanted.includes(id))

const keyemu = createHandlers()
const server = setupServer(...keyemu)
server.listen({ onUnhandledRequest: 'error' })

/** keyemu's own answer to `call`, replayed by one static handler at the URL it was asked, so the SDK parses the same bytes. */
async function staticHandler(call: Call) {
  const captured: Promise<Answer>[] = []
  server.events.on('response:mocked', ({ request, response }) => {
    captured.push(answerOf(request, response.clone()))
  })
  await call.send()
  server.events.removeAllListeners()
  const answer = await captured[0]
  if (captured.length !== 1 || answer?.status !== 200)
    throw new Error(`keyemu's answer to ${call.name} was not captured: ${JSON.stringify(answer)}`)
  const { url, method, status, headers, body } = answer
  return http[method.toLowerCase() as 'get' | 'post'](url, () => new HttpResponse(body.slice(0), { status, headers }))
}

interface Answer {
  url: string
  method: string
  status: number
  headers: [string, string][]
  body: ArrayBuffer
}

async function answerOf(request: Request, response: Response): Promise<Answer> {
  const url = new URL(request.url)
  const headers: [string, string][] = []
  response.headers.forEach((value, name) => {
    headers.push([name, value])
  })
  const body = await response.arrayBuffer()
  return { url: `${url.origin}${url.pathname}`, method: request.method, status: response.status, headers, body }
}

const timed = async (call: Call, handlers: Parameters<typeof server.resetHandlers>, out: number[]) => {
  server.resetHandlers(...handlers)
  for (let i = 0; i < CALLS_PER_BLOCK; i++) {
    const started = performance.now()
    await call.send()
    out.push(performance.now() - started)
  }
}

const figures = []
for (const [id, call] of calls) {
  await call.setup?.()
  const fixed = await staticHandler(call)
  const viaKeyemu: number[] = []
  const viaStatic: number[] = []
  await timed(call, keyemu, [])
  await timed(call, [fixed], [])
  for (let b = 0; b < BLOCKS; b++) {
    await timed(call, keyemu, viaKeyemu)
    await timed(call, [fixed], viaStatic)
  }
  server.resetHandlers(...keyemu)
  figures.push({
    id,
    name: call.name,
    keyemuMedianMs: round(median(viaKeyemu)),
    staticMedianMs: round(median(viaStatic)),
  })
}
server.close()
process.send?.({
  createHandlersMedianMs: round(median(createMs)),
  calls: figures,
  callsEach: BLOCKS * CALLS_PER_BLOCK,
})
process.disconnect?.()
