import { AsyncLocalStorage } from 'node:async_hooks'
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam'
import { baseRequest, createBucket, createObjectStorageKeys, getBuckets, getObjectStorageKeys } from '@linode/api-v4'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { redactedState } from '../../src/control/control.js'
import type { SandboxCreated } from '../../src/control/sandboxes.js'
import type { State } from '../../src/core/model.js'
import { createEmulator } from '../../src/emulator.js'
import { ROOT } from '../support/aws-signing.js'
import { BIRD, TOKEN as SEEDED_BIRD_TOKEN } from '../support/bird.js'
import { TIGRIS, tigrisClient } from '../support/tigris-signing.js'
import { forEachTransport } from '../support/transports.js'

const IAM = 'https://iam.amazonaws.com'
const LINODE = 'https://api.linode.com'

// @linode/api-v4 sends every call through one module-wide axios instance; the token of the call in
// flight is taken from its async context, so two sandboxes' calls can be in the air at once.
const linodeToken = new AsyncLocalStorage<string>()
const asLinode = <T>(token: string, call: () => Promise<T>) => linodeToken.run(token, call)

const iamAt = (endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new IAMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 })

// Everything but the counters, which only grow (Linode key ids are never reused).
const withoutCounters = ({ counters: _, ...rest }: State) => rest

