import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { memoryBlobs } from './blobs.js'
import { createCore } from './core.js'
import { EmulatorError } from './errors.js'
import { MIN_PART_BYTES } from './multipart.js'
import { openStore } from './store.js'

const bucket = { accountId: 'acct', name: 'mp' }
const key = 'big/file.bin'

async function setup() {
  const store = await openStore()
  const blobs = memoryBlobs()
  const core = createCore({ store, blobs })
  await core.createAccount({ id: 'acct', name: 'a', realm: 'test', regions: [{ id: 'r1' }] })
  await core.createBucket({ ...bucket, region: 'r1', uniqueIn: 'region' })
  return { store, core, blobs }
}

async function* of(bytes: Uint8Array) {
  yield bytes
}
async function bytesOf(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Uint8Array[] = []
  for await (const chunk of body) out.push(chunk)
  return Buffer.concat(out)
}
const filled = (size: number, byte: number) => Buffer.alloc(size, byte)
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest()
const reason = (err: unknown) => (err instanceof EmulatorError ? `${err.code}/${err.detail.reason ?? ''}` : String(err))

describe('multipart uploads', () => {
  test('assembles parts in order, with the ETag of the part MD5s and -N, and reads by range and part', async () => {
    const { core, blobs } = await setup()
    const upload = await core.createMultipartUpload({ bucket, key, metadata: { Owner: 'me' } })
    const one = filled(MIN_PART_BYTES, 1)
    const two = filled(MIN_PART_BYTES, 2)
    const three = Buffer.from('tail')
    const ref = { bucket, key, uploadId: upload.id }
    const p2 = await core.uploadPart({ ...ref, partNumber: 2, body: of(filled(10, 9)) })
    // Sent again: replaces the first try, whose blob goes.
    const p2again = await core.uploadPart({ ...ref, partNumber: 2, body: of(two) })
    expect(p2again.etag).not.toBe(p2.etag)
    const p1 = await core.uploadPart({ ...ref, partNumber: 1, body: of(one) })
    const p3 = await core.uploadPart({ ...ref, partNumber: 3, body: of(three) })
    expect((await blobs.list()).size).toBe(3)
    expect(core.listParts({ ...ref, maxParts: 2 })).toMatchObject({
      parts: [{ number: 1 }, { number: 2 }],
      isTruncated: true,
      nextPartNumberMarker: 2,
    })
    expect(core.listParts({ ...ref, partNumberMarker: 2 }).parts.map((p) => p.number)).toEqual([3])

    const object = await core.completeMultipartUpload({
      ...ref,
      parts: [p1, p2again, p3].map((p) => ({ partNumber: p.number, etag: p.etag.replaceAll('"', '') })),
    })
    const expected = createHash('md5')
      .update(Buffer.concat([md5(one), md5(two), md5(three)]))
      .digest('hex')
    expect(object).toMatchObject({
      etag: `"${expected}-3"`,
      size: 2 * MIN_PART_BYTES + 4,
      parts: 3,
      metadata: { owner: 'me' },
    })
    expect((await bytesOf(core.readObject({ bucket, key }).body)).equals(Buffer.concat([one, two, three]))).toBe(true)
    const across = core.readObject({ bucket, key, range: { first: MIN_PART_BYTES - 2, last: MIN_PART_BYTES + 1 } })
    expect([...(await bytesOf(across.body))]).toEqual([1, 1, 2, 2])
    const part3 = core.readObject({ bucket, key, partNumber: 3 })
    expect(part3.range).toEqual({ start: 2 * MIN_PART_BYTES, end: 2 * MIN_PART_BYTES + 3 })
    expect((await bytesOf(part3.body)).toString()).toBe('tail')
    expect(() => core.listParts(ref)).toThrow(expect.objectContaining({ code: 'NotFound' }))
  })

  test('Complete refuses parts out of order, unknown parts or ETags, and small non-last parts, changing nothing', async () => {
    const { core, store } = await setup()
    const upload = await core.createMultipartUpload({ bucket, key })
    const ref = { bucket, key, uploadId: upload.id }
    const small = await core.uploadPart({ ...ref, partNumber: 1, body: of(filled(100, 1)) })
    const last = await core.uploadPart({ ...ref, partNumber: 2, body: of(filled(100, 2)) })
    const before = store.snapshot()
    const complete = (parts: { partNumber: number; etag: string }[]) =>
      core.completeMultipartUpload({ ...ref, parts }).catch((e: unknown) => e)
    expect(reason(await complete([]))).toBe('InvalidInput/no-parts')
    expect(
      reason(
        await complete([
          { partNumber: 2, etag: last.etag },
          { partNumber: 1, etag: small.etag },
        ]),
      ),
    ).toBe('InvalidInput/invalid-part-order')
    expect(
      reason(
        await complete([
          { partNumber: 1, etag: small.etag },
          { partNumber: 1, etag: small.etag },
        ]),
      ),
    ).toBe('InvalidInput/invalid-part-order')
    expect(reason(await complete([{ partNumber: 3, etag: last.etag }]))).toBe('InvalidInput/invalid-part')
    expect(reason(await complete([{ partNumber: 2, etag: small.etag }]))).toBe('InvalidInput/invalid-part')
    expect(
      reason(
        await complete([
          { partNumber: 1, etag: small.etag },
          { partNumber: 2, etag: last.etag },
        ]),
      ),
    ).toBe('InvalidInput/entity-too-small')
    expect(store.snapshot()).toEqual(before)
    // One small part alone is the last part: fine.
    const object = await core.completeMultipartUpload({ ...ref, parts: [{ partNumber: 2, etag: last.etag }] })
    expect(object.size).toBe(100)
  })

  test('part numbers are 1..10000; an unknown or aborted upload is NotFound upload; abort frees the parts', async () => {
    const { core, blobs } = await setup()
    const upload = await core.createMultipartUpload({ bucket, key })
    const ref = { bucket, key, uploadId: upload.id }
    for (const partNumber of [0, 10_001, 1.5]) {
      expect(reason(await core.uploadPart({ ...ref, partNumber, body: of(filled(1, 1)) }).catch((e) => e))).toBe(
        'InvalidInput/invalid-part-number',
      )
    }
    await core.uploadPart({ ...ref, partNumber: 10_000, body: of(filled(1, 1)) })
    const wrongKey = await core
      .uploadPart({ ...ref, key: 'other', partNumber: 1, body: of(filled(1, 1)) })
      .catch((e) => e)
    expect(wrongKey).toMatchObject({ code: 'NotFound', detail: { entity: 'upload' } })
    await core.abortMultipartUpload(ref)
    expect((await blobs.list()).size).toBe(0)
    await expect(core.abortMultipartUpload(ref)).rejects.toMatchObject({
      code: 'NotFound',
      detail: { entity: 'upload' },
    })
    // A part whose upload went while it was being sent is not kept.
    const late = await core.createMultipartUpload({ bucket, key })
    const lateRef = { bucket, key, uploadId: late.id }
    async function* slow() {
      yield filled(10, 1)
      await core.abortMultipartUpload(lateRef)
      yield filled(10, 2)
    }
    await expect(core.uploadPart({ ...lateRef, partNumber: 1, body: slow() })).rejects.toMatchObject({
      code: 'NotFound',
    })
    expect((await blobs.list()).size).toBe(0)
  })

  test('lists uploads by key, with prefix, delimiter and markers', async () => {
    const { core } = await setup()
    const made = []
    for (const k of ['b', 'a/1', 'a/2', 'c', 'b']) made.push(await core.createMultipartUpload({ bucket, key: k }))
    const all = core.listMultipartUploads({ bucket })
    expect(all.uploads.map((u) => u.key)).toEqual(['a/1', 'a/2', 'b', 'b', 'c'])
    const folded = core.listMultipartUploads({ bucket, delimiter: '/', maxUploads: 2 })
    expect(folded).toMatchObject({ commonPrefixes: ['a/'], isTruncated: true, nextKeyMarker: 'b' })
    expect(folded.uploads.map((u) => u.key)).toEqual(['b'])
    const next = core.listMultipartUploads({
      bucket,
      delimiter: '/',
      keyMarker: folded.nextKeyMarker,
      uploadIdMarker: folded.nextUploadIdMarker,
    })
    expect(next.uploads.map((u) => u.key)).toEqual(['b', 'c'])
    expect(core.listMultipartUploads({ bucket, prefix: 'a/' }).uploads).toHaveLength(2)
  })

  test('UploadPartCopy copies a range of an object into a part, and ends its read when refused', async () => {
    const { core } = await setup()
    await core.putObject({ bucket, key: 'src', body: of(Buffer.from('0123456789')) })
    const upload = await core.createMultipartUpload({ bucket, key })
    const ref = { bucket, key, uploadId: upload.id }
    const source = { bucket, key: 'src' }
    const part = await core.uploadPartCopy({ ...ref, partNumber: 1, source, range: { first: 2, last: 5 } })
    expect(part).toMatchObject({ size: 4, etag: `"${md5(Buffer.from('2345')).toString('hex')}"` })
    await expect(
      core.uploadPartCopy({ ...ref, partNumber: 2, source, sourceConditions: { ifMatch: '"other"' } }),
    ).rejects.toMatchObject({ code: 'PreconditionFailed' })
    await expect(core.uploadPartCopy({ ...ref, partNumber: 2, source: { bucket, key: 'none' } })).rejects.toMatchObject(
      {
        code: 'NotFound',
        detail: { entity: 'object' },
      },
    )
    await core.completeMultipartUpload({ ...ref, parts: [{ partNumber: 1, etag: part.etag }] })
    expect((await bytesOf(core.readObject({ bucket, key }).body)).toString()).toBe('2345')
    // No read is left holding the source: deleting it frees its bytes.
    await core.deleteObject(source)
    expect(core.ctx.bodies.heldBytes).toBe(4)
  })
})
