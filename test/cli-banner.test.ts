import { spawn, spawnSync } from 'node:child_process'
import { describe, expect, test } from 'vitest'
import { dialects } from '../src/dialects.js'
import { CLI, safeJson, startCli } from './support/cli.js'

// util-linux's `script` runs a command on a pseudo-terminal: what a person starting keyemu sees.
const hasScript = spawnSync('script', ['--version']).status === 0

/** Start the built CLI on a pseudo-terminal and collect what it prints until its ready line. */
async function startOnTerminal(args: string[]): Promise<{ output: string; stop: () => void }> {
  const command = [process.execPath, CLI, '--port', '0', ...args].map((a) => `'${a}'`).join(' ')
  const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], detached: true })
  // Our own process group only: script and the keyemu it started.
  const stop = () => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
  }
  let output = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
      if (output.includes('"msg":"ready"')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`script exited with ${code} before keyemu was ready:\n${output}`)))
  })
  return { output: output.replace(/\r\n/g, '\n'), stop }
}

describe('the start banner', () => {
  test.skipIf(!hasScript)(
    'on a terminal: the mode in force, the dialects and the seeded credentials without secrets, then the ready line',
    async () => {
      const { output, stop } = await startOnTerminal(['--auth', 'audit'])
      try {
        const [banner, ...rest] = output.split('\n\n')
        expect(banner).toMatch(/^keyemu \d+\.\d+\.\d+ on http:\/\/127\.0\.0\.1:\d+\n/)
        expect(banner).toContain('auth      audit (evaluated as strict, but denied calls go through')
        expect(banner).toContain(`dialects  ${dialects.map((d) => d.name).join(', ')}`)
        expect(banner).toContain('aws access key test (account 000000000000)')
        expect(banner).toContain('linode token keyemu-readonly (account linode-account)')
        expect(banner).toContain('tigris signing key of keyemu')
        expect(banner).toContain('(no control token: keep the port on loopback)')
        for (const secret of ['keyemu-linode-token', 'keyemu-bird-token', 'keyemu-tigris-signing-key'])
          expect(banner).not.toContain(secret)
        expect(safeJson(rest.join('\n\n').trim().split('\n')[0] ?? '')).toMatchObject({ msg: 'ready', auth: 'audit' })
      } finally {
        stop()
      }
    },
  )

  test('through a pipe: no banner, every line JSON, the ready line one line', async () => {
    const cli = await startCli(['--control-token', 'secret-control'])
    try {
      expect(cli.lines.length).toBeGreaterThan(0)
      for (const line of cli.lines) expect(safeJson(line), line).toBeDefined()
      expect(cli.lines.map(safeJson).filter((e) => e?.msg === 'ready')).toHaveLength(1)
    } finally {
      await cli.stop()
    }
  })
})
