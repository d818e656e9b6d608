import { S3Client, GetObjectCommand, CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createHandlers } from '/work/main/dist/src/msw.js'
const keyemu = createHandlers()
const server = setupServer(...keyemu); server.listen({ onUnhandledRequest: 'error' })
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' }
const s3 = new S3Client({ region: 'us-east-1', credentials, maxAttempts: 1 })
const iam = new IAMClient({ region: 'us-east-1', credentials, maxAttempts: 1 })
await s3.send(new CreateBucketCommand({ Bucket: 'bench-bucket' })); await s3.send(new PutObjectCommand({ Bucket: 'bench-bucket', Key: 'k', Body: Buffer.alloc(1024, 'k') }))
const which = process.argv[2] ?? 's3'
const call = which === 's3' ? async () => (await s3.send(new GetObjectCommand({ Bucket: 'bench-bucket', Key: 'k' }))).Body.transformToByteArray() : () => iam.send(new ListAccessKeysCommand({}))
let captured
server.events.on('response:mocked', async ({ request, response }) => { captured ??= { url: request.url, method: request.method, status: response.status, headers: [...response.headers], body: await response.clone().arrayBuffer() } })
await call(); server.events.removeAllListeners()
const c = captured
const staticH = http[c.method.toLowerCase()](c.url, () => new HttpResponse(c.body.slice(0), { status: c.status, headers: c.headers }))
const run = async (n) => { const u = process.cpuUsage(); const t = performance.now(); for (let i = 0; i < n; i++) await call(); const d = process.cpuUsage(u); return [(performance.now() - t) / n, (d.user + d.system) / 1000 / n] }
for (let i = 0; i < 200; i++) await call()
const res = { keyemu: [], static: [] }
for (let round = 0; round < 4; round++) {
  server.resetHandlers(...keyemu); res.keyemu.push(await run(300))
  server.resetHandlers(staticH); res.static.push(await run(300))
}
const med = (xs, k) => xs.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(which, 'wall keyemu', med(res.keyemu, 0).toFixed(3), 'static', med(res.static, 0).toFixed(3), '| cpu keyemu', med(res.keyemu, 1).toFixed(3), 'static', med(res.static, 1).toFixed(3))
server.close()
