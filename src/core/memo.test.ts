import { describe, expect, test } from 'vitest'
import { boundedCache, memoByIdentity } from './memo.js'

describe('memo', () => {
  test('memoByIdentity derives once per object, again for another object', () => {
    let made = 0
    const lengthOf = memoByIdentity((xs: readonly number[]) => {
      made++
      return xs.length
    })
    const xs = Object.freeze([1, 2])
    expect([lengthOf(xs), lengthOf(xs), lengthOf([1])]).toEqual([2, 2, 1])
    expect(made).toBe(2)
  })

  test('boundedCache makes a value once per key and holds no more than its limit', () => {
    const made: string[] = []
    const cache = boundedCache<string>(2)
    const get = (key: string) =>
      cache(key, () => {
        made.push(key)
        return key.toUpperCase()
      })
    expect([get('a'), get('a'), get('b')]).toEqual(['A', 'A', 'B'])
    expect(made).toEqual(['a', 'b'])
    get('c') // full: emptied, then holds c alone
    get('a')
    get('c')
    expect(made).toEqual(['a', 'b', 'c', 'a'])
  })
})