forEachTransport('sandboxes', (t) => {
  let interceptor: number
  beforeEach(() => {
    const endpoint = t.endpoint(LINODE)
    interceptor = baseRequest.interceptors.request.use((config) => {
      const token = linodeToken.getStore()
      if (token !== undefined) config.headers.set('Authorization', `Bearer ${token}`)
      return { ...config, url: config.url?.replace(LINODE, endpoint) }
    })
  })
  afterEach(() => baseRequest.interceptors.request.eject(interceptor))

  const iam = (credentials: { accessKeyId: string; secretAccessKey: string }) => iamAt(t.endpoint(IAM), credentials)
  const bird = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${t.endpoint(BIRD)}${path}`, {
      method,
      headers: { authorization: `AccessKey ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    })
    // biome-ignore lint/suspicious/noExplicitAny: JSON answers are inspected freely by the tests
    return { status: res.status, body: (await res.json()) as any }
  }
  const tigrisOf = (s: SandboxCreated) =>
    tigrisClient(t.endpoint(TIGRIS), s.credentials.tigris.providerId, s.credentials.tigris.signingKey)

  /** What a test file does with its sandbox: the same names everywhere, then what each API lists. */
  async function workload(s: SandboxCreated) {
    const { aws, linode, bird: org } = s.credentials
    const root = iam(aws)
    await root.send(new CreateUserCommand({ UserName: 'alice' }))
    const { AccessKey } = await root.send(new CreateAccessKeyCommand({ UserName: 'alice' }))
    const alice = { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' }
    const user = (await root.send(new GetUserCommand({ UserName: 'alice' }))).User

    await asLinode(linode.token, () => createBucket({ label: 'shared-name', region: 'us-east' }))
    const linodeKey = await asLinode(linode.token, () =>
      createObjectStorageKeys({ label: 'ci-key', bucket_access: null }),
    )

    const roles = await bird(org.token, 'GET', `/organizations/${org.organizationId}/iam-roles`)
    const owner = roles.body.results.find((r: { name: string }) => r.name === 'Owner').id
    const birdKey = await bird(org.token, 'POST', `/organizations/${org.organizationId}/access-keys`, {
      name: 'ci',
      description: 'ci key',
      roleIds: [owner],
    })
    expect(birdKey.status).toBe(201)

    const tigris = tigrisOf(s)
    const orgPath = `/${s.credentials.tigris.orgId}`
    const tigrisKey = await tigris.call<{ id: string }>({
      method: 'POST',
      path: `${orgPath}/key`,
      body: { user_id: 'u' },
    })
    expect(tigrisKey.status).toBe(200)

    return {
      userArn: user?.Arn,
      keys: {
        iam: [alice.accessKeyId],
        linode: [linodeKey.access_key],
        bird: [birdKey.body.accessKey.id],
        tigris: [tigrisKey.body.id],
      },
      listed: {
        users: (await root.send(new ListUsersCommand({}))).Users?.map((u) => u.UserName),
        iamKeys: (await root.send(new ListAccessKeysCommand({ UserName: 'alice' }))).AccessKeyMetadata?.map(
          (k) => k.AccessKeyId,
        ),
        linodeBuckets: (await asLinode(linode.token, () => getBuckets())).data.map((b) => b.label),
        linodeKeys: (await asLinode(linode.token, () => getObjectStorageKeys())).data.map((k) => k.access_key),
        birdKeys: (await bird(org.token, 'GET', `/organizations/${org.organizationId}/access-keys`)).body.results
          .map((k: { id: string }) => k.id)
          .filter((id: string) => id !== org.accessKeyId),
        tigrisOrgs: (await tigris.call<{ data: { id: string }[] }>({ method: 'GET', path: '' })).body.data.map(
          (o) => o.id,
        ),
        tigrisKeys: (
          await tigris.call<{ keys: { id: string }[] }>({
            method: 'POST',
            path: `${orgPath}/keys`,
            body: { user_id: 'u' },
          })
        ).body.keys.map((k) => k.id),
        tigrisBuckets: (
          await tigris.call<{ buckets: { name: string }[] }>({ method: 'GET', path: `${orgPath}/buckets` })
        ).body.buckets.map((b) => b.name),
      },
    }
  }

  test('two sandboxes used at once never see each other’s users, keys, buckets or journal entries', async () => {
    const [a, b] = await Promise.all([t.controls.sandboxes.create(), t.controls.sandboxes.create()])
    const [seenByA, seenByB] = await Promise.all([workload(a), workload(b)])
    for (const [mine, s] of [
      [seenByA, a],
      [seenByB, b],
    ] as const) {
      expect(mine.userArn).toBe(`arn:aws:iam::${s.credentials.aws.accountId}:user/alice`)
      expect(mine.listed).toEqual({
        users: ['alice'],
        iamKeys: mine.keys.iam,
        // The seed's example-bucket is the sandbox's own: the same name in every sandbox and in the default seed.
        linodeBuckets: ['example-bucket', 'shared-name'],
        linodeKeys: mine.keys.linode,
        birdKeys: mine.keys.bird,
        tigrisOrgs: [s.credentials.tigris.orgId],
        tigrisKeys: mine.keys.tigris,
        tigrisBuckets: ['example-bucket'],
      })
    }
    expect(seenByA.keys).not.toEqual(seenByB.keys)

    // The default seed sees none of it.
    expect((await iam(ROOT).send(new ListUsersCommand({}))).Users).toEqual([])
    const seededBird = await bird(
      SEEDED_BIRD_TOKEN,
      'GET',
      `/organizations/${a.credentials.bird.organizationId}/access-keys`,
    )
    expect(seededBird.status).toBe(404)
    // One sandbox's credentials reach nothing of another's.
    const crossBird = await bird(
      a.credentials.bird.token,
      'GET',
      `/organizations/${b.credentials.bird.organizationId}/access-keys`,
    )
    expect(crossBird.status).toBe(404)
    const crossTigris = await tigrisClient(
      t.endpoint(TIGRIS),
      b.credentials.tigris.providerId,
      a.credentials.tigris.signingKey,
    ).call({ method: 'GET', path: '' })
    expect(crossTigris.status).toBe(401)
    const crossOrg = await tigrisOf(a).call({ method: 'GET', path: `/${b.credentials.tigris.orgId}/buckets` })
    expect(crossOrg.status).toBe(404)

    // The journal knows whose call each was.
    const accountsOf = (s: SandboxCreated) => s.accounts.map((acc) => acc.id)
    // 16 calls of the workload each, and A's two tries at B's Bird organization and Tigris org.
    for (const [s, calls] of [
      [a, 18],
      [b, 16],
    ] as const) {
      const entries = t.controls.journal.list({ sandbox: s.id, limit: 1000 })
      expect(entries.length).toBe(calls)
      for (const e of entries) expect(accountsOf(s)).toContain(e.principal?.accountId)
    }
    const other = t.controls.journal.list({ limit: 1000 }).filter((e) => e.sandbox === undefined)
    for (const e of other) expect([...accountsOf(a), ...accountsOf(b)]).not.toContain(e.principal?.accountId)
  })

  test('many sandboxes made at once are distinct, each with working credentials of its own', async () => {
    const made = await Promise.all(Array.from({ length: 25 }, () => t.controls.sandboxes.create()))
    const ids = new Set(made.map((s) => s.id))
    const secrets = new Set(
      made.flatMap((s) => [
        s.credentials.aws.secretAccessKey,
        s.credentials.linode.token,
        s.credentials.bird.token,
        s.credentials.tigris.signingKey,
      ]),
    )
    expect(ids.size).toBe(25)
    expect(secrets.size).toBe(100)
    expect(
      t.controls.sandboxes
        .list()
        .map((s) => s.id)
        .sort(),
    ).toEqual([...ids].sort())
    const arns = await Promise.all(
      made.map(async (s) => (await iam(s.credentials.aws).send(new GetUserCommand({}))).User?.Arn),
    )
    expect(arns).toEqual(made.map((s) => `arn:aws:iam::${s.credentials.aws.accountId}:root`))
  })

  test('delete removes all a sandbox holds: the state is as before, and its keys no longer authenticate', async () => {
    const before = t.controls.state()
    const s = await t.controls.sandboxes.create()
    const { keys } = await workload(s)
    // An org a partner made in its sandbox is the sandbox's too.
    const provisioned = await tigrisOf(s).call<{ access_key_id: string }>({
      method: 'POST',
      path: `/tenant-${s.id}/provision`,
      body: { org_name: 'Tenant', bucket_name: 'tenant-data', user_id: 'owner' },
    })
    expect(provisioned.status).toBe(200)
    expect(t.controls.sandboxes.list()[0]?.accounts).toHaveLength(6)

    await t.controls.sandboxes.delete(s.id)
    expect(withoutCounters(t.controls.state())).toEqual(withoutCounters(before))
    expect(t.controls.sandboxes.list()).toEqual([])

    await expect(iam(s.credentials.aws).send(new ListUsersCommand({}))).rejects.toMatchObject({
      name: 'InvalidClientTokenId',
    })
    await expect(asLinode(s.credentials.linode.token, () => getBuckets())).rejects.toMatchObject({
      response: { status: 401 },
    })
    expect(
      (await bird(s.credentials.bird.token, 'GET', `/organizations/${s.credentials.bird.organizationId}/access-keys`))
        .status,
    ).toBe(401)
    expect((await tigrisOf(s).call({ method: 'GET', path: '' })).status).toBe(401)
    for (const [dialect, accessKeyId] of [
      ['iam', keys.iam[0]],
      ['linode', keys.linode[0]],
      ['tigris', keys.tigris[0]],
      ['tigris', provisioned.body.access_key_id],
    ] as const) {
      expect(() =>
        t.controls.explain({ dialect, credential: { accessKeyId }, action: 'iam:ListUsers', resource: '*' }),
      ).toThrow(/knows no credential/)
    }
    await expect(t.controls.sandboxes.delete(s.id)).rejects.toThrow(`There is no sandbox ${s.id}.`)
  })

  test('resetting one sandbox seeds it afresh with the same credentials and leaves the other untouched', async () => {
    const [a, b] = await Promise.all([t.controls.sandboxes.create(), t.controls.sandboxes.create()])
    const fresh = redactedState(t.controls.state())
    await Promise.all([workload(a), workload(b)])
    const held = (s: SandboxCreated) => {
      const state = t.controls.state()
      const mine = new Set(s.accounts.map((acc) => acc.id))
      const of = <T extends { accountId: string }>(r: Record<string, T>) =>
        Object.values(r).filter((e) => mine.has(e.accountId))
      return {
        users: of(state.users),
        keys: of(state.accessKeys),
        buckets: of(state.buckets),
        policies: of(state.policies),
        tokens: of(state.tokens),
      }
    }
    const bBefore = held(b)

    await t.controls.reset({ sandbox: a.id })
    expect(held(b)).toEqual(bBefore)
    expect(held(a).users).toEqual([])
    expect(held(a).keys.map((k) => k.id)).toEqual(
      Object.values(fresh.accessKeys)
        .filter((k) => k.accountId !== undefined && a.accounts.some((acc) => acc.id === k.accountId))
        .map((k) => k.id),
    )
    // The credentials given at creation still work.
    expect((await iam(a.credentials.aws).send(new ListUsersCommand({}))).Users).toEqual([])
    expect((await asLinode(a.credentials.linode.token, () => getBuckets())).data.map((x) => x.label)).toEqual([
      'example-bucket',
    ])
    await expect(t.controls.reset({ sandbox: 'sbx-none' })).rejects.toThrow('There is no sandbox sbx-none.')
  })

  test('a bucket name taken in one sandbox is free in another and in the default seed, and is still unique within', async () => {
    const [a, b] = await Promise.all([t.controls.sandboxes.create(), t.controls.sandboxes.create()])
    await asLinode(a.credentials.linode.token, () => createBucket({ label: 'only-once', region: 'us-east' }))
    await asLinode(b.credentials.linode.token, () => createBucket({ label: 'only-once', region: 'us-east' }))
    await asLinode('keyemu-linode-token', () => createBucket({ label: 'only-once', region: 'us-east' }))
    await expect(
      asLinode(a.credentials.linode.token, () => createBucket({ label: 'only-once', region: 'us-east' })),
    ).rejects.toMatchObject({ response: { status: 400 } })
  })
})

