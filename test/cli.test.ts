import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam'
import { describe, expect, test } from 'vitest'
import { ROOT } from './support/aws-signing.js'
import { runCli, safeJson, startCli } from './support/cli.js'

describe('keyemu CLI', () => {
  test('--help documents every option and its environment variable', async () => {
    const { code, output } = await runCli(['--help'])
    expect(code).toBe(0)
    for (const option of ['--port', '--host', '--seed', '--data', '--auth', '--log-level'])
      expect(output).toContain(option)
    for (const env of ['KEYEMU_PORT', 'KEYEMU_HOST', 'KEYEMU_SEED', 'KEYEMU_DATA', 'KEYEMU_AUTH', 'KEYEMU_LOG_LEVEL']) {
      expect(output).toContain(env)
    }
  })

  test('prints one ready line naming the URL, serves health, and logs one line per request without secrets', async () => {
    const cli = await startCli(['--log-level', 'info'])
    try {
      expect(cli.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const health = await fetch(`${cli.url}/_emu/health`)
      expect(health.status).toBe(200)
      expect(await health.json()).toMatchObject({ status: 'ok', dialects: expect.arrayContaining(['iam']) })
      const iam = new IAMClient({ endpoint: cli.url, region: 'us-east-1', credentials: ROOT })
      await iam.send(new CreateUserCommand({ UserName: 'alice' }))
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))
      await new Promise((r) => setTimeout(r, 50))
      const entries = cli.lines.map(safeJson)
      expect(entries.filter((e) => e?.msg === 'ready')).toHaveLength(1)
      const created = entries.find((e) => e?.operation === 'CreateAccessKey')
      expect(created).toMatchObject({ dialect: 'iam', operation: 'CreateAccessKey', status: 200 })
      expect(typeof created?.ms).toBe('number')
      expect(cli.lines.join('\n')).not.toContain(AccessKey?.SecretAccessKey)
      const unroutable = await fetch(`${cli.url}/nowhere`)
      expect(unroutable.status).toBe(404)
      expect(await unroutable.json()).toMatchObject({ error: 'UnknownOperation', dialects: expect.any(Array) })
    } finally {
      await cli.stop()
    }
  })

  test('a bad seed file stops it with exit code 2 and a message naming the file and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyemu-seed-'))
    const seed = join(dir, 'bad.json')
    writeFileSync(seed, JSON.stringify({ accounts: [{ id: '1', name: 'x', realm: 'aws', users: [{ name: 42 }] }] }))
    const { code, output } = await runCli(['--port', '0', '--seed', seed])
    expect(code).toBe(2)
    expect(output).toContain(seed)
    expect(output).toContain('accounts.0.users.0.name')
  })

  test('a seed file that is not JSON stops it with exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyemu-seed-'))
    const seed = join(dir, 'broken.json')
    writeFileSync(seed, '{ "accounts": [')
    const { code, output } = await runCli(['--port', '0', '--seed', seed])
    expect(code).toBe(2)
    expect(output).toContain(seed)
  })

  test('an invalid option value exits with code 2', async () => {
    const { code, output } = await runCli(['--auth', 'maybe'])
    expect(code).toBe(2)
    expect(output).toContain('--auth')
  })
})
