import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import type { Command } from 'commander'
import { describe, expect, test } from 'vitest'
import { realmOfDialect } from '../src/cli/init.js'
import { createProgram } from '../src/cli/program.js'
import { dialects } from '../src/dialects.js'
import { defaultSeedFile } from '../src/version.js'
import { ROOT } from './support/aws-signing.js'
import { runCli, safeJson, startCli } from './support/cli.js'
import { README } from './support/coverage-table.js'

describe('keyemu CLI', () => {
  test('--help lists every option with its environment variable and default, and the README table has each', async () => {
    const readme = readFileSync(README, 'utf8')
    const cliSection = readme.slice(readme.indexOf('<!-- cli:start'), readme.indexOf('<!-- cli:end -->'))
    const program = createProgram()
    for (const [args, command] of [
      [['--help'], program],
      [['init', '--help'], program.commands.find((c) => c.name() === 'init') as Command],
    ] as const) {
      const { code, output } = await runCli([...args])
      expect(code).toBe(0)
      const help = output.replace(/\s+/g, ' ')
      const flags = help.match(/--[a-z][a-z-]*/g) ?? []
      expect(flags.length).toBeGreaterThan(2)
      for (const flag of flags) expect(cliSection).toContain(`${flag}`)
      for (const option of command.options) {
        expect(help).toContain(option.long)
        if (option.envVar) expect(help).toContain(`env: ${option.envVar}`)
        if (option.defaultValueDescription) expect(help).toContain(`default: ${option.defaultValueDescription}`)
        else if (option.defaultValue !== undefined)
          expect(help).toContain(`default: ${JSON.stringify(option.defaultValue)}`)
      }
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
      expect(await unroutable.json()).toMatchObject({ error: 'NoDialect', dialects: expect.any(Array) })
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

  test('an unknown option or KEYEMU_* variable is refused at start, naming it', async () => {
    const option = await runCli(['--port', '0', '--auht', 'off'])
    expect(option.code).toBe(2)
    expect(option.output).toContain("unknown option '--auht'")
    const variable = await runCli(['--port', '0'], { env: { KEYEMU_AUHT: 'off' } })
    expect(variable.code).toBe(2)
    expect(variable.output).toContain('unknown environment variable KEYEMU_AUHT')
  })

  test('in audit mode the ready line and health say so and list the seeded credentials; explain answers from the command line', async () => {
    const cli = await startCli(['--auth', 'audit', '--control-token', 'ctl'])
    try {
      const ready = cli.lines.map(safeJson).find((e) => e?.msg === 'ready')
      expect(ready).toMatchObject({ auth: 'audit', dialects: dialects.map((d) => d.name) })
      expect(ready?.credentials).toContainEqual({
        kind: 'access-key',
        family: 'aws',
        accountId: '000000000000',
        name: 'test',
      })
      expect(await (await fetch(`${cli.url}/_emu/health`)).json()).toMatchObject({ auth: 'audit' })
      const explain = (token: string) =>
        runCli([
          'explain',
          '--url',
          cli.url,
          '--control-token',
          'ctl',
          '--dialect',
          'linode',
          '--token',
          token,
          '--action',
          'object_storage:read_write',
          '--resource',
          'object_storage',
        ])
      const denied = await explain('keyemu-linode-readonly-token')
      expect(denied.code).toBe(1)
      expect(denied.output).toContain('deny: the token has no OAuth scope granting object_storage:read_write')
      const allowed = await explain('keyemu-linode-token')
      expect(allowed.code).toBe(0)
      expect(allowed.output).toContain("allow: the token's OAuth scope *")
      const unknown = await explain('nope')
      expect(unknown).toMatchObject({ code: 2, output: 'keyemu explain: The linode dialect knows no credential.\n' })
    } finally {
      await cli.stop()
    }
  })

  test('an invalid option value exits with code 2', async () => {
    const { code, output } = await runCli(['--auth', 'maybe'])
    expect(code).toBe(2)
    expect(output).toContain('--auth')
  })
})

describe('keyemu init', () => {
  const tempDir = () => mkdtempSync(join(tmpdir(), 'keyemu-init-'))

  test('writes keyemu.seed.json with placeholder secrets; the server starts on it and takes them', async () => {
    const dir = tempDir()
    const { code, output } = await runCli(['init'], { cwd: dir })
    expect(code).toBe(0)
    expect(output).toContain('change-me-')
    expect(output).toContain('npx keyemu --seed keyemu.seed.json')
    const file = join(dir, 'keyemu.seed.json')
    const cli = await startCli(['--log-level', 'silent', '--seed', file])
    try {
      const iam = new IAMClient({
        endpoint: cli.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'change-me-aws-root-secret-1' },
      })
      expect((await iam.send(new ListUsersCommand({}))).Users).toEqual([])
      const keys = await fetch(`${cli.url}/v4/object-storage/keys`, {
        headers: { authorization: 'Bearer change-me-linode-token-1' },
      })
      expect(keys.status).toBe(200)
      const withDefaultSecret = new IAMClient({ endpoint: cli.url, region: 'us-east-1', credentials: ROOT })
      await expect(withDefaultSecret.send(new ListUsersCommand({}))).rejects.toMatchObject({
        name: 'SignatureDoesNotMatch',
      })
    } finally {
      await cli.stop()
    }
  })

  test('--dialects keeps only the accounts those dialects serve', async () => {
    const file = join(tempDir(), 'linode.json')
    const { code } = await runCli(['init', '--dialects', 'linode', file])
    expect(code).toBe(0)
    const seed = JSON.parse(readFileSync(file, 'utf8')) as { accounts: { realm: string }[] }
    expect(seed.accounts.map((a) => a.realm)).toEqual(['linode'])
  })

  test('refuses to overwrite a file without --force, and leaves it as it was', async () => {
    const file = join(tempDir(), 'mine.json')
    writeFileSync(file, 'my own seed')
    const refused = await runCli(['init', file])
    expect(refused.code).toBe(2)
    expect(refused.output).toContain('--force')
    expect(readFileSync(file, 'utf8')).toBe('my own seed')
    const forced = await runCli(['init', '--force', file])
    expect(forced.code).toBe(0)
    expect(readFileSync(file, 'utf8')).toContain('"accounts"')
  })

  test('an unknown dialect exits with code 2, names it, and writes nothing', async () => {
    const file = join(tempDir(), 'none.json')
    const { code, output } = await runCli(['init', '--dialects', 'iam,nosuch', file])
    expect(code).toBe(2)
    expect(output).toContain('"nosuch"')
    expect(existsSync(file)).toBe(false)
  })

  test('knows the realm of every served dialect, and the default seed has an account for each', () => {
    const realms = (
      JSON.parse(readFileSync(defaultSeedFile, 'utf8')) as { accounts: { realm: string }[] }
    ).accounts.map((a) => a.realm)
    for (const dialect of dialects) expect(realms).toContain(realmOfDialect[dialect.name])
  })
})
