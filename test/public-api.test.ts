import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import express from 'express'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createEmulator } from '../src/index.js'
import { createHandlers, handlers, unhandledRequests } from '../src/msw.js'
import { ROOT } from './support/aws-signing.js'

describe('keyemu/msw', () => {
  const server = setupServer()
  beforeAll(() => server.listen(unhandledRequests('error')))
  afterAll(() => server.close())

  test('serves an SDK left at its real endpoint, with no port', async () => {
    server.resetHandlers(...createHandlers())
    const iam = new IAMClient({ region: 'us-east-1', credentials: ROOT })
    await iam.send(new CreateUserCommand({ UserName: 'alice' }))
    expect((await iam.send(new ListUsersCommand({}))).Users?.map((u) => u.UserName)).toEqual(['alice'])
  })

  test('createHandlers gives each set a fresh store from the seed', async () => {
    server.resetHandlers(...createHandlers())
    const iam = new IAMClient({ region: 'us-east-1', credentials: ROOT })
    expect((await iam.send(new ListUsersCommand({}))).Users).toEqual([])
  })

  test('takes a seed object, and a test can override one operation with server.use', async () => {
    const seed = {
      accounts: [
        { id: '111111111111', name: 'other', realm: 'aws', rootKeys: [{ accessKeyId: 'k', secretAccessKey: 's' }] },
      ],
    }
    server.resetHandlers(...createHandlers({ seed }))
    const iam = new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } })
    const { User } = await iam.send(new CreateUserCommand({ UserName: 'bob' }))
    expect(User?.Arn).toBe('arn:aws:iam::111111111111:user/bob')
    expect(handlers.length).toBeGreaterThan(0)
    // The override answers ListUsers; every other call falls through to keyemu.
    server.use(
      http.post('https://iam.amazonaws.com/', async ({ request }) => {
        if (!(await request.clone().text()).includes('Action=ListUsers')) return undefined
        return HttpResponse.xml(
          '<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult><IsTruncated>false</IsTruncated><Users><member><UserName>overridden</UserName><Path>/</Path><UserId>AIDAOVERRIDDEN</UserId><Arn>arn:aws:iam::111111111111:user/overridden</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate></member></Users></ListUsersResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></ListUsersResponse>',
        )
      }),
    )
    expect((await iam.send(new ListUsersCommand({}))).Users?.map((u) => u.UserName)).toEqual(['overridden'])
    const created = await iam.send(new CreateUserCommand({ UserName: 'carol' }))
    expect(created.User?.Arn).toBe('arn:aws:iam::111111111111:user/carol')
  })

  test('a bad seed does not crash: the requests that need the store are refused, naming the field', async () => {
    server.resetHandlers(...createHandlers({ seed: { accounts: [{ id: 'x' }] } as never }))
    const res = await fetch('https://api.linode.com/v4/object-storage/keys', { headers: { authorization: 'Bearer t' } })
    expect(res.status).toBe(500)
    expect(await res.text()).toContain('accounts.0.name')
  })

  test('unhandledRequests("error") refuses a request no handler takes, on the installed MSW major', async () => {
    server.resetHandlers(...createHandlers())
    // A loopback server that would answer: only MSW's refusal can make the fetch fail.
    const other = createServer((_req, res) => res.end('reached'))
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = other.address() as AddressInfo
      await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow()
    } finally {
      other.close()
    }
  })

  test('with auth off, unsigned or unknown credentials act as the root of the seeded account', async () => {
    server.resetHandlers(...createHandlers({ auth: 'off' }))
    const iam = new IAMClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'whoever', secretAccessKey: 'whatever' },
    })
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({}))
    expect(AccessKey?.AccessKeyId).toMatch(/^AKIA/)
  })
})

describe('createEmulator', () => {
  test('listens on a free port, answers health, exposes the store, resets to its seed', async () => {
    const emulator = await createEmulator()
    const url = await emulator.listen()
    try {
      const health = await (await fetch(`${url}/_emu/health`)).json()
      expect(health).toEqual({
        status: 'ok',
        version: expect.any(String),
        auth: 'strict',
        dialects: expect.arrayContaining(['iam']),
        credentials: expect.arrayContaining([
          { kind: 'access-key', family: 'aws', accountId: '000000000000', name: 'test' },
        ]),
      })
      const iam = new IAMClient({ endpoint: url, region: 'us-east-1', credentials: ROOT })
      await iam.send(new CreateUserCommand({ UserName: 'alice' }))
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))
      expect(emulator.store.read((s) => Object.keys(s.users).length)).toBe(1)
      const state = await (await fetch(`${url}/_emu/state`)).text()
      expect(state).not.toContain(AccessKey?.SecretAccessKey)
      expect(state).toContain(AccessKey?.AccessKeyId)
      const reset = await fetch(`${url}/_emu/reset`, { method: 'POST' })
      expect(reset.status).toBe(200)
      expect((await iam.send(new ListUsersCommand({}))).Users).toEqual([])
      const unknown = await fetch(`${url}/_emu/nothing`)
      expect(unknown.status).toBe(404)
    } finally {
      await emulator.close()
    }
  })

  test('its handler serves the same API mounted in an Express app or a server of your own', async () => {
    const emulator = await createEmulator()
    const app = express()
    app.use(emulator.handler)
    for (const server of [app.listen(0, '127.0.0.1'), createServer(emulator.handler).listen(0, '127.0.0.1')]) {
      if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      try {
        const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: ROOT })
        const name = `u${(server.address() as AddressInfo).port}`
        await iam.send(new CreateUserCommand({ UserName: name }))
        expect((await iam.send(new ListUsersCommand({}))).Users?.map((u) => u.UserName)).toContain(name)
        const wrong = new IAMClient({ endpoint, region: 'us-east-1', credentials: { ...ROOT, secretAccessKey: 'x' } })
        await expect(wrong.send(new ListUsersCommand({}))).rejects.toThrow(/signature/i)
      } finally {
        server.closeAllConnections()
        await new Promise((resolve) => server.close(resolve))
      }
    }
    expect(emulator.store.read((s) => Object.keys(s.users).length)).toBe(2)
    await emulator.close()
  })
})
