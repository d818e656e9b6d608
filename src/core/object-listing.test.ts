import { describe, expect, test } from 'vitest'
import { createCore } from './core.js'
import { compareKeys } from './key-order.js'
import { openStore } from './store.js'

const bucket = { accountId: 'acct', name: 'list' }

async function bucketWith(keys: string[]) {
  const core = createCore({ store: await openStore() })
  await core.createAccount({ id: 'acct', name: 'a', realm: 'test', regions: [{ id: 'r1' }] })
  await core.createBucket({ ...bucket, region: 'r1', uniqueIn: 'region' })
  for (const key of keys) await core.putObject({ bucket, key, body: (async function* () {})() })
  return core
}

// mulberry32, so that a failure names a seed that reproduces it.
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

// Letters, the delimiter, and code points whose UTF-16 and UTF-8 orders disagree.
const ALPHABET = ['a', 'b', '/', '-', 'é', '\uffef', '\u{1f600}', '\u{10000}']

function randomKeys(next: () => number, count: number): string[] {
  const keys = new Set<string>()
  while (keys.size < count) {
    const length = 1 + Math.floor(next() * 6)
    keys.add(Array.from({ length }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join(''))
  }
  return [...keys]
}

const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))

/** Every entry (key or common prefix) a listing shows, in order, computed the slow, obvious way. */
function oracle(keys: string[], q: { prefix: string; delimiter?: string; startAfter?: string }): string[] {
  const out: string[] = []
  for (const key of [...keys].sort(utf8Order)) {
    if (!key.startsWith(q.prefix)) continue
    if (q.startAfter !== undefined && utf8Order(key, q.startAfter) <= 0) continue
    const cut = q.delimiter ? key.indexOf(q.delimiter, q.prefix.length) : -1
    const entry = cut >= 0 ? `P:${key.slice(0, cut + (q.delimiter as string).length)}` : `K:${key}`
    if (out[out.length - 1] !== entry) out.push(entry)
  }
  return out
}

describe('listing objects (ListObjectsV2)', () => {
  test('compareKeys is UTF-8 byte order', () => {
    const next = random(7)
    const keys = randomKeys(next, 200)
    expect([...keys].sort(compareKeys)).toEqual([...keys].sort(utf8Order))
  })

  test.each([1, 2, 3, 4, 5])('pages agree with a brute-force oracle over random keys (seed %i)', async (seed) => {
    const next = random(seed)
    const keys = randomKeys(next, 120)
    const core = await bucketWith(keys)
    for (let round = 0; round < 12; round++) {
      const pick = () => ALPHABET[Math.floor(next() * ALPHABET.length)] as string
      const prefix = next() < 0.5 ? '' : pick()
      const delimiter = next() < 0.6 ? pick() : undefined
      const startAfter = next() < 0.3 ? pick() + pick() : undefined
      const maxKeys = 1 + Math.floor(next() * 9)
      const query = { prefix, ...(delimiter && { delimiter }), ...(startAfter && { startAfter }) }
      const seen: string[] = []
      let token: string | undefined
      for (let pages = 0; ; pages++) {
        expect(pages).toBeLessThan(200)
        const page = core.listObjects({ bucket, ...query, maxKeys, continuationToken: token })
        const entries = [...page.objects.map((o) => `K:${o.key}`), ...page.commonPrefixes.map((p) => `P:${p}`)]
        expect(entries.length).toBeLessThanOrEqual(maxKeys)
        seen.push(...entries.sort((a, b) => utf8Order(a.slice(2), b.slice(2))))
        if (!page.isTruncated) {
          expect(page.nextContinuationToken).toBeUndefined()
          break
        }
        expect(entries.length).toBe(maxKeys)
        token = page.nextContinuationToken
      }
      expect(seen, JSON.stringify({ seed, query, maxKeys })).toEqual(oracle(keys, query))
    }
  })

  test('max-keys defaults to and is capped at 1000; 0 lists nothing', async () => {
    const keys = Array.from({ length: 1001 }, (_, i) => `k${String(i).padStart(4, '0')}`)
    const core = await bucketWith(keys)
    const first = core.listObjects({ bucket })
    expect(first.objects).toHaveLength(1000)
    expect(first.isTruncated).toBe(true)
    expect(core.listObjects({ bucket, maxKeys: 5000 }).objects).toHaveLength(1000)
    const rest = core.listObjects({ bucket, continuationToken: first.nextContinuationToken })
    expect(rest.objects.map((o) => o.key)).toEqual(['k1000'])
    expect(core.listObjects({ bucket, maxKeys: 0 })).toEqual({ objects: [], commonPrefixes: [], isTruncated: false })
  })

  test('a continuation token it did not give is refused; the token wins over start-after', async () => {
    const core = await bucketWith(['a', 'b', 'c'])
    expect(() => core.listObjects({ bucket, continuationToken: 'bm9wZQ' })).toThrow(
      expect.objectContaining({
        code: 'InvalidInput',
        detail: expect.objectContaining({ reason: 'invalid-continuation-token' }),
      }),
    )
    const page = core.listObjects({ bucket, maxKeys: 1 })
    const rest = core.listObjects({ bucket, continuationToken: page.nextContinuationToken, startAfter: 'b' })
    expect(rest.objects.map((o) => o.key)).toEqual(['b', 'c'])
  })

  test('keys added and deleted between pages are neither skipped nor repeated when they existed throughout', async () => {
    const core = await bucketWith(['a', 'c', 'e', 'g'])
    const first = core.listObjects({ bucket, maxKeys: 2 })
    await core.deleteObject({ bucket, key: 'c' })
    await core.putObject({ bucket, key: 'b', body: (async function* () {})() })
    const rest = core.listObjects({ bucket, continuationToken: first.nextContinuationToken })
    expect([...first.objects, ...rest.objects].map((o) => o.key)).toEqual(['a', 'c', 'e', 'g'])
  })
})
