import { describe, expect, test } from 'vitest'
import { NonceCache } from './hmac-headers.js'

describe('NonceCache', () => {
  test('refuses a nonce seen within the window and forgets it after', () => {
    const cache = new NonceCache(1000)
    expect(cache.claim('a', 0, 0)).toBe(true)
    expect(cache.claim('a', 0, 500)).toBe(false)
    expect(cache.claim('b', 1500, 1500)).toBe(true)
    expect(cache.claim('a', 1500, 1500)).toBe(true)
  })

  test('stays within its capacity, refusing what it can no longer check rather than letting it replay', () => {
    const cache = new NonceCache(60_000, 3)
    for (const [i, nonce] of ['n1', 'n2', 'n3', 'n4'].entries()) expect(cache.claim(nonce, 100 + i, 200)).toBe(true)
    // n1 was forgotten to make room: anything signed no later than it is refused from now on.
    expect(cache.claim('n1', 100, 200)).toBe(false)
    expect(cache.claim('fresh', 100, 200)).toBe(false)
    expect(cache.claim('fresh', 150, 200)).toBe(true)
    expect(cache.size).toBe(3)
  })
})
