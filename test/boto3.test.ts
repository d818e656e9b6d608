import { execFile, spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { serveForCli } from './support/aws-cli.js'
import { ROOT } from './support/aws-signing.js'
import { describeWithTool } from './support/external-tool.js'

// boto3, unmodified, against the S3 data plane on a loopback port (test/python/boto3_s3.py).

const SCRIPT = fileURLToPath(new URL('./python/boto3_s3.py', import.meta.url))

const boto3Missing: string | undefined = (() => {
  const probe = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8', timeout: 30_000 })
  if (probe.error) return `python3 is not installed (${probe.error.message}); .ci/tools.sh installs it`
  return probe.status === 0 ? undefined : `python3 has no boto3 (${probe.stderr.trim().split('\n').pop()})`
})()

interface Boto3Result {
  putETag: string
  getETag: string
  sameBytes: boolean
  bytes: string
  metadata: Record<string, string>
  keys: [string, number][]
}

/** Run the script with a key, in a temp HOME and nothing of the caller's environment but the interpreter's. */
async function runBoto3(
  endpoint: string,
  bucket: string,
  key = ROOT,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = await mkdtemp(join(tmpdir(), 'keyemu-boto3-'))
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_PROXY: '*',
    no_proxy: '*',
    KEYEMU_ENDPOINT: endpoint,
    KEYEMU_BUCKET: bucket,
    ...(process.env.PYENV_ROOT && { PYENV_ROOT: process.env.PYENV_ROOT }),
    ...(process.env.PYENV_VERSION && { PYENV_VERSION: process.env.PYENV_VERSION }),
  }
  try {
    return await new Promise((resolve) => {
      execFile('python3', [SCRIPT], { env, cwd: home, timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      )
    })
  } finally {
    await rm(home, { recursive: true, force: true })
  }
}

describeWithTool('boto3', boto3Missing, 'boto3 against S3', () => {
  const emu = serveForCli()

  test('creates a bucket, puts, gets and lists an object with the exact bytes and metadata', async () => {
    const out = await runBoto3(emu.url, 'boto-bucket')
    expect(out.code, out.stderr).toBe(0)
    const seen = JSON.parse(out.stdout) as Boto3Result
    const expected = Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256))
    expect(Buffer.from(seen.bytes, 'base64').equals(expected)).toBe(true)
    expect(seen).toMatchObject({ sameBytes: true, metadata: { origin: 'boto3' }, keys: [['py/bytes.bin', 1024]] })
    expect(seen.getETag).toBe(seen.putETag)
  })

  test('a key S3 does not know is refused: boto3 raises InvalidAccessKeyId', async () => {
    const out = await runBoto3(emu.url, 'boto-bucket', { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' })
    expect(out.code).not.toBe(0)
    expect(out.stderr).toMatch(/InvalidAccessKeyId/)
  })
})
