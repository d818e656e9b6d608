import { createHash } from 'node:crypto'
import { createEmulator } from '../../src/emulator.js'

// A child process for the SIGKILL test: puts objects through the core API of an emulator with
// --data, printing one line per acknowledged put, until it is killed.

export const WRITER_BUCKET = { accountId: 'sigkill-acct', name: 'sigkill' }

/** The bytes of object `key`: `size` bytes derived from the key, so the parent can check them. */
export function bodyOf(key: string, size: number): Buffer {
  const out = Buffer.alloc(size)
  let block = createHash('sha256').update(key).digest()
  for (let at = 0; at < size; at += block.length) {
    block.copy(out, at)
    block = createHash('sha256').update(block).digest()
  }
  return out
}

async function* chunked(bytes: Buffer, size: number) {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
}

async function main(data: string): Promise<void> {
  const emu = await createEmulator({ data, seed: { accounts: [] } })
  const core = emu.core
  if (!core.getAccount(WRITER_BUCKET.accountId)) {
    await core.createAccount({ id: WRITER_BUCKET.accountId, name: 'w', realm: 'test', regions: [{ id: 'r1' }] })
    await core.createBucket({ ...WRITER_BUCKET, region: 'r1', uniqueIn: 'region' })
  }
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`)
  let n = 0
  const writer = async (lane: number) => {
    for (;;) {
      const key = `lane${lane}/object-${n++}`
      const size = (n * 7919) % (300 * 1024)
      await core.putObject({ bucket: WRITER_BUCKET, key, body: chunked(bodyOf(key, size), 64 * 1024) })
      process.stdout.write(`${JSON.stringify({ key, size })}\n`)
    }
  }
  await Promise.all([0, 1, 2, 3].map(writer))
}

if (process.argv[2]) await main(process.argv[2])
