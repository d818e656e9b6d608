import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { describeWithAwsCli, runAws, serveForCli } from './support/aws-cli.js'

// `aws s3` and `aws s3api`, unmodified, against the S3 data plane on a loopback port: the bytes that
// go up come down the same, a file over the CLI's 8 MiB threshold goes up in parts.

// The CLI v1 presigns with SigV2 unless told otherwise; keyemu speaks SigV4 only, as S3 does in new regions.
const PATH_STYLE = 's3 =\n    addressing_style = path\n    signature_version = s3v4'

describeWithAwsCli('aws CLI against S3', () => {
  const emu = serveForCli()
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyemu-s3-cli-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  const aws = (...args: string[]) => runAws(emu.url, args, { config: PATH_STYLE })
  const ok = async (...args: string[]) => {
    const out = await aws(...args)
    expect(out.code, `aws ${args.join(' ')}: ${out.stderr}`).toBe(0)
    return out
  }

  test('mb, cp up and down (a small file and a 10 MiB one in parts), ls, rm: the same bytes come back', async () => {
    const small = randomBytes(1000)
    const large = randomBytes(10 * 1024 * 1024 + 17)
    await writeFile(join(dir, 'small.bin'), small)
    await writeFile(join(dir, 'large.bin'), large)
    await ok('s3', 'mb', 's3://cli-bucket')
    await ok('s3', 'cp', join(dir, 'small.bin'), 's3://cli-bucket/small.bin')
    await ok('s3', 'cp', join(dir, 'large.bin'), 's3://cli-bucket/big/large.bin')
    const head = (await ok('s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'big/large.bin')).json<{
      ContentLength: number
      ETag: string
    }>()
    expect(head.ContentLength).toBe(large.length)
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}-\d+"$/)
    const listed = (await ok('s3', 'ls', '--recursive', 's3://cli-bucket')).stdout
    expect(listed).toMatch(new RegExp(`\\s${small.length} small\\.bin`))
    expect(listed).toMatch(new RegExp(`\\s${large.length} big/large\\.bin`))
    await ok('s3', 'cp', 's3://cli-bucket/small.bin', join(dir, 'small.down'))
    await ok('s3', 'cp', 's3://cli-bucket/big/large.bin', join(dir, 'large.down'))
    expect((await readFile(join(dir, 'small.down'))).equals(small)).toBe(true)
    expect((await readFile(join(dir, 'large.down'))).equals(large)).toBe(true)
    await ok('s3', 'rm', 's3://cli-bucket/small.bin')
    expect((await ok('s3', 'ls', '--recursive', 's3://cli-bucket')).stdout).not.toContain('small.bin')
  })

  test('sync copies a folder up, and only what changed the second time', async () => {
    await mkdir(join(dir, 'site', 'css'), { recursive: true })
    await writeFile(join(dir, 'site', 'index.html'), '<h1>hi</h1>')
    await writeFile(join(dir, 'site', 'css', 'a.css'), 'h1 { color: red }')
    await ok('s3', 'mb', 's3://sync-bucket')
    const first = await ok('s3', 'sync', join(dir, 'site'), 's3://sync-bucket/site')
    expect(first.stdout.match(/upload:/g)).toHaveLength(2)
    await writeFile(join(dir, 'site', 'css', 'b.css'), 'p {}')
    const second = await ok('s3', 'sync', join(dir, 'site'), 's3://sync-bucket/site')
    expect(second.stdout.match(/upload:/g)).toHaveLength(1)
    expect(second.stdout).toContain('css/b.css')
    const keys = (await ok('s3api', 'list-objects-v2', '--bucket', 'sync-bucket')).json<{
      Contents: { Key: string }[]
    }>()
    expect(keys.Contents.map((c) => c.Key)).toEqual(['site/css/a.css', 'site/css/b.css', 'site/index.html'])
  })

  test('s3api put-object, head-object, get-object and list-objects-v2 agree on the object', async () => {
    const body = Buffer.from('s3api bytes \u00e9\n')
    await writeFile(join(dir, 'in.txt'), body)
    await ok('s3api', 'create-bucket', '--bucket', 'api-bucket')
    const put = (
      await ok('s3api', 'put-object', '--bucket', 'api-bucket', '--key', 'docs/in.txt', '--body', join(dir, 'in.txt'))
    ).json<{ ETag: string }>()
    const head = (await ok('s3api', 'head-object', '--bucket', 'api-bucket', '--key', 'docs/in.txt')).json<{
      ContentLength: number
      ETag: string
    }>()
    expect(head).toMatchObject({ ContentLength: body.length, ETag: put.ETag })
    const out = join(dir, 'out.txt')
    await ok('s3api', 'get-object', '--bucket', 'api-bucket', '--key', 'docs/in.txt', out)
    expect((await readFile(out)).equals(body)).toBe(true)
    const listed = (
      await ok('s3api', 'list-objects-v2', '--bucket', 'api-bucket', '--prefix', 'docs/', '--delimiter', '/')
    ).json<{ Contents: { Key: string; Size: number; ETag: string }[] }>()
    expect(listed.Contents).toEqual([
      expect.objectContaining({ Key: 'docs/in.txt', Size: body.length, ETag: put.ETag }),
    ])
  })

  test('presign makes a URL that fetches the exact bytes, and a tampered one is refused', async () => {
    const body = randomBytes(4096)
    await writeFile(join(dir, 'p.bin'), body)
    await ok('s3', 'mb', 's3://presign-bucket')
    await ok('s3', 'cp', join(dir, 'p.bin'), 's3://presign-bucket/p.bin')
    const url = (await ok('s3', 'presign', 's3://presign-bucket/p.bin', '--expires-in', '300')).stdout.trim()
    expect(url).toMatch(/X-Amz-Signature=/)
    const res = await fetch(url)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true)
    const tampered = await fetch(url.replace('p.bin', 'q.bin'))
    expect(tampered.status).toBe(403)
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>')
  })
})
