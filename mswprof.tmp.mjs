import { S3Client, GetObjectCommand, CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam'
import { setupServer } from 'msw/node'
import { createHandlers } from '/work/main/dist/src/msw.js'
const server = setupServer(...createHandlers()); server.listen({ onUnhandledRequest: 'error' })
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' }
const s3 = new S3Client({ region: 'us-east-1', credentials, maxAttempts: 1 })
const iam = new IAMClient({ region: 'us-east-1', credentials, maxAttempts: 1 })
await s3.send(new CreateBucketCommand({ Bucket: 'bench-bucket' })); await s3.send(new PutObjectCommand({ Bucket: 'bench-bucket', Key: 'k', Body: Buffer.alloc(1024, 'k') }))
const which = process.argv[2] ?? 's3'
const call = which === 's3' ? async () => (await s3.send(new GetObjectCommand({ Bucket: 'bench-bucket', Key: 'k' }))).Body.transformToByteArray() : () => iam.send(new ListAccessKeysCommand({}))
for (let i = 0; i < 200; i++) await call()
const t = performance.now(); for (let i = 0; i < 1500; i++) await call(); console.log(which, ((performance.now() - t) / 1500).toFixed(3), "ms/call", globalThis.__T.slice(0,3).map(x => (x*1000/globalThis.__T[3]).toFixed(0)+"µs").join(" "))
server.close()
