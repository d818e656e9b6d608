import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEmulator } from '../src/emulator.js'
import { AWS_KEY_SHAPE, IAM_KEYS } from '../src/protocol/aws/key-shape.js'

// How long a create takes with --data and 10,000 keys stored: the state is built in memory, written
// as the data file, and opened with it; then CREATES keys are made one after another through core.
// Sends { keys, medianMs, p90Ms, plainJsonAfterStop } and exits.
const ACCOUNT = '000000000000'
const USERS = 5000
const CREATES = 200

const seeded = await createEmulator()
const userIds: string[] = []
for (let i = 0; i < USERS; i++) {
  const user = await seeded.core.createUser({ accountId: ACCOUNT, name: `data-${i}` })
  userIds.push(user.id)
  for (let k = 0; k < 2; k++) {
    await seeded.core.createAccessKey({
      namespace: IAM_KEYS,
      accountId: ACCOUNT,
      userId: user.id,
      shape: AWS_KEY_SHAPE,
    })
  }
}
const dir = mkdtempSync(join(tmpdir(), 'keyemu-bench-data-'))
const data = join(dir, 'state.json')
writeFileSync(data, JSON.stringify(seeded.store.snapshot()))
await seeded.close()

const emulator = await createEmulator({ data })
const keys = emulator.store.read((s) => Object.keys(s.accessKeys).length)
const times: number[] = []
for (let i = 0; i < CREATES; i++) {
  const started = performance.now()
  await emulator.core.createAccessKey({
    namespace: IAM_KEYS,
    accountId: ACCOUNT,
    userId: userIds[i] ?? null,
    shape: AWS_KEY_SHAPE,
  })
  times.push(performance.now() - started)
}
await emulator.close()
const stored = JSON.parse(readFileSync(data, 'utf8')) as { accessKeys: object }
const plainJsonAfterStop = Object.keys(stored.accessKeys).length === keys + CREATES
rmSync(dir, { recursive: true })

times.sort((a, b) => a - b)
const at = (q: number) => Math.round((times[Math.floor(q * (times.length - 1))] ?? 0) * 100) / 100
process.send?.({ keys, creates: CREATES, medianMs: at(0.5), p90Ms: at(0.9), plainJsonAfterStop })
process.disconnect?.()
