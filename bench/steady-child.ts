import { createEmulator } from '../src/emulator.js'
import { AWS_KEY_SHAPE, IAM_KEYS } from '../src/protocol/aws/key-shape.js'

// Run with --expose-gc: creates and deletes a key over and over for SECONDS (after a warm-up), takes
// heapUsed after a full gc once a second, and sends the least-squares slope in KB per minute. At
// steady state it should be about 0: anything kept per create is a leak.
const ACCOUNT = '000000000000'
const WARMUP_MS = 2000
const SECONDS = Number(process.argv[2] ?? 20)
const gc = () => (globalThis as { gc?: () => void }).gc?.()

const emulator = await createEmulator()
const { core } = emulator
const user = await core.createUser({ accountId: ACCOUNT, name: 'steady' })
const filter = { namespace: IAM_KEYS, accountId: ACCOUNT, userId: user.id, bucketId: null }
const cycle = async () => {
  const key = await core.createAccessKey({
    namespace: IAM_KEYS,
    accountId: ACCOUNT,
    userId: user.id,
    shape: AWS_KEY_SHAPE,
  })
  await core.deleteAccessKey(filter, key.id)
}

const until = async (ms: number) => {
  const end = performance.now() + ms
  let n = 0
  while (performance.now() < end) {
    await cycle()
    n++
  }
  return n
}
await until(WARMUP_MS)
const samples: { t: number; heap: number }[] = []
let cycles = 0
const started = performance.now()
for (let s = 0; s < SECONDS; s++) {
  cycles += await until(1000)
  gc()
  samples.push({ t: (performance.now() - started) / 60_000, heap: process.memoryUsage().heapUsed / 1024 })
}
const n = samples.length
const mt = samples.reduce((a, s) => a + s.t, 0) / n
const mh = samples.reduce((a, s) => a + s.heap, 0) / n
const slope =
  samples.reduce((a, s) => a + (s.t - mt) * (s.heap - mh), 0) / samples.reduce((a, s) => a + (s.t - mt) ** 2, 0)
process.send?.({
  seconds: SECONDS,
  cycles,
  kbPerMinute: Math.round(slope),
  heapFirstMb: Math.round(((samples[0]?.heap ?? 0) / 1024) * 10) / 10,
  heapLastMb: Math.round(((samples[n - 1]?.heap ?? 0) / 1024) * 10) / 10,
})
await emulator.close()
process.disconnect?.()
