import { expect, test } from 'vitest'
import { fixedClock } from '../../src/core/clock.js'
import {
  birdClient,
  birdSeed,
  expectBirdError,
  ORG,
  OTHER_ORG,
  OTHER_TOKEN,
  OWNER_ROLE,
  TOKEN,
  VIEWER_ROLE,
} from '../../test/support/bird.js'
import { forEachTransport, type Transport } from '../../test/support/transports.js'

const KEYS = `/organizations/${ORG}/access-keys`
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const clock = fixedClock('2025-08-16T01:55:38.571Z')

forEachTransport(
  'bird',
  (t: Transport) => {
    const call = birdClient(t)
    const createKey = async (name: string, roleIds: string[] = [OWNER_ROLE], token = TOKEN) => {
      const res = await call('POST', KEYS, { body: { name, description: `${name} key`, roleIds }, token })
      expect(res.status).toBe(201)
      return res.body as { accessKey: { id: string; suffix: string }; token: string }
    }

    test('creates a key (201, token once, suffix its last six), gets, updates and deletes it; its token dies with it', async () => {
      const created = await call('POST', KEYS, {
        body: { name: 'ci', description: 'CI pipeline', roleIds: [OWNER_ROLE] },
      })
      expect(created.status).toBe(201)
      const { accessKey, token } = created.body
      expect(Object.keys(created.body)).toEqual(['accessKey', 'token'])
      expect(token).toMatch(/^[A-Za-z0-9]{36,}$/)
      expect(accessKey).toEqual({
        id: expect.stringMatching(UUID),
        organizationId: ORG,
        name: 'ci',
        type: 'user',
        description: 'CI pipeline',
        suffix: token.slice(-6),
        lastUsedAt: null,
        createdAt: expect.stringMatching(ISO_MS),
        updatedAt: accessKey.createdAt,
        roleIds: [OWNER_ROLE],
        roleRefs: [{ id: OWNER_ROLE, type: 'organization' }],
      })

      const got = await call('GET', `${KEYS}/${accessKey.id}`)
      expect(got.status).toBe(200)
      expect(got.body).toEqual(accessKey)
      expect(got.text).not.toContain(token)
      const listed = await call('GET', KEYS)
      expect(listed.text).not.toContain(token)

      // The new key's token works at once, and using it is recorded.
      clock.advance(1000)
      expect((await call('GET', KEYS, { token })).status).toBe(200)
      const used = await call('GET', `${KEYS}/${accessKey.id}`)
      expect(used.body.lastUsedAt).toBe(clock.now().toISOString())

      clock.advance(1000)
      const patched = await call('PATCH', `${KEYS}/${accessKey.id}`, { body: { name: 'ci-2' } })
      expect(patched.status).toBe(200)
      expect(patched.body).toMatchObject({ name: 'ci-2', description: 'CI pipeline', roleIds: [OWNER_ROLE] })
      expect(patched.body.updatedAt).toBe(clock.now().toISOString())
      expect(patched.body.updatedAt).not.toBe(accessKey.updatedAt)
      expect(patched.body.createdAt).toBe(accessKey.createdAt)

      const deleted = await call('DELETE', `${KEYS}/${accessKey.id}`)
      expect(deleted.status).toBe(204)
      expect(deleted.text).toBe('')
      expectBirdError(await call('GET', KEYS, { token }), 401, 'Unauthorized')
      expectBirdError(await call('GET', `${KEYS}/${accessKey.id}`), 404, 'NotFound')
    })

    test('roles decide: a Viewer key may list and get but not create, update or delete (403)', async () => {
      const viewer = await createKey('viewer', [VIEWER_ROLE])
      const before = t.snapshot()
      expectBirdError(
        await call('POST', KEYS, { body: { name: 'x', description: 'y' }, token: viewer.token }),
        403,
        'Forbidden',
      )
      expectBirdError(
        await call('PATCH', `${KEYS}/${viewer.accessKey.id}`, { body: { name: 'z' }, token: viewer.token }),
        403,
        'Forbidden',
      )
      expectBirdError(await call('DELETE', `${KEYS}/${viewer.accessKey.id}`, { token: viewer.token }), 403, 'Forbidden')
      expect(t.snapshot()).toEqual(before)
      expect((await call('GET', KEYS, { token: viewer.token })).status).toBe(200)
      expect((await call('GET', `${KEYS}/${viewer.accessKey.id}`, { token: viewer.token })).status).toBe(200)
      expect((await call('GET', `/organizations/${ORG}/iam-roles`, { token: viewer.token })).status).toBe(200)
    })

    test('a key without roles may do nothing; giving it a role by roleRefs lets it in', async () => {
      const bare = await call('POST', KEYS, { body: { name: 'bare', description: 'no roles' } })
      expect(bare.body.accessKey.roleRefs).toEqual([])
      expectBirdError(await call('GET', KEYS, { token: bare.body.token }), 403, 'Forbidden')
      const patched = await call('PATCH', `${KEYS}/${bare.body.accessKey.id}`, {
        body: { roleRefs: [{ id: VIEWER_ROLE, type: 'organization' }] },
      })
      expect(patched.body.roleIds).toEqual([VIEWER_ROLE])
      expect((await call('GET', KEYS, { token: bare.body.token })).status).toBe(200)
    })

    test('pages 25 keys by 10 forwards and in reverse, none skipped or repeated while keys are created between pages', async () => {
      for (let i = 0; i < 24; i++) await createKey(`k${String(i).padStart(2, '0')}`)
      let total = 25
      for (const reverse of [false, true]) {
        const expected = (await call('GET', `${KEYS}?limit=100&reverse=${reverse}`)).body.results.map(
          (k: { id: string }) => k.id,
        )
        expect(expected).toHaveLength(total)
        const seen: string[] = []
        const added: string[] = []
        let pageToken: string | undefined
        let pages = 0
        do {
          const query = `limit=10&reverse=${reverse}${pageToken ? `&pageToken=${pageToken}` : ''}`
          const page = await call('GET', `${KEYS}?${query}`)
          expect(page.status).toBe(200)
          expect(page.body.results.length).toBeLessThanOrEqual(10)
          seen.push(...page.body.results.map((k: { id: string }) => k.id))
          pageToken = page.body.nextPageToken
          pages++
          if (pageToken) {
            added.push((await createKey(`between-${reverse}-${pages}`)).accessKey.id)
            total++
          } else expect(Object.keys(page.body)).toEqual(['results'])
        } while (pageToken)
        expect(new Set(seen).size).toBe(seen.length)
        // Every key that existed throughout was shown once, in order; reversed, keys made later are never reached.
        expect(seen.filter((id) => expected.includes(id))).toEqual(expected)
        if (!reverse) expect(seen).toEqual([...expected, ...added])
      }
    })

    test("a key of another organization gets 404 for this organization's resources, and the other way round", async () => {
      const mine = await createKey('mine')
      const before = t.snapshot()
      for (const [method, path] of [
        ['GET', KEYS],
        ['POST', KEYS],
        ['GET', `${KEYS}/${mine.accessKey.id}`],
        ['DELETE', `${KEYS}/${mine.accessKey.id}`],
        ['GET', `/organizations/${ORG}/iam-roles`],
      ] as const) {
        const body = method === 'POST' ? { name: 'a', description: 'b' } : undefined
        expectBirdError(await call(method, path, { token: OTHER_TOKEN, body }), 404, 'NotFound')
      }
      expectBirdError(await call('GET', `/organizations/${OTHER_ORG}/access-keys`), 404, 'NotFound')
      expect(t.snapshot()).toEqual(before)
      // The key's own organization still sees it, and only its own keys.
      const others = await call('GET', `/organizations/${OTHER_ORG}/access-keys`, { token: OTHER_TOKEN })
      expect(others.body.results.map((k: { organizationId: string }) => k.organizationId)).toEqual([OTHER_ORG])
    })

    test('a missing, unknown or malformed credential is 401; Bearer works like AccessKey', async () => {
      const before = t.snapshot()
      expectBirdError(await call('GET', KEYS, { token: null }), 401, 'Unauthorized')
      expectBirdError(await call('GET', KEYS, { token: 'not-a-token' }), 401, 'Unauthorized')
      expectBirdError(await call('GET', KEYS, { scheme: 'Basic' }), 401, 'Unauthorized')
      expect(t.snapshot()).toEqual(before)
      expect((await call('GET', KEYS, { scheme: 'Bearer' })).status).toBe(200)
    })

    test('lists the organization roles', async () => {
      const roles = await call('GET', `/organizations/${ORG}/iam-roles`)
      expect(roles.status).toBe(200)
      expect(roles.body.results.map((r: { id: string; name: string }) => [r.name, r.id])).toEqual([
        ['Owner', OWNER_ROLE],
        ['Viewer', VIEWER_ROLE],
      ])
    })
  },
  { seed: birdSeed(), clock },
)
