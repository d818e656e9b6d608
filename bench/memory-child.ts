import { capYoungGeneration } from '../src/cli/young-generation.js'

// Run with --expose-gc by bench/run.ts; sends one message with the figures, then exits. `bin`: V8 set
// up as the bin sets it, before anything else loads; `library`: Node's defaults, as in a test runner.
if (process.argv[2] === 'bin') capYoungGeneration()
const { createEmulator } = await import('../src/emulator.js')
const { AWS_KEY_SHAPE, IAM_KEYS } = await import('../src/protocol/aws/key-shape.js')
const ACCOUNT = '000000000000'
const USERS = 5000
const KEYS_PER_USER = 2

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10
const gc = () => (globalThis as { gc?: () => void }).gc?.()

const emulator = await createEmulator()
await emulator.listen(0)
gc()
const before = process.memoryUsage()

const started = performance.now()
for (let i = 0; i < USERS; i++) {
  const user = await emulator.core.createUser({ accountId: ACCOUNT, name: `mem-${i}` })
  for (let k = 0; k < KEYS_PER_USER; k++) {
    await emulator.core.createAccessKey({
      namespace: IAM_KEYS,
      accountId: ACCOUNT,
      userId: user.id,
      shape: AWS_KEY_SHAPE,
    })
  }
}
const createMs = performance.now() - started

gc()
const after = process.memoryUsage()
const keys = emulator.core.ctx.store.read((s) => Object.keys(s.accessKeys).length)
process.send?.({
  users: USERS,
  keys,
  createMs: Math.round(createMs),
  gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
  idleRssMb: mb(before.rss),
  idleHeapUsedMb: mb(before.heapUsed),
  rssMb: mb(after.rss),
  heapUsedMb: mb(after.heapUsed),
})
await emulator.close()
process.disconnect?.()
