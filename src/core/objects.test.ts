import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { memoryBlobs } from './blobs.js'
import { createCore } from './core.js'
import { EmulatorError } from './errors.js'
import { openStore } from './store.js'

const bucket = { accountId: 'acct', name: 'photos' }

async function setup(options: { maxObjectBytes?: number } = {}) {
  const store = await openStore()
  const blobs = memoryBlobs()
  const core = createCore({ store, blobs, ...options })
  await core.createAccount({ id: 'acct', name: 'a', realm: 'test', regions: [{ id: 'r1' }] })
  await core.createBucket({ ...bucket, region: 'r1', uniqueIn: 'region' })
  return { store, core, blobs }
}

const bytes = (text: string) => new TextEncoder().encode(text)
async function* chunks(...parts: (string | Uint8Array)[]) {
  for (const part of parts) yield typeof part === 'string' ? bytes(part) : part
}
async function text(body: AsyncIterable<Uint8Array>): Promise<string> {
  const out: Uint8Array[] = []
  for await (const chunk of body) out.push(chunk)
  return Buffer.concat(out).toString('utf8')
}
const md5 = (text: string | Buffer) => createHash('md5').update(text).digest()
const code = (err: unknown) => (err instanceof EmulatorError ? [err.code, err.detail.reason] : err)

