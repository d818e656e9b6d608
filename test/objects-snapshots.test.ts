import { describe, expect, test } from 'vitest'
import { createEmulator } from '../src/emulator.js'

const bucket = { accountId: 'a', name: 'snap' }

async function* of(text: string) {
  yield new TextEncoder().encode(text)
}
async function textOf(body: AsyncIterable<Uint8Array>): Promise<string> {
  const out: Uint8Array[] = []
  for await (const chunk of body) out.push(chunk)
  return Buffer.concat(out).toString()
}
// Sweeps after a snapshot is deleted run in the background: wait for the bytes to settle.
async function heldSettles(read: () => number, expected: number): Promise<void> {
  for (let i = 0; i < 100 && read() !== expected; i++) await new Promise((r) => setTimeout(r, 5))
  expect(read()).toBe(expected)
}

describe('object bodies and snapshots', () => {
  test('a snapshot keeps the bodies it refers to; restore brings the objects back; reset frees them', async () => {
    const emu = await createEmulator({ seed: { accounts: [] } })
    const { core, controls } = emu
    const held = () => core.ctx.bodies.heldBytes
    await core.createAccount({ id: 'a', name: 'a', realm: 'test', regions: [{ id: 'r1' }] })
    await core.createBucket({ ...bucket, region: 'r1', uniqueIn: 'region' })
    await core.putObject({ bucket, key: 'k', body: of('first') })
    controls.snapshots.take({ name: 'one' })

    await core.putObject({ bucket, key: 'k', body: of('second!') })
    await core.putObject({ bucket, key: 'other', body: of('xx') })
    expect(held()).toBe(5 + 7 + 2)

    await controls.snapshots.restore('one')
    expect(await textOf(core.readObject({ bucket, key: 'k' }).body)).toBe('first')
    expect(() => core.headObject({ bucket, key: 'other' })).toThrow(expect.objectContaining({ code: 'NotFound' }))
    expect(held()).toBe(5)

    // Deleted live, kept by the snapshot; freed once the snapshot goes too.
    await core.deleteObject({ bucket, key: 'k' })
    expect(held()).toBe(5)
    controls.snapshots.delete('one')
    await heldSettles(held, 0)

    await core.putObject({ bucket, key: 'k', body: of('again') })
    await controls.reset()
    expect(held()).toBe(0)
    await emu.close()
  })

  test('a body being read stays readable when its object is deleted meanwhile', async () => {
    const emu = await createEmulator({ seed: { accounts: [] } })
    const { core } = emu
    await core.createAccount({ id: 'a', name: 'a', realm: 'test', regions: [{ id: 'r1' }] })
    await core.createBucket({ ...bucket, region: 'r1', uniqueIn: 'region' })
    await core.putObject({ bucket, key: 'k', body: of('still here') })
    const read = core.readObject({ bucket, key: 'k' })
    await core.deleteObject({ bucket, key: 'k' })
    expect(core.ctx.bodies.heldBytes).toBe(10)
    expect(await textOf(read.body)).toBe('still here')
    expect(core.ctx.bodies.heldBytes).toBe(0)
    await emu.close()
  })
})
