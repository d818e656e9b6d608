import { createEmulator } from '../src/emulator.js'
import { AWS_KEY_SHAPE, IAM_KEYS } from '../src/protocol/aws/key-shape.js'

// `scale-child.js <users> <keys per user>`: an emulator holding that many IAM users and keys, made
// in-process through core (far faster than over HTTP), then served. Sends { url, keys, seedMs } once
// listening; seedMs is the time to create the users with their first 2 keys each. IAM allows 5,000
// users per account, so past BENCH_ACCOUNT_USERS (which leaves room for the rows' own users) they go
// to a second account.
const ACCOUNT = '000000000000'
const OTHER_ACCOUNT = '111111111111'
const BENCH_ACCOUNT_USERS = 4000
const users = Number(process.argv[2])
const keysPerUser = Number(process.argv[3])

const emulator = await createEmulator()
const { core } = emulator
await core.createAccount({ id: OTHER_ACCOUNT, name: 'scale', realm: 'aws', regions: [] })
const accountOf = (i: number) => (i < BENCH_ACCOUNT_USERS ? ACCOUNT : OTHER_ACCOUNT)
const createKey = (i: number, userId: string) =>
  core.createAccessKey({ namespace: IAM_KEYS, accountId: accountOf(i), userId, shape: AWS_KEY_SHAPE })

const started = performance.now()
const ids: string[] = []
for (let i = 0; i < users; i++) {
  const user = await core.createUser({ accountId: accountOf(i), name: `scale-${i}` })
  ids.push(user.id)
  for (let k = 0; k < Math.min(2, keysPerUser); k++) await createKey(i, user.id)
}
const seedMs = performance.now() - started
for (const [i, id] of ids.entries()) for (let k = 2; k < keysPerUser; k++) await createKey(i, id)

const url = await emulator.listen(0)
const keys = core.ctx.store.read((s) => Object.keys(s.accessKeys).length)
process.send?.({ url, users, keys, seedMs: Math.round(seedMs) })
process.on('disconnect', () => process.exit(0))
