import { CreateUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { createMockEmulator, unhandledRequests } from '../../src/msw.js'

// The README's in-process example, as written there.
const emu = await createMockEmulator()
const server = setupServer(...emu.handlers)
beforeAll(() => {
  server.listen(unhandledRequests('error'))
  emu.snapshots.take({ name: 'clean' })
})
afterEach(() => emu.snapshots.restore('clean'))
afterAll(() => server.close())

test('retries a throttled call', async () => {
  emu.faults.arm({ dialect: 'iam', operation: 'ListUsers', kind: 'error', error: 'Throttled' })
  const iam = new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } })
  await iam.send(new ListUsersCommand({}))
  expect(emu.journal.list({ operation: 'ListUsers' }).map((e) => e.status)).toEqual([200, 400])
  expect(
    emu.explain({ dialect: 'iam', credential: { accessKeyId: 'test' }, action: 'iam:ListUsers', resource: '*' }),
  ).toMatchObject({ decision: 'allow', via: 'root' })
})

test('a restored snapshot forgets a user created since; reset returns to the seed', async () => {
  const iam = new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } })
  await iam.send(new CreateUserCommand({ UserName: 'passing' }))
  expect(Object.values(emu.state().users).map((u) => u.name)).toEqual(['passing'])
  await emu.snapshots.restore('clean')
  expect(emu.state().users).toEqual({})
  await iam.send(new CreateUserCommand({ UserName: 'again' }))
  await emu.reset()
  expect(emu.state().users).toEqual({})
  expect(emu.journal.list({ operation: 'CreateUser' })).toHaveLength(2)
})

test('a sandbox in-process: a tenant of its own, journalled as such, reset alone and removed whole', async () => {
  const { id, credentials } = await emu.sandboxes.create()
  const iam = new IAMClient({ region: 'us-east-1', credentials: credentials.aws, maxAttempts: 1 })
  await iam.send(new CreateUserCommand({ UserName: 'mine' }))
  expect(emu.journal.list({ sandbox: id }).map((e) => e.operation)).toEqual(['CreateUser'])
  await emu.reset({ sandbox: id })
  expect((await iam.send(new ListUsersCommand({}))).Users).toEqual([])
  await emu.sandboxes.delete(id)
  await expect(iam.send(new ListUsersCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' })
})
