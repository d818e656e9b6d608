import { type ChildProcess, fork, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** The built CLI, next to the built bench (dist/bench → dist/src). */
// The bundled CLI, as `npm start`, the bin and the image run it.
export const CLI = fileURLToPath(new URL('../keyemu.mjs', import.meta.url))
/** A node:http server that takes the CLI's arguments and prints its ready line: the floor of a cold start. */
export const BARE_CLI = fileURLToPath(new URL('./bare-cli.js', import.meta.url))

const children = new Set<ChildProcess>()

function track(child: ChildProcess): ChildProcess {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, stopping children`)
    process.exit(130)
  })
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
  await exited
  clearTimeout(timer)
}

/** Fork one of the bench's own scripts and wait for the first message it sends. */
export async function forkScript<T>(
  script: string,
  args: string[] = [],
  execArgv: string[] = [],
  timeoutMs = 60_000,
): Promise<{ child: ChildProcess; message: T }> {
  const child = track(fork(fileURLToPath(new URL(script, import.meta.url)), args, { execArgv, stdio: 'inherit' }))
  const message = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} sent nothing in ${timeoutMs} ms`)), timeoutMs)
    child.once('message', (m) => {
      clearTimeout(timer)
      resolve(m as T)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${script} exited with ${code} before answering`))
    })
  })
  return { child, message }
}

/** Start the built CLI (or another script that speaks like it) and resolve once it prints its ready line. */
export async function startKeyemu(
  logLevel: string,
  timeoutMs = 10_000,
  cli = CLI,
): Promise<{ child: ChildProcess; url: string; readyAt: number }> {
  const child = track(
    spawn(process.execPath, [cli, '--port', '0', '--host', '127.0.0.1', '--log-level', logLevel], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  )
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`keyemu not ready in ${timeoutMs} ms`)), timeoutMs)
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string }
        if (entry.msg === 'ready' && entry.url) {
          clearTimeout(timer)
          resolve(entry.url)
        }
      } catch {
        // not a log line
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`keyemu exited with ${code} before it was ready`))
    })
  })
  const readyAt = performance.now()
  // Keep draining stdout so request log lines never block the child on a full pipe.
  child.stdout?.resume()
  return { child, url, readyAt }
}