describe('objects', () => {
  test('put then read gives the bytes, the quoted MD5 ETag and lowercased metadata', async () => {
    const { core } = await setup()
    const put = await core.putObject({
      bucket,
      key: 'a/b.txt',
      body: chunks('hello ', 'world'),
      headers: { contentType: 'text/plain' },
      metadata: { Color: 'Red' },
    })
    expect(put).toMatchObject({ key: 'a/b.txt', size: 11, etag: `"${md5('hello world').toString('hex')}"` })
    const got = core.readObject({ bucket, key: 'a/b.txt' })
    expect(got.object.metadata).toEqual({ color: 'Red' })
    expect(got.object.headers.contentType).toBe('text/plain')
    expect(await text(got.body)).toBe('hello world')
  })

  test('reads a range across chunks, and refuses one past the end', async () => {
    const { core } = await setup()
    await core.putObject({ bucket, key: 'k', body: chunks('0123', '4567', '89') })
    const read = (range: Parameters<typeof core.readObject>[0]['range']) => core.readObject({ bucket, key: 'k', range })
    expect(await text(read({ first: 3, last: 6 }).body)).toBe('3456')
    expect(read({ first: 3, last: 6 }).range).toEqual({ start: 3, end: 6 })
    expect(await text(read({ first: 7 }).body)).toBe('789')
    expect(await text(read({ suffixLength: 2 }).body)).toBe('89')
    expect(await text(read({ first: 8, last: 100 }).body)).toBe('89')
    expect(() => read({ first: 10 })).toThrow(expect.objectContaining({ code: 'RangeNotSatisfiable' }))
  })

  test('If-None-Match: * refuses to replace an object and leaves no blob behind', async () => {
    const { core, blobs } = await setup()
    await core.putObject({ bucket, key: 'k', body: chunks('one') })
    const held = (await blobs.list()).size
    await expect(core.putObject({ bucket, key: 'k', body: chunks('two'), ifNoneMatch: '*' })).rejects.toMatchObject({
      code: 'PreconditionFailed',
    })
    expect((await blobs.list()).size).toBe(held)
    expect(await text(core.readObject({ bucket, key: 'k' }).body)).toBe('one')
  })

  test('a replaced or deleted object frees its blob; delete is idempotent', async () => {
    const { core, blobs } = await setup()
    await core.putObject({ bucket, key: 'k', body: chunks('one') })
    await core.putObject({ bucket, key: 'k', body: chunks('two') })
    expect((await blobs.list()).size).toBe(1)
    expect(await core.deleteObject({ bucket, key: 'k' })).toEqual({ deleted: true })
    expect(await core.deleteObject({ bucket, key: 'k' })).toEqual({ deleted: false })
    expect((await blobs.list()).size).toBe(0)
    expect(() => core.headObject({ bucket, key: 'k' })).toThrow(expect.objectContaining({ code: 'NotFound' }))
  })

  test('a body whose source fails, or whose MD5 disagrees, stores nothing', async () => {
    const { core, blobs, store } = await setup()
    const before = store.snapshot()
    async function* failing() {
      yield bytes('partial')
      throw new Error('connection reset')
    }
    await expect(core.putObject({ bucket, key: 'k', body: failing() })).rejects.toThrow('connection reset')
    await expect(
      core.putObject({ bucket, key: 'k', body: chunks('abc'), contentMd5: md5('abd').toString('base64') }),
    ).rejects.toMatchObject({ code: 'DigestMismatch' })
    await expect(core.putObject({ bucket, key: 'k', body: chunks('abc'), expectedSize: 4 })).rejects.toMatchObject({
      code: 'IncompleteBody',
    })
    expect((await blobs.list()).size).toBe(0)
    expect(store.snapshot()).toEqual(before)
    expect(core.ctx.bodies.heldBytes).toBe(0)
  })

  test('refuses a put past the byte limit with LimitExceeded and frees room on delete', async () => {
    const { core } = await setup({ maxObjectBytes: 10 })
    await core.putObject({ bucket, key: 'a', body: chunks('123456') })
    const err = await core.putObject({ bucket, key: 'b', body: chunks('12345') }).catch((e: unknown) => e)
    expect(code(err)).toEqual(['LimitExceeded', 'object-bytes'])
    await core.deleteObject({ bucket, key: 'a' })
    await core.putObject({ bucket, key: 'b', body: chunks('1234567890') })
  })

  test('key and metadata limits', async () => {
    const { core } = await setup()
    const long = await core.putObject({ bucket, key: 'é'.repeat(513), body: chunks('') }).catch((e: unknown) => e)
    expect(code(long)).toEqual(['InvalidInput', 'key-too-long'])
    await core.putObject({ bucket, key: 'é'.repeat(512), body: chunks('') })
    const meta = await core
      .putObject({ bucket, key: 'm', body: chunks(''), metadata: { a: 'x'.repeat(2048) } })
      .catch((e: unknown) => e)
    expect(code(meta)).toEqual(['InvalidInput', 'metadata-too-large'])
  })

  test('copy shares the bytes, keeps or replaces metadata, and refuses a copy onto itself', async () => {
    const { core, blobs } = await setup()
    await core.createBucket({ accountId: 'acct', name: 'other', region: 'r1', uniqueIn: 'region' })
    const other = { accountId: 'acct', name: 'other' }
    const source = await core.putObject({ bucket, key: 's', body: chunks('data'), metadata: { a: '1' } })
    const kept = await core.copyObject({ source: { bucket, key: 's' }, target: { bucket: other, key: 't' } })
    expect(kept).toMatchObject({ etag: source.etag, metadata: { a: '1' }, size: 4 })
    const replaced = await core.copyObject({
      source: { bucket, key: 's' },
      target: { bucket, key: 's' },
      metadataDirective: 'REPLACE',
      metadata: { b: '2' },
    })
    expect(replaced.metadata).toEqual({ b: '2' })
    expect((await blobs.list()).size).toBe(1)
    const self = await core.copyObject({ source: { bucket, key: 's' }, target: { bucket, key: 's' } }).catch((e) => e)
    expect(code(self)).toEqual(['InvalidInput', 'copy-to-itself'])
    await core.deleteObject({ bucket, key: 's' })
    expect(await text(core.readObject({ bucket: other, key: 't' }).body)).toBe('data')
    expect((await blobs.list()).size).toBe(1)
  })

  test('a bucket with objects or uploads is not deleted but with force', async () => {
    const { core } = await setup()
    await core.putObject({ bucket, key: 'k', body: chunks('x') })
    const err = await core.deleteBucket(bucket).catch((e: unknown) => e)
    expect(code(err)).toEqual(['InUse', 'not-empty'])
    await core.deleteObject({ bucket, key: 'k' })
    await core.createMultipartUpload({ bucket, key: 'm' })
    expect(code(await core.deleteBucket(bucket).catch((e: unknown) => e))).toEqual(['InUse', 'not-empty'])
    await core.deleteBucket(bucket, { force: true })
    expect(core.ctx.bodies.heldBytes).toBe(0)
  })
})

