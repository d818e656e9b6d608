import { expect, test } from 'vitest'
import {
  type BirdAnswer,
  birdClient,
  birdSeed,
  expectBirdError,
  ORG,
  OTHER_ROLE,
  OWNER_ROLE,
} from '../../test/support/bird.js'
import { forEachTransport, type Transport } from '../../test/support/transports.js'

const KEYS = `/organizations/${ORG}/access-keys`
const SEEDED_KEY = '00000000-0000-4000-8000-000000000201'
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

forEachTransport(
  'bird bad input',
  (t: Transport) => {
    const call = birdClient(t)

    /** A refused call: Bird's envelope, the status, and the state as it was. */
    async function refused(status: number, code: string, request: () => Promise<BirdAnswer>) {
      const before = t.snapshot()
      const answer = await request()
      expectBirdError(answer, status, code)
      expect(t.snapshot()).toEqual(before)
      return answer.body as { message: string; details: Record<string, string[]> }
    }
    const invalid = (request: () => Promise<BirdAnswer>) => refused(422, 'InvalidPayload', request)
    const create = (body: unknown) => () => call('POST', KEYS, { body })

    test('malformed JSON and a body that is not an object are 422 naming the body', async () => {
      const malformed = await invalid(() => call('POST', KEYS, { raw: '{"name": "ci",' }))
      expect(malformed.details).toEqual({ '.': ['The request body is not valid JSON.'] })
      const array = await invalid(() => call('POST', KEYS, { raw: '["ci"]' }))
      expect(array.details).toEqual({ '.': ['The request body must be a JSON object.'] })
    })

    test('a missing description, an empty name and a 257-character name are named by their paths', async () => {
      expect((await invalid(create({ name: 'ci' }))).details).toEqual({ '.description': ['description is required'] })
      const empty = await invalid(create({ name: '', description: 'd' }))
      expect(empty).toMatchObject({
        message: 'name must be at least 1 character long',
        details: { '.name': ['name must be at least 1 character long'] },
      })
      const long = await invalid(create({ name: 'n'.repeat(257), description: 'd' }))
      expect(long.details).toEqual({ '.name': ['name must be at most 256 characters long'] })
      expect((await invalid(create({ name: 'n'.repeat(256), description: 1 }))).details).toEqual({
        '.description': ['description must be a string'],
      })
    })

    test('every problem is reported at once, unknown fields among them', async () => {
      const body = await invalid(create({ name: '', descriptio: 'typo' }))
      expect(body.details).toEqual({
        '.name': ['name must be at least 1 character long'],
        '.description': ['description is required'],
        '.': ['property "descriptio" is unsupported'],
      })
    })

    test('six role ids, a role id that is no UUID and both spellings at once are refused', async () => {
      const six = await invalid(create({ name: 'n', description: 'd', roleIds: [1, 2, 3, 4, 5, 6].map(uuid) }))
      expect(six.details).toEqual({ '.roleIds': ['roleIds must list at most 5 roles'] })
      const notUuid = await invalid(create({ name: 'n', description: 'd', roleIds: ['owner'] }))
      expect(notUuid.details).toEqual({ '.roleIds[0]': ['must be a role id (a UUID)'] })
      const both = await invalid(
        create({ name: 'n', description: 'd', roleIds: [OWNER_ROLE], roleRefs: [{ id: OWNER_ROLE }] }),
      )
      expect(both.details).toEqual({ '.roleRefs': ['give roleIds or roleRefs, not both'] })
    })

    test('a role of another organization is 422 naming the field, on create and on update', async () => {
      const created = await invalid(create({ name: 'n', description: 'd', roleIds: [OWNER_ROLE, OTHER_ROLE] }))
      expect(created.details).toEqual({ '.roleIds[1]': [`role ${OTHER_ROLE} is not a role of this organization`] })
      const updated = await invalid(() =>
        call('PATCH', `${KEYS}/${SEEDED_KEY}`, { body: { roleRefs: [{ id: OTHER_ROLE, type: 'organization' }] } }),
      )
      expect(Object.keys(updated.details)).toEqual(['.roleRefs[0].id'])
    })

    test('limit 0 and 101 and a reverse that is no boolean are 422 naming the parameter', async () => {
      for (const limit of ['0', '101', '1.5', 'ten']) {
        const body = await invalid(() => call('GET', `${KEYS}?limit=${limit}`))
        expect(body.details).toEqual({ limit: ['limit must be a whole number between 1 and 100.'] })
      }
      expect((await invalid(() => call('GET', `${KEYS}?reverse=yes`))).details).toEqual({
        reverse: ['reverse must be true or false'],
      })
    })

    test('a pageToken of another listing (the other order, the roles list, made up) is 422', async () => {
      for (let i = 0; i < 2; i++) await call('POST', KEYS, { body: { name: `k${i}`, description: 'd' } })
      const forwards = (await call('GET', `${KEYS}?limit=1`)).body.nextPageToken
      const roles = (await call('GET', `/organizations/${ORG}/iam-roles?limit=1`)).body.nextPageToken
      expect(forwards).toEqual(expect.any(String))
      expect(roles).toEqual(expect.any(String))
      for (const query of [
        `reverse=true&pageToken=${forwards}`,
        `pageToken=${roles}`,
        'pageToken=bm90LWEtdG9rZW4',
        `pageToken=${'x'.repeat(5000)}`,
      ]) {
        const body = await invalid(() => call('GET', `${KEYS}?${query}`))
        expect(Object.keys(body.details)).toEqual(['pageToken'])
      }
      expect((await call('GET', `${KEYS}?pageToken=${forwards}`)).status).toBe(200)
    })

    test('a key id that is no UUID, or no key of the organization, is 404', async () => {
      for (const id of ['not-a-uuid', '__proto__', uuid(999)]) {
        await refused(404, 'NotFound', () => call('GET', `${KEYS}/${id}`))
        await refused(404, 'NotFound', () => call('PATCH', `${KEYS}/${id}`, { body: { name: 'x' } }))
        await refused(404, 'NotFound', () => call('DELETE', `${KEYS}/${id}`))
      }
      await refused(404, 'NotFound', () => call('GET', '/organizations/not-an-org/access-keys'))
      await refused(404, 'NotFound', () => call('GET', `/organizations/${ORG}/no-such-thing`))
    })

    test('a PATCH with a bad body changes nothing, not even the fields it got right', async () => {
      const body = await invalid(() =>
        call('PATCH', `${KEYS}/${SEEDED_KEY}`, { body: { name: 'renamed', description: '' } }),
      )
      expect(body.details).toEqual({ '.description': ['description must be at least 1 character long'] })
    })
  },
  { seed: birdSeed() },
)
