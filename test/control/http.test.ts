import { afterEach, beforeEach, expect, test } from 'vitest'
import { createEmulator, type Emulator } from '../../src/emulator.js'

let emu: Emulator
let url: string

beforeEach(async () => {
  emu = await createEmulator()
  url = await emu.listen(0)
})
afterEach(() => emu.close())

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${url}${path}`, {
    method,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

test('health says the auth mode, the dialects and the seeded credentials without secrets', async () => {
  const { body } = await call('GET', '/_emu/health')
  expect(body).toMatchObject({
    status: 'ok',
    auth: 'strict',
    dialects: ['iam', 'sts', 'lightsail', 'linode', 'bird', 'tigris', 's3'],
  })
  expect(body.credentials).toContainEqual({
    kind: 'access-key',
    family: 'aws',
    accountId: '000000000000',
    name: 'test',
  })
  expect(body.credentials).toContainEqual({
    kind: 'signing-key',
    family: 'tigris',
    accountId: 'keyemu',
    name: 'keyemu',
  })
  expect(JSON.stringify(body)).not.toContain('keyemu-tigris-signing-key')
  expect(JSON.stringify(body)).not.toContain('keyemu-linode-token')
  expect(JSON.stringify(body)).not.toContain('keyemu-bird-token')
})

test('POST /_emu/explain answers the decision; bad input is a neutral 400 naming the field', async () => {
  const allowed = await call('POST', '/_emu/explain', {
    dialect: 'iam',
    credential: { accessKeyId: 'test' },
    action: 'iam:ListUsers',
    resource: '*',
  })
  expect(allowed).toMatchObject({ status: 200, body: { decision: 'allow', via: 'root' } })
  const bad = await call('POST', '/_emu/explain', { dialect: 'iam', credential: { accessKeyId: 'test' }, action: 'x' })
  expect(bad).toMatchObject({ status: 400, body: { error: 'InvalidInput' } })
  expect(bad.body.field).toBe('resource')
  const unknown = await call('POST', '/_emu/explain', {
    dialect: 'bird',
    credential: { token: 'not-a-token' },
    action: 'bird:ListAccessKeys',
    resource: '*',
  })
  expect(unknown).toMatchObject({
    status: 404,
    body: { error: 'NotFound', message: 'The bird dialect knows no credential.' },
  })
})

test('GET /_emu/journal filters by query, DELETE clears it', async () => {
  await call('GET', '/_emu/health')
  await fetch(`${url}/v4/object-storage/keys`, { headers: { authorization: 'Bearer keyemu-linode-token' } })
  const { body } = await call('GET', '/_emu/journal?dialect=linode&limit=5')
  expect(body.entries).toMatchObject([{ dialect: 'linode', operation: 'GET /v4/object-storage/keys', status: 200 }])
  expect(await call('GET', '/_emu/journal?status=abc')).toMatchObject({ status: 400 })
  expect(await call('DELETE', '/_emu/journal')).toMatchObject({ status: 200 })
  expect((await call('GET', '/_emu/journal')).body.entries).toEqual([])
})

test('snapshots over HTTP: take, list, restore, delete; an unknown one is 404', async () => {
  expect(await call('POST', '/_emu/snapshots', { name: 'start' })).toMatchObject({
    status: 201,
    body: { name: 'start' },
  })
  expect((await call('GET', '/_emu/snapshots')).body.snapshots).toMatchObject([{ name: 'start' }])
  expect(await call('POST', '/_emu/snapshots/start/restore')).toMatchObject({ status: 200 })
  expect(await call('DELETE', '/_emu/snapshots/start')).toMatchObject({ status: 200 })
  expect(await call('POST', '/_emu/snapshots/start/restore')).toMatchObject({
    status: 404,
    body: { error: 'NotFound' },
  })
  expect(await call('POST', '/_emu/snapshots', { name: '' })).toMatchObject({ status: 400 })
  expect(await call('GET', '/_emu/nothing')).toMatchObject({ status: 404 })
})

test('faults over HTTP: arm, list, hit, disarm one or all', async () => {
  const armed = await call('POST', '/_emu/faults', {
    dialect: 'linode',
    kind: 'error',
    error: 'ServiceUnavailable',
    times: 2,
  })
  expect(armed).toMatchObject({ status: 201, body: { id: 'fault-1', remaining: 2 } })
  const hit = await fetch(`${url}/v4/object-storage/keys`, { headers: { authorization: 'Bearer keyemu-linode-token' } })
  expect([hit.status, await hit.json()]).toEqual([503, { errors: [{ reason: 'Service Unavailable' }] }])
  expect((await call('GET', '/_emu/faults')).body.faults).toMatchObject([{ id: 'fault-1', remaining: 1, hits: 1 }])
  expect(await call('DELETE', '/_emu/faults/fault-1')).toMatchObject({ status: 200 })
  expect(await call('DELETE', '/_emu/faults/fault-1')).toMatchObject({ status: 404 })
  await call('POST', '/_emu/faults', { dialect: 'iam', kind: 'drop' })
  expect(await call('DELETE', '/_emu/faults')).toMatchObject({ status: 200 })
  expect((await call('GET', '/_emu/faults')).body.faults).toEqual([])
  expect(await call('POST', '/_emu/faults', { dialect: 'iam', kind: 'latency' })).toMatchObject({
    status: 400,
    body: { field: 'latencyMs' },
  })
})

test('with a control token, every endpoint but health needs it, compared whole', async () => {
  const guarded = await createEmulator({ controlToken: 's3cret-control' })
  const at = await guarded.listen(0)
  try {
    const get = (path: string, authorization?: string) =>
      fetch(`${at}${path}`, { ...(authorization && { headers: { authorization } }) })
    expect((await get('/_emu/health')).status).toBe(200)
    const missing = await get('/_emu/state')
    expect([missing.status, ((await missing.json()) as { error: string }).error]).toEqual([401, 'MissingCredentials'])
    expect((await get('/_emu/journal', 'Bearer s3cret-contro')).status).toBe(401)
    expect((await get('/_emu/journal', 'Bearer s3cret-control')).status).toBe(200)
    const reset = await fetch(`${at}/_emu/reset`, { method: 'POST' })
    expect(reset.status).toBe(401)
  } finally {
    await guarded.close()
  }
})
