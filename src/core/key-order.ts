// Object keys are listed in UTF-8 binary order, which is code point order. JavaScript compares
// strings by UTF-16 code unit, which disagrees only where a surrogate meets a unit of U+E000..U+FFFF:
// lifting surrogates above that range makes code unit order code point order.

const lifted = (unit: number): number => (unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit)

/**
 * Compare two keys in UTF-8 binary order (negative, zero or positive).
 *
 * @example compareKeys('a', '\u{1F600}') < 0 && compareKeys('\uFFFD', '\u{1F600}') < 0
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return lifted(x) - lifted(y)
  }
  return a.length - b.length
}

/** The first index of sorted `keys` whose key is not below `key` (`keys.length` if none). */
export function lowerBound(keys: readonly string[], key: string, from = 0): number {
  let lo = from
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareKeys(keys[mid] as string, key) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The first index of sorted `keys` whose key is above `key`. */
export function upperBound(keys: readonly string[], key: string, from = 0): number {
  const at = lowerBound(keys, key, from)
  return at < keys.length && keys[at] === key ? at + 1 : at
}

/** The first index of sorted `keys` at or after `from` whose key does not start with `prefix`. */
export function pastPrefix(keys: readonly string[], prefix: string, from = 0): number {
  // Keys with the prefix sort together, right at or after the prefix itself.
  let lo = lowerBound(keys, prefix, from)
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((keys[mid] as string).startsWith(prefix)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * A set of keys kept sorted: insert and delete by binary search, so a listing can start anywhere
 * without sorting a bucket.
 */
export class SortedKeys {
  constructor(readonly keys: string[] = []) {}

  /** Sorted keys from unsorted ones, in one sort. */
  static of(keys: string[]): SortedKeys {
    return new SortedKeys(keys.sort(compareKeys))
  }

  add(key: string): void {
    const at = lowerBound(this.keys, key)
    if (this.keys[at] !== key) this.keys.splice(at, 0, key)
  }

  delete(key: string): void {
    const at = lowerBound(this.keys, key)
    if (this.keys[at] === key) this.keys.splice(at, 1)
  }

  get size(): number {
    return this.keys.length
  }
}