describe('objects and transactions', () => {
  test('a put whose bucket goes while the body streams stores nothing and frees its blob', async () => {
    const { core, blobs, store } = await setup()
    async function* slow() {
      yield bytes('half')
      await core.deleteBucket(bucket)
      yield bytes(' and half')
    }
    await expect(core.putObject({ bucket, key: 'k', body: slow() })).rejects.toMatchObject({
      code: 'NotFound',
      detail: { entity: 'bucket' },
    })
    expect((await blobs.list()).size).toBe(0)
    expect(Object.keys(store.snapshot().objects)).toEqual([])
    expect(core.ctx.bodies.heldBytes).toBe(0)
  })

  test('a put refused at commit by If-None-Match (another put won meanwhile) leaves the winner alone', async () => {
    const { core, blobs } = await setup()
    async function* slow() {
      yield bytes('loser')
      await core.putObject({ bucket, key: 'k', body: chunks('winner') })
    }
    await expect(core.putObject({ bucket, key: 'k', body: slow(), ifNoneMatch: '*' })).rejects.toMatchObject({
      code: 'PreconditionFailed',
    })
    expect(await text(core.readObject({ bucket, key: 'k' }).body)).toBe('winner')
    expect((await blobs.list()).size).toBe(1)
  })

  test('conditional reads: If-Match and If-None-Match', async () => {
    const { core } = await setup()
    const { etag } = await core.putObject({ bucket, key: 'k', body: chunks('x') })
    expect(() => core.headObject({ bucket, key: 'k', conditions: { ifMatch: '"nope"' } })).toThrow(
      expect.objectContaining({ code: 'PreconditionFailed' }),
    )
    expect(() => core.headObject({ bucket, key: 'k', conditions: { ifNoneMatch: etag } })).toThrow(
      expect.objectContaining({ code: 'NotModified' }),
    )
    expect(core.headObject({ bucket, key: 'k', conditions: { ifMatch: etag, ifNoneMatch: '"other"' } }).etag).toBe(etag)
    const future = new Date(Date.now() + 60_000)
    expect(() => core.headObject({ bucket, key: 'k', conditions: { ifModifiedSince: future } })).toThrow(
      expect.objectContaining({ code: 'NotModified' }),
    )
  })
})

describe('checksums given with a body', () => {
  test('are stored, and one that only exists after the body may refuse it, storing nothing', async () => {
    const { core, blobs } = await setup()
    const put = await core.putObject({
      bucket,
      key: 'k',
      body: chunks('x'),
      checksums: async () => ({ crc32: 'AAAA' }),
    })
    expect(put.checksums).toEqual({ crc32: 'AAAA' })
    const refused = core.putObject({
      bucket,
      key: 'k',
      body: chunks('y'),
      checksums: async () => {
        throw new EmulatorError('DigestMismatch', 'The CRC32 you specified did not match the calculated checksum.')
      },
    })
    await expect(refused).rejects.toMatchObject({ code: 'DigestMismatch' })
    expect(await text(core.readObject({ bucket, key: 'k' }).body)).toBe('x')
    expect((await blobs.list()).size).toBe(1)
  })
})

describe('objects of a sandbox', () => {
  test('go, with their bodies, when the sandbox is deleted', async () => {
    const { core, blobs } = await setup()
    await core.createSandbox({
      id: 'sbx',
      seed: {},
      contents: {
        ...core.ctx.store.snapshot(),
        accounts: { s1: { id: 's1', name: 's', realm: 'test', createdAt: 'then', regions: [{ id: 'r1' }] } },
        users: {},
        accessKeys: {},
        buckets: {},
        policies: {},
        tokens: {},
        objects: {},
        uploads: {},
        parts: {},
        sandboxes: {},
      },
      max: 10,
    })
    await core.createBucket({ accountId: 's1', name: 'inside', region: 'r1', uniqueIn: 'region' })
    const inside = { accountId: 's1', name: 'inside' }
    await core.putObject({ bucket: inside, key: 'k', body: chunks('sandboxed') })
    await core.createMultipartUpload({ bucket: inside, key: 'm' })
    await core.deleteSandbox('sbx')
    expect((await blobs.list()).size).toBe(0)
    const state = core.ctx.store.snapshot()
    expect([Object.keys(state.objects), Object.keys(state.uploads)]).toEqual([[], []])
  })
})
