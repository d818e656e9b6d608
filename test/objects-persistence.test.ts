import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { createEmulator } from '../src/emulator.js'
import { packageRoot } from '../src/version.js'
import { bodyOf, WRITER_BUCKET } from './support/object-writer.js'

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'keyemu-objects-')), 'state.json')
const WRITER = join(packageRoot, 'dist', 'test', 'support', 'object-writer.js')
const noSeed = { accounts: [] }

async function bytesOf(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Uint8Array[] = []
  for await (const chunk of body) out.push(chunk)
  return Buffer.concat(out)
}

async function* once(bytes: Uint8Array) {
  yield bytes
}

describe('objects with --data', () => {
  test('survive a clean restart as files beside the state, and a stray file is swept on start', async () => {
    const data = tempFile()
    const first = await createEmulator({ data, seed: noSeed })
    await first.core.createAccount({ id: 'a', name: 'a', realm: 'test', regions: [{ id: 'r1' }] })
    await first.core.createBucket({ accountId: 'a', name: 'b', region: 'r1', uniqueIn: 'region' })
    const bucket = { accountId: 'a', name: 'b' }
    await first.core.putObject({ bucket, key: 'kept', body: once(new TextEncoder().encode('kept bytes')) })
    await first.core.putObject({ bucket, key: 'gone', body: once(new TextEncoder().encode('gone')) })
    await first.core.deleteObject({ bucket, key: 'gone' })
    await first.close()
    expect(readdirSync(`${data}.objects`)).toHaveLength(1)
    // A body written by a process that died before committing it.
    const stray = join(`${data}.objects`, '00000000-0000-4000-8000-000000000000')
    writeFileSync(stray, 'never committed')

    const second = await createEmulator({ data, seed: noSeed })
    try {
      expect(existsSync(stray)).toBe(false)
      const read = second.core.readObject({ bucket, key: 'kept' })
      expect((await bytesOf(read.body)).toString()).toBe('kept bytes')
      expect(second.core.ctx.bodies.heldBytes).toBe(10)
    } finally {
      await second.close()
    }
  })

  test('every object acknowledged before SIGKILL is there after restart with its exact bytes', async () => {
    if (!existsSync(WRITER)) throw new Error(`${WRITER} is missing: run npm run build first (npm test does).`)
    const data = tempFile()
    const child = spawn(process.execPath, [WRITER, data], { stdio: ['ignore', 'pipe', 'inherit'] })
    const reap = () => child.kill('SIGKILL')
    process.once('exit', reap)
    const acknowledged: { key: string; size: number }[] = []
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    let buffered = ''
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        const entry = JSON.parse(line) as { key?: string; size?: number }
        if (entry.key !== undefined && entry.size !== undefined) acknowledged.push({ key: entry.key, size: entry.size })
        if (acknowledged.length >= 30) child.kill('SIGKILL')
      }
    })
    await exited
    process.off('exit', reap)
    expect(acknowledged.length).toBeGreaterThanOrEqual(30)

    const again = await createEmulator({ data, seed: noSeed })
    try {
      for (const { key, size } of acknowledged) {
        const read = again.core.readObject({ bucket: WRITER_BUCKET, key })
        expect(read.object.size, key).toBe(size)
        expect((await bytesOf(read.body)).equals(bodyOf(key, size)), key).toBe(true)
      }
      // Nothing but committed bodies is left in the folder.
      const listed = again.core.listObjects({ bucket: WRITER_BUCKET })
      expect(readdirSync(`${data}.objects`)).toHaveLength(listed.objects.length)
    } finally {
      await again.close()
    }
  })
})
