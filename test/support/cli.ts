import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../../src/version.js'

/** The bundled CLI: what `npm start`, the package bin and the Docker image run. */
export const CLI = join(packageRoot, 'dist', 'keyemu.mjs')

export interface RunningCli {
  child: ChildProcess
  url: string
  /** Every line the process printed so far. */
  lines: string[]
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Start the built CLI on a free port and wait for its ready line. */
export function startCli(args: string[]): Promise<RunningCli> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does).`)
  const child = spawn(process.execPath, [CLI, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  // A test that times out must not leave its emulator running.
  const reap = () => child.kill('SIGKILL')
  process.once('exit', reap)
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', reap)
      resolve(code)
    }),
  )
  return new Promise((resolve, reject) => {
    let buffered = ''
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      const parts = buffered.split('\n')
      buffered = parts.pop() ?? ''
      for (const line of parts) {
        lines.push(line)
        const entry = safeJson(line)
        if (entry?.msg === 'ready' && typeof entry.url === 'string') {
          resolve({
            child,
            url: entry.url,
            lines,
            stop: (signal = 'SIGTERM') => {
              child.kill(signal)
              return exited
            },
          })
        }
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    exited.then((code) => reject(new Error(`keyemu exited with ${code} before it was ready:\n${lines.join('\n')}`)))
  })
}

/** Run the CLI to completion and collect its output. */
export function runCli(
  args: string[],
  options: { cwd?: string } = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options })
    let output = ''
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString('utf8')
    })
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString('utf8')
    })
    child.on('exit', (code) => resolve({ code, output }))
  })
}

export function safeJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>
  } catch {
    return undefined
  }
}
