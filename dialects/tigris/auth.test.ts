import { randomUUID } from 'node:crypto'
import { beforeEach, expect, test } from 'vitest'
import {
  SEEDED_ORG,
  TIGRIS,
  type TigrisClient,
  tigrisClient,
  tigrisSignature,
} from '../../test/support/tigris-signing.js'
import { forEachTransport, type Transport } from '../../test/support/transports.js'

const FIVE_MINUTES = 5 * 60 * 1000
const create = { method: 'POST', path: `/${SEEDED_ORG}/key`, body: { user_id: 'u' } } as const

forEachTransport('tigris signing', (t: Transport) => {
  let tigris: TigrisClient
  beforeEach(() => {
    tigris = tigrisClient(t.endpoint(TIGRIS))
  })

  const refused = {
    'a wrong signature': [{ signingKey: 'not-the-signing-key' }, /X-Tigris-Signature does not match/i],
    'a time more than 5 minutes old': [
      { time: Date.now() - FIVE_MINUTES - 60_000 },
      /x-tigris-time .* more than 5 minutes/i,
    ],
    'a time more than 5 minutes ahead': [{ time: Date.now() + FIVE_MINUTES + 60_000 }, /more than 5 minutes/],
    'a missing X-Tigris-Nonce': [{ headers: { 'x-tigris-nonce': undefined } }, /x-tigris-nonce is missing/i],
    'a missing X-Tigris-Time': [{ headers: { 'x-tigris-time': undefined } }, /x-tigris-time is missing/i],
    'a missing X-Tigris-Signature': [
      { headers: { 'x-tigris-signature': undefined } },
      /x-tigris-signature is missing/i,
    ],
    'a time that is not milliseconds': [{ headers: { 'x-tigris-time': 'yesterday' } }, /milliseconds, not yesterday/],
  } as const
  for (const [what, [change, message]] of Object.entries(refused)) {
    test(`refuses ${what} with 401 and a message naming it, changing nothing`, async () => {
      const before = t.snapshot()
      const res = await tigris.call({ ...create, ...change })
      expect(res.status).toBe(401)
      expect(Object.keys(res.body)).toEqual(['message'])
      expect(res.body.message).toMatch(message)
      expect(t.snapshot()).toEqual(before)
    })
  }

  test('refuses a replayed nonce with 401, changing nothing', async () => {
    const nonce = randomUUID()
    expect((await tigris.call({ ...create, nonce })).status).toBe(200)
    const before = t.snapshot()
    const replay = await tigris.call({ ...create, nonce })
    expect(replay.status).toBe(401)
    expect(replay.body.message).toMatch(new RegExp(`${nonce} was already used`))
    expect(t.snapshot()).toEqual(before)
  })

  test('a nonce refused for a wrong signature can still be used by the real signer', async () => {
    const nonce = randomUUID()
    expect((await tigris.call({ ...create, nonce, signingKey: 'forged' })).status).toBe(401)
    expect((await tigris.call({ ...create, nonce })).status).toBe(200)
  })

  test('refuses an unknown provider with 401, changing nothing', async () => {
    const before = t.snapshot()
    const stranger = tigrisClient(t.endpoint(TIGRIS), 'nobody', 'keyemu-tigris-signing-key')
    const res = await stranger.call(create)
    expect(res.status).toBe(401)
    expect(res.body.message).toMatch(/Unknown provider nobody/)
    expect(t.snapshot()).toEqual(before)
  })

  test('the signature covers the query string', async () => {
    const url = `${t.endpoint(TIGRIS)}/v1/providers/keyemu/orgs?limit=1`
    const signed = tigrisClient(t.endpoint(TIGRIS))
    const ok = await signed.call({ method: 'GET', path: '?limit=1' })
    expect(ok.status).toBe(200)
    const headers = tigrisSignature('keyemu-tigris-signing-key', 'GET', url, Date.now(), randomUUID())
    const res = await fetch(url.replace('limit=1', 'limit=2'), { headers })
    expect(res.status).toBe(401)
  })
})
