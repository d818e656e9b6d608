import { describe, expect, test } from 'vitest'
import { fixedClock } from './clock.js'
import { createCore } from './core.js'
import { openStore } from './store.js'

const SHAPE = { idPrefix: 'AKIA', idLength: 20, idAlphabet: 'base32', secretAlphabet: 'base62' } as const

async function keyInUse() {
  const clock = fixedClock('2026-01-01T00:00:00.250Z')
  const core = createCore({ store: await openStore(), clock })
  await core.createAccount({ id: 'acct', name: 'a', realm: 'aws', regions: [{ id: 'r1' }] })
  const key = await core.createAccessKey({ namespace: 'aws', accountId: 'acct', userId: null, shape: SHAPE })
  const lastUsed = () => core.findKeyForAuth(['aws'], key.id)?.lastUsed
  return { core, clock, key, lastUsed }
}

describe("a key's last use", () => {
  test('is recorded at the first use, then once a second per service and region', async () => {
    const { core, clock, key, lastUsed } = await keyInUse()
    expect(lastUsed()).toBeNull()
    core.recordKeyUse(key.id, { service: 'iam', region: 'us-east-1' })
    expect(lastUsed()).toEqual({ service: 'iam', region: 'us-east-1', at: '2026-01-01T00:00:00.250Z' })
    clock.advance(500)
    core.recordKeyUse(key.id, { service: 'iam', region: 'us-east-1' })
    expect(lastUsed()?.at).toBe('2026-01-01T00:00:00.250Z')
    core.recordKeyUse(key.id, { service: 's3', region: 'us-east-1' })
    expect(lastUsed()).toEqual({ service: 's3', region: 'us-east-1', at: '2026-01-01T00:00:00.750Z' })
    clock.advance(1000)
    core.recordKeyUse(key.id, { service: 's3', region: 'us-east-1' })
    expect(lastUsed()?.at).toBe('2026-01-01T00:00:01.750Z')
  })

  test('is recorded again when the clock went back', async () => {
    const { core, clock, key, lastUsed } = await keyInUse()
    core.recordKeyUse(key.id, { service: 'iam', region: 'us-east-1' })
    clock.advance(-200)
    core.recordKeyUse(key.id, { service: 'iam', region: 'us-east-1' })
    expect(lastUsed()?.at).toBe('2026-01-01T00:00:00.050Z')
  })
})
