import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { createControlPlane } from '../../src/control/control.js'
import { createControls } from '../../src/control/controls.js'
import { createCore } from '../../src/core/core.js'
import { seedState } from '../../src/core/seed.js'
import { openStore } from '../../src/core/store.js'
import { createRequestListener } from '../../src/protocol/node-http.js'
import { loadFixtures, matchesTemplate } from '../../test/support/fixtures.js'
import iam from './index.js'

// The users the documented examples talk about.
const seed = {
  accounts: [
    {
      id: '123456789012',
      name: 'example',
      realm: 'aws',
      users: [
        { name: 'Bob', keys: [{ accessKeyId: 'AKIABOBBOBBOBBOBBOBB', secretAccessKey: 'bob-secret' }] },
        {
          name: 'Carol',
          keys: [
            { accessKeyId: 'AKIACAROLCAROLCAROL1', secretAccessKey: 'carol-1' },
            { accessKeyId: 'AKIACAROLCAROLCAROL2', secretAccessKey: 'carol-2', status: 'Inactive' as const },
          ],
        },
      ],
    },
  ],
}

async function app() {
  const initial = await seedState(seed)
  const store = await openStore({ initial })
  const dialects = [iam]
  const core = createCore({ store })
  const controls = createControls({ dialects, core, store, initial, auth: 'off' })
  return createRequestListener(dialects, { core, auth: 'off', ...controls.hooks }, createControlPlane(controls))
}

describe('iam replays the documented wire exchanges (verified)', () => {
  const fixtures = loadFixtures(join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures'))

  test('there are fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5)
  })

  test.each(fixtures)('$name', async (fixture) => {
    const exchange = request(await app())
      [fixture.request.method.toLowerCase() as 'post'](fixture.request.path)
      .set(fixture.request.headers)
    const res = await exchange.send(fixture.request.body)
    expect(res.status).toBe(fixture.response.status)
    for (const [name, value] of Object.entries(fixture.response.headers)) expect(res.headers[name]).toBe(value)
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/)
    expect(matchesTemplate(res.text, fixture.response.body), `${res.text}\n  does not match ${fixture.source}`).toBe(
      true,
    )
  })
})