test('over HTTP: POST answers the credentials once, GET lists without secrets, reset and the journal take a sandbox, DELETE removes it', async () => {
  const emu = await createEmulator()
  const url = await emu.listen(0)
  try {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method,
        ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      })
      const text = await res.text()
      // biome-ignore lint/suspicious/noExplicitAny: JSON answers are inspected freely by the tests
      return { status: res.status, text, body: JSON.parse(text) as any }
    }
    const created = await call('POST', '/_emu/sandboxes')
    expect(created.status).toBe(201)
    const s = created.body as SandboxCreated
    expect(s.id).toMatch(/^sbx-[a-z2-7]{12}$/)
    const secrets = [
      s.credentials.aws.secretAccessKey,
      ...s.credentials.linode.tokens.map((x) => x.token),
      s.credentials.bird.token,
      s.credentials.tigris.signingKey,
    ]
    expect(s.credentials.aws.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/)

    await iamAt(url, s.credentials.aws).send(new CreateUserCommand({ UserName: 'bob' }))
    const listed = await call('GET', '/_emu/sandboxes')
    expect(listed.body).toEqual({ sandboxes: [{ id: s.id, createdAt: s.createdAt, accounts: s.accounts }] })
    const state = await call('GET', '/_emu/state')
    for (const text of [listed.text, state.text]) for (const secret of secrets) expect(text).not.toContain(secret)

    const journal = await call('GET', `/_emu/journal?sandbox=${s.id}`)
    expect(journal.body.entries).toMatchObject([{ operation: 'CreateUser', sandbox: s.id }])
    expect((await call('GET', '/_emu/journal?sandbox=sbx-other')).body.entries).toEqual([])

    expect(await call('POST', '/_emu/reset', { sandbox: s.id })).toMatchObject({
      status: 200,
      body: { status: 'reset', sandbox: s.id },
    })
    expect((await iamAt(url, s.credentials.aws).send(new ListUsersCommand({}))).Users).toEqual([])
    expect(await call('POST', '/_emu/reset', { sandbox: 'sbx-none' })).toMatchObject({
      status: 404,
      body: { error: 'NotFound', message: 'There is no sandbox sbx-none.' },
    })
    expect(await call('POST', '/_emu/reset', { sandbox: 7 })).toMatchObject({ status: 400, body: { field: 'sandbox' } })

    expect(await call('DELETE', `/_emu/sandboxes/${s.id}`)).toMatchObject({ status: 200, body: { id: s.id } })
    expect((await call('DELETE', `/_emu/sandboxes/${s.id}`)).status).toBe(404)
    expect((await call('GET', '/_emu/sandboxes')).body).toEqual({ sandboxes: [] })
  } finally {
    await emu.close()
  }
})

test('a global reset removes every sandbox with the rest of what changed since the seed', async () => {
  const emu = await createEmulator()
  const seed = emu.controls.state()
  await emu.controls.sandboxes.create()
  await emu.controls.reset()
  expect(emu.controls.state()).toEqual(seed)
  expect(emu.controls.sandboxes.list()).toEqual([])
  await emu.close()
})
