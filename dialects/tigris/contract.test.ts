import { beforeEach, describe, expect, test } from 'vitest'
import { principalOfKey } from '../../src/core/principals.js'
import { SEEDED_ORG, TIGRIS, type TigrisClient, tigrisClient } from '../../test/support/tigris-signing.js'
import { forEachTransport, type Transport } from '../../test/support/transports.js'

const ORG = `/${SEEDED_ORG}`
const doc = (actions: string[], resource = 'arn:aws:s3:::example-bucket/*') => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: actions, Resource: [resource] }],
})

forEachTransport('tigris', (t: Transport) => {
  let tigris: TigrisClient
  beforeEach(() => {
    tigris = tigrisClient(t.endpoint(TIGRIS))
  })

  const createKey = async (body: Record<string, unknown>) => {
    const res = await tigris.call<{ id: string; secret_key: string; name: string }>({
      method: 'POST',
      path: `${ORG}/key`,
      body,
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body
  }
  const listKeys = (body: Record<string, unknown>) =>
    tigris.call<{ keys: { id: string; status: string }[]; next_continuation_token?: string }>({
      method: 'POST',
      path: `${ORG}/keys`,
      body,
    })
  const getKey = (body: Record<string, unknown>) => tigris.call({ method: 'POST', path: `${ORG}/key/get`, body })
  const createPolicy = async (name: string, actions = ['s3:GetObject']) => {
    const res = await tigris.call({ method: 'POST', path: `${ORG}/policies`, body: { name, document: doc(actions) } })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
  }
  /** What the key may do on the S3 side, as the shared evaluator decides. */
  const may = (keyId: string, action: string, resource = 'arn:aws:s3:::example-bucket/a.txt') => {
    const key = t.core.findKeyForAuth(['tigris'], keyId)
    if (!key) throw new Error(`no key ${keyId}`)
    return t.core.authorize(principalOfKey(key), { action, resource }).effect
  }
  const keysAndPolicies = () => {
    const { accessKeys, policies, counters } = t.snapshot()
    return { accessKeys, policies, counters }
  }

  describe('access keys', () => {
    test('creates a key with buckets_roles, attached and newly created policies, all shown by get', async () => {
      await createPolicy('reads')
      const key = await createKey({
        name: 'ci',
        user_id: 'u-1',
        buckets_roles: [{ bucket_name: 'example-bucket', role: 'Editor' }],
        attach_policies: ['reads'],
        create_policies: [{ name: 'uploads-rw', document: doc(['s3:GetObject', 's3:PutObject']), description: 'rw' }],
      })
      expect(key.id).toMatch(/^tid_[A-Za-z0-9]{26}$/)
      expect(key.secret_key).toMatch(/^tsec_[A-Za-z0-9]{40}$/)
      expect(key.name).toBe('ci')
      const got = await getKey({ user_id: 'u-1', id: key.id })
      expect(got).toEqual({
        status: 200,
        body: {
          id: key.id,
          name: 'ci',
          status: 'Active',
          buckets_roles: [{ bucket_name: 'example-bucket', role: 'Editor' }],
          attached_policies: ['reads', 'uploads-rw'],
          access_key_scope: 'standard',
        },
      })
      expect(JSON.stringify(got.body)).not.toContain(key.secret_key)
      const policy = await tigris.call({ method: 'GET', path: `${ORG}/policies/uploads-rw` })
      expect(policy.body).toMatchObject({
        name: 'uploads-rw',
        description: 'rw',
        attachment_count: 1,
        document: doc(['s3:GetObject', 's3:PutObject']),
      })
    })

    test('an Admin lists every key of the org, a Member (or a user with no role) only its own', async () => {
      const a1 = await createKey({ user_id: 'alice' })
      const a2 = await createKey({ user_id: 'alice', user_role: 'Member' })
      const b1 = await createKey({ user_id: 'bob' })
      const ids = async (body: Record<string, unknown>) => (await listKeys(body)).body.keys.map((k) => k.id)
      expect(await ids({ user_id: 'alice', user_role: 'Member' })).toEqual([a1.id, a2.id])
      expect(await ids({ user_id: 'bob' })).toEqual([b1.id])
      expect(await ids({ user_id: 'carol', user_role: 'Admin' })).toEqual([a1.id, a2.id, b1.id])
      expect(await ids({ user_id: 'carol' })).toEqual([])
    })

    test("refuses a Member touching another user's key with 403, and lets an Admin do it", async () => {
      const bobs = await createKey({ user_id: 'bob' })
      const before = t.snapshot()
      for (const [method, path] of [
        ['POST', '/key/get'],
        ['PUT', '/key'],
        ['POST', '/key/rotate'],
        ['DELETE', '/key'],
      ] as const) {
        const res = await tigris.call({ method, path: `${ORG}${path}`, body: { user_id: 'alice', id: bobs.id } })
        expect(res.status).toBe(403)
        expect(res.body.message).toMatch(/alice.*Member/)
      }
      expect(t.snapshot()).toEqual(before)
      const admin = await tigris.call({
        method: 'DELETE',
        path: `${ORG}/key`,
        body: { user_id: 'root', user_role: 'Admin', id: bobs.id },
      })
      expect(admin).toEqual({ status: 200, body: {} })
      expect((await getKey({ user_id: 'bob', id: bobs.id })).status).toBe(404)
    })

    test('updates buckets_roles, policies and scope; removals before additions', async () => {
      await createPolicy('p1')
      await createPolicy('p2')
      const key = await createKey({ user_id: 'u', attach_policies: ['p1'] })
      const res = await tigris.call({
        method: 'PUT',
        path: `${ORG}/key`,
        body: {
          user_id: 'u',
          id: key.id,
          buckets_roles: [{ bucket_name: '*', role: 'ReadOnly' }],
          add_policies: ['p2', 'p1'],
          remove_policies: ['p1', 'never-attached'],
          access_key_scope: 'no_default_allow',
        },
      })
      expect(res).toEqual({ status: 200, body: {} })
      expect((await getKey({ user_id: 'u', id: key.id })).body).toMatchObject({
        buckets_roles: [{ bucket_name: '*', role: 'ReadOnly' }],
        attached_policies: ['p2', 'p1'],
        access_key_scope: 'no_default_allow',
      })
    })

    test('rotate returns a new secret and the old one is dead at once', async () => {
      const key = await createKey({ user_id: 'u' })
      expect(t.core.findKeyForAuth(['tigris'], key.id)?.secret).toBe(key.secret_key)
      const res = await tigris.call<{ new_secret: string }>({
        method: 'POST',
        path: `${ORG}/key/rotate`,
        body: { user_id: 'u', id: key.id },
      })
      expect(res.status).toBe(200)
      expect(res.body.new_secret).toMatch(/^tsec_[A-Za-z0-9]{40}$/)
      expect(res.body.new_secret).not.toBe(key.secret_key)
      const stored = t.core.findKeyForAuth(['tigris'], key.id)
      expect(stored?.secret).toBe(res.body.new_secret)
      expect(stored?.id).toBe(key.id)
    })

    test('tigris keys are a namespace of their own: no other dialect sees them', async () => {
      const key = await createKey({ user_id: 'u' })
      expect(t.core.findKeyForAuth(['aws', 'linode', 'lightsail'], key.id)).toBeUndefined()
    })

    test('pages over 250 keys 100 at a time with opaque tokens that survive inserts', async () => {
      const created: string[] = []
      for (let i = 0; i < 250; i++) created.push((await createKey({ user_id: 'pager', name: `k${i}` })).id)
      const seen: string[] = []
      let token: string | undefined
      const sizes: number[] = []
      do {
        const page = await listKeys({ user_id: 'pager', limit: 100, ...(token && { continuation_token: token }) })
        expect(page.status).toBe(200)
        sizes.push(page.body.keys.length)
        seen.push(...page.body.keys.map((k) => k.id))
        token = page.body.next_continuation_token
        if (sizes.length === 1) await createKey({ user_id: 'pager', name: 'late' })
      } while (token)
      expect(sizes).toEqual([100, 100, 51])
      expect(seen.slice(0, 250)).toEqual(created)
      expect(new Set(seen).size).toBe(251)
    })

    test('filters by key_id_prefix', async () => {
      const key = await createKey({ user_id: 'u' })
      await createKey({ user_id: 'u' })
      const res = await listKeys({ user_id: 'u', key_id_prefix: key.id })
      expect(res.body.keys.map((k) => k.id)).toEqual([key.id])
      expect(res.body.next_continuation_token ?? '').toBe('')
    })
  })

  describe('atomic create', () => {
    const attempts = {
      'one missing attached policy': [
        404,
        /missing-one/,
        {
          attach_policies: ['present', 'missing-one'],
          create_policies: [{ name: 'fresh', document: doc(['s3:GetObject']) }],
        },
      ],
      'one duplicate new policy': [
        409,
        /present/,
        {
          create_policies: [
            { name: 'fresh', document: doc(['s3:GetObject']) },
            { name: 'present', document: doc(['s3:GetObject']) },
          ],
        },
      ],
      'one invalid document': [
        400,
        /s3:Fly/,
        {
          attach_policies: ['present'],
          create_policies: [
            { name: 'fresh', document: doc(['s3:GetObject']) },
            { name: 'bad', document: doc(['s3:Fly']) },
          ],
        },
      ],
    } as const
    for (const [name, [status, message, body]] of Object.entries(attempts)) {
      test(`${name}: answers ${status} and writes neither key nor policy`, async () => {
        await createPolicy('present')
        const before = keysAndPolicies()
        const res = await tigris.call({ method: 'POST', path: `${ORG}/key`, body: { user_id: 'u', ...body } })
        expect(res.status).toBe(status)
        expect(res.body.message).toMatch(message)
        expect(Object.keys(res.body)).toEqual(['message'])
        expect(keysAndPolicies()).toEqual(before)
      })
    }
  })

  describe('roles and policies on the S3 side (the shared evaluator)', () => {
    test('ReadOnly reads, Editor writes and configures, Admin does anything', async () => {
      const ro = await createKey({ user_id: 'u', buckets_roles: [{ bucket_name: 'example-bucket', role: 'ReadOnly' }] })
      const ed = await createKey({ user_id: 'u', buckets_roles: [{ bucket_name: 'example-bucket', role: 'Editor' }] })
      const admin = await createKey({ user_id: 'u', buckets_roles: [{ bucket_name: '*', role: 'Admin' }] })
      expect(may(ro.id, 's3:GetObject')).toBe('allow')
      expect(may(ro.id, 's3:PutObject')).toBe('implicit-deny')
      expect(may(ed.id, 's3:PutObject')).toBe('allow')
      expect(may(ed.id, 's3:PutBucketCORS', 'arn:aws:s3:::example-bucket')).toBe('allow')
      expect(may(ed.id, 's3:GetObject', 'arn:aws:s3:::other/a')).toBe('implicit-deny')
      expect(may(admin.id, 's3:DeleteBucket', 'arn:aws:s3:::any-bucket')).toBe('allow')
    })

    test('attached policies only narrow the roles; Admin keys skip them; no_default_allow drops bucket listing', async () => {
      await createPolicy('only-get', ['s3:GetObject'])
      const narrowed = await createKey({
        user_id: 'u',
        buckets_roles: [{ bucket_name: 'example-bucket', role: 'Editor' }],
        attach_policies: ['only-get'],
      })
      expect(may(narrowed.id, 's3:GetObject')).toBe('allow')
      expect(may(narrowed.id, 's3:PutObject')).toBe('implicit-deny')
      const noRole = await createKey({ user_id: 'u', attach_policies: ['only-get'] })
      expect(may(noRole.id, 's3:GetObject')).toBe('implicit-deny')
      const admin = await createKey({
        user_id: 'u',
        buckets_roles: [{ bucket_name: '*', role: 'Admin' }],
        attach_policies: ['only-get'],
      })
      expect(may(admin.id, 's3:PutObject')).toBe('allow')
      const standard = await createKey({ user_id: 'u' })
      expect(may(standard.id, 's3:ListAllMyBuckets', '*')).toBe('allow')
      const strictKey = await createKey({ user_id: 'u', access_key_scope: 'no_default_allow' })
      expect(may(strictKey.id, 's3:ListAllMyBuckets', '*')).toBe('implicit-deny')
    })

    test('updating a policy takes effect at once; deleting it detaches it first', async () => {
      await createPolicy('grow', ['s3:GetObject'])
      const key = await createKey({
        user_id: 'u',
        buckets_roles: [{ bucket_name: '*', role: 'Editor' }],
        attach_policies: ['grow'],
      })
      expect(may(key.id, 's3:PutObject')).toBe('implicit-deny')
      const updated = await tigris.call({
        method: 'PUT',
        path: `${ORG}/policies/grow`,
        body: { document: doc(['s3:*']) },
      })
      expect(updated.status).toBe(200)
      expect(may(key.id, 's3:PutObject')).toBe('allow')
      expect(await tigris.call({ method: 'DELETE', path: `${ORG}/policies/grow` })).toEqual({ status: 200, body: {} })
      expect((await getKey({ user_id: 'u', id: key.id })).body.attached_policies).toEqual([])
      expect((await tigris.call({ method: 'GET', path: `${ORG}/policies/grow` })).status).toBe(404)
    })
  })

  describe('policies', () => {
    test('create, list in pages, get; a duplicate name is 409', async () => {
      for (const name of ['a', 'b', 'c']) await createPolicy(name)
      const dup = await tigris.call({
        method: 'POST',
        path: `${ORG}/policies`,
        body: { name: 'b', document: doc(['s3:GetObject']) },
      })
      expect(dup.status).toBe(409)
      expect(dup.body.message).toMatch(/b already exists/)
      const first = await tigris.call<{ policies: { name: string }[]; next_continuation_token: string }>({
        method: 'GET',
        path: `${ORG}/policies?limit=2`,
      })
      expect(first.body.policies.map((p) => p.name)).toEqual(['a', 'b'])
      const second = await tigris.call<{ policies: { name: string }[]; next_continuation_token: string }>({
        method: 'GET',
        path: `${ORG}/policies?limit=2&continuation_token=${first.body.next_continuation_token}`,
      })
      expect(second.body.policies.map((p) => p.name)).toEqual(['c'])
      expect(second.body.next_continuation_token).toBe('')
    })
  })

  describe('organizations', () => {
    test('deactivating an org invalidates every key at once; reactivating brings them back', async () => {
      const k1 = await createKey({ user_id: 'u', buckets_roles: [{ bucket_name: '*', role: 'Admin' }] })
      const k2 = await createKey({ user_id: 'v', buckets_roles: [{ bucket_name: 'example-bucket', role: 'ReadOnly' }] })
      expect([may(k1.id, 's3:GetObject'), may(k2.id, 's3:GetObject')]).toEqual(['allow', 'allow'])
      const member = await tigris.call({ method: 'PUT', path: ORG, body: { user_id: 'u', active: false } })
      expect(member.status).toBe(403)
      const off = await tigris.call({
        method: 'PUT',
        path: ORG,
        body: { user_id: 'boss', user_role: 'Admin', active: false },
      })
      expect(off).toEqual({ status: 200, body: {} })
      expect([may(k1.id, 's3:GetObject'), may(k2.id, 's3:GetObject')]).toEqual(['implicit-deny', 'implicit-deny'])
      const listed = await listKeys({ user_id: 'boss', user_role: 'Admin' })
      expect(listed.body.keys.map((k) => k.status)).toEqual(['Inactive', 'Inactive'])
      expect((await tigris.call({ method: 'POST', path: `${ORG}/key`, body: { user_id: 'u' } })).status).toBe(403)
      expect((await tigris.call({ method: 'GET', path: ORG })).body).toEqual({
        data: { id: SEEDED_ORG, name: SEEDED_ORG, active: false, quota: { limit_bytes: 0 } },
      })
      await tigris.call({ method: 'PUT', path: ORG, body: { user_id: 'boss', user_role: 'Admin', active: true } })
      expect(may(k1.id, 's3:GetObject')).toBe('allow')
    })

    test('provisioning is idempotent: one org, one bucket, a key each time', async () => {
      const body = {
        org_name: 'Tenant',
        bucket_name: 'tenant-data',
        user_id: 'owner',
        org_quota: { limit_bytes: 1024 },
      }
      const first = await tigris.call({ method: 'POST', path: '/tenant-1/provision', body })
      expect(first.status).toBe(200)
      expect(first.body).toEqual({
        access_key_id: expect.stringMatching(/^tid_/),
        secret_access_key: expect.stringMatching(/^tsec_/),
        bucket: 'tenant-data',
        org_id: 'tenant-1',
      })
      const again = await tigris.call({ method: 'POST', path: '/tenant-1/provision', body })
      expect(again.status).toBe(200)
      expect(again.body.access_key_id).not.toBe(first.body.access_key_id)
      const buckets = await tigris.call<{ buckets: { name: string }[] }>({ method: 'GET', path: '/tenant-1/buckets' })
      expect(buckets.body.buckets.map((b) => b.name)).toEqual(['tenant-data'])
      expect((await tigris.call({ method: 'GET', path: '/tenant-1' })).body).toEqual({
        data: { id: 'tenant-1', name: 'Tenant', active: true, quota: { limit_bytes: 1024 } },
      })
      expect(may(String(first.body.access_key_id), 's3:PutObject', 'arn:aws:s3:::tenant-data/x')).toBe('allow')
    })

    test('creates, lists (inactive ones on request) and refuses a taken org id', async () => {
      expect(await tigris.call({ method: 'POST', path: '/new-org', body: { org_name: 'New', user_id: 'u' } })).toEqual({
        status: 200,
        body: {},
      })
      const taken = await tigris.call({ method: 'POST', path: '/new-org', body: { org_name: 'New', user_id: 'u' } })
      expect(taken.status).toBe(409)
      await tigris.call({ method: 'PUT', path: '/new-org', body: { user_id: 'u', user_role: 'Admin', active: false } })
      const ids = async (query: string) =>
        (await tigris.call<{ data: { id: string }[] }>({ method: 'GET', path: query })).body.data.map((o) => o.id)
      expect(await ids('')).toEqual([SEEDED_ORG])
      expect(await ids('?include_inactive=true')).toEqual([SEEDED_ORG, 'new-org'])
      expect(
        (await tigris.call({ method: 'GET', path: '?include_inactive=true&limit=1' })).body.next_continuation_token,
      ).not.toBe('')
    })
  })

  describe('buckets', () => {
    test('lists, gets, updates and deletes a bucket', async () => {
      const listed = await tigris.call<{ buckets: { name: string }[] }>({ method: 'GET', path: `${ORG}/buckets` })
      expect(listed.body.buckets.map((b) => b.name)).toEqual(['example-bucket'])
      expect(
        await tigris.call({
          method: 'PUT',
          path: `${ORG}/buckets/example-bucket`,
          body: { public: true, storage_class: 'GLACIER' },
        }),
      ).toEqual({
        status: 200,
        body: {},
      })
      const got = await tigris.call({ method: 'GET', path: `${ORG}/buckets/example-bucket` })
      expect(got.body.bucket).toMatchObject({ name: 'example-bucket', public: true, storage_class: 'GLACIER' })
      expect(await tigris.call({ method: 'DELETE', path: `${ORG}/buckets/example-bucket?force=true` })).toEqual({
        status: 200,
        body: {},
      })
      expect((await tigris.call({ method: 'GET', path: `${ORG}/buckets/example-bucket` })).status).toBe(404)
    })
  })

  test('serves the singular /provider/{id} form of the signing example too', async () => {
    const res = await tigris.call({ method: 'GET', path: ORG, singular: true })
    expect(res.status).toBe(200)
    expect(res.body.data).toMatchObject({ id: SEEDED_ORG })
  })
})
