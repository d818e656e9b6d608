/**
 * The AWS CLI against a keyemu server on a loopback port, for suites that prove the real `aws` binary
 * works unmodified. Each call gets a fresh temp HOME, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE,
 * credentials through the environment and nothing else of the caller's environment, so a developer's
 * ~/.aws, profiles, proxies and instance metadata are never read.
 *
 * ```ts
 * describeWithAwsCli('aws s3', () => {
 *   const emu = serveForCli()                     // a fresh server per test, default seed
 *   test('copies a file up', async () => {
 *     const out = await runAws(emu.url, ['s3', 'cp', file, 's3://bucket/key'], {
 *       credentials: { accessKeyId, secretAccessKey },             // default: the seeded root key
 *       config: 's3 =\n    addressing_style = path',               // lines for the [default] profile
 *     })
 *     expect(out.code, out.stderr).toBe(0)
 *   })
 * })
 * ```
 *
 * Without `aws` on PATH the suite is skipped with its reason in its name, except when CI is set:
 * there it fails (.ci/tools.sh installs Debian's awscli first).
 */
import { execFile, spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach } from 'vitest'
import type { State } from '../../src/core/model.js'
import type { Seed } from '../../src/core/seed.js'
import { openStore } from '../../src/core/store.js'
import { createEmulator, type Emulator, initialState } from '../../src/emulator.js'
import { ROOT } from './aws-signing.js'
import { describeWithTool } from './external-tool.js'

export interface AwsCliOptions {
  credentials?: { accessKeyId: string; secretAccessKey: string }
  region?: string
  /** Lines for the `[default]` section of the temp config file (`s3 =\n    addressing_style = path`). */
  config?: string
  /** Extra environment (AWS_* settings the CLI reads); the caller's own environment is never passed on. */
  env?: Record<string, string>
  /** Bytes for the command's standard input. */
  input?: string | Buffer
}

export interface AwsCliResult {
  code: number
  stdout: string
  stderr: string
  /** stdout parsed as JSON (the temp config asks for `output = json`). */
  json<T = unknown>(): T
}

/** Why the CLI cannot run here, or undefined when `aws --version` answers. Asked once per process. */
export const awsCliMissing: string | undefined = (() => {
  const probe = spawnSync('aws', ['--version'], { encoding: 'utf8', timeout: 30_000 })
  if (probe.error) return `the aws CLI is not installed (${probe.error.message}); .ci/tools.sh installs it`
  return probe.status === 0 ? undefined : `aws --version exited ${probe.status}: ${probe.stderr.trim()}`
})()

/**
 * A describe block for CLI suites: run where `aws` exists, skipped with the reason in its name where it
 * does not, failed where it does not but CI is set.
 */
export function describeWithAwsCli(name: string, body: () => void): void {
  describeWithTool('aws CLI', awsCliMissing, name, body)
}

/** A keyemu server started afresh for each test of the enclosing describe, on a random loopback port. */
export function serveForCli(seed?: Seed | string): { readonly url: string; readonly emulator: Emulator } {
  let initial: State | undefined
  let emulator: Emulator | undefined
  beforeAll(async () => {
    initial = await initialState(seed, {})
  })
  beforeEach(async () => {
    emulator = await createEmulator({ store: await openStore({ initial: initial as State }), auth: 'strict' })
    await emulator.listen(0)
  })
  afterEach(async () => {
    await emulator?.close()
    emulator = undefined
  })
  return {
    get url() {
      return emulator?.url as string
    },
    get emulator() {
      return emulator as Emulator
    },
  }
}

/** Limits of one CLI run: a hang ends the call instead of the whole suite. */
const RUN_TIMEOUT_MS = 60_000
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024

/**
 * Run `aws --endpoint-url <endpoint> ...args` and collect its exit code and output. Never throws for
 * a non-zero exit: the test asserts on `code` and `stderr`.
 *
 * @example const out = await runAws(emu.url, ['sts', 'get-caller-identity']); out.json<{ Account: string }>()
 */
export async function runAws(endpoint: string, args: string[], options: AwsCliOptions = {}): Promise<AwsCliResult> {
  const { hostname } = new URL(endpoint)
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) {
    throw new Error(`runAws only talks to a loopback server, not ${endpoint}`)
  }
  const home = await mkdtemp(join(tmpdir(), 'keyemu-aws-cli-'))
  try {
    const region = options.region ?? 'us-east-1'
    const configFile = join(home, 'config')
    const credentialsFile = join(home, 'credentials')
    await writeFile(configFile, `[default]\nregion = ${region}\noutput = json\n${options.config ?? ''}\n`)
    await writeFile(credentialsFile, '')
    const credentials = options.credentials ?? ROOT
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      LANG: 'C.UTF-8',
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_DEFAULT_REGION: region,
      AWS_REGION: region,
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_MAX_ATTEMPTS: '1',
      AWS_RETRY_MODE: 'standard',
      NO_PROXY: '*',
      no_proxy: '*',
      // pyenv's shim finds its Python through these; they point at programs, never at configuration.
      ...(process.env.PYENV_ROOT && { PYENV_ROOT: process.env.PYENV_ROOT }),
      ...(process.env.PYENV_VERSION && { PYENV_VERSION: process.env.PYENV_VERSION }),
      ...options.env,
    }
    return await new Promise<AwsCliResult>((resolve, reject) => {
      const child = execFile(
        'aws',
        ['--endpoint-url', endpoint, ...args],
        { env, cwd: home, timeout: RUN_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : null) : 0
          if (code === null) {
            reject(new Error(`aws ${args.join(' ')} did not finish: ${err?.message}\n${stderr}`))
            return
          }
          resolve({ code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T })
        },
      )
      child.stdin?.end(options.input ?? '')
    })
  } finally {
    await rm(home, { recursive: true, force: true })
  }
}
