/**
 * `fn` remembered per argument object: for what is derived from stored entities, which are frozen and
 * keep their identity between requests, so each is derived once. Not for objects that change.
 *
 * @example const policyOf = memoByIdentity((scope: KeyScope) => scopePolicy(scope))
 */
export function memoByIdentity<K extends object, V>(fn: (key: K) => V): (key: K) => V {
  const memo = new WeakMap<K, V>()
  return (key) => {
    if (memo.has(key)) return memo.get(key) as V
    const value = fn(key)
    memo.set(key, value)
    return value
  }
}

/**
 * A cache by string of at most `limit` values, emptied whole when full: for what clients name (texts,
 * hosts, user ids), so that memory stays bounded whatever they send.
 *
 * @example const origins = boundedCache<string>(64); origins(host, () => parseOrigin(host))
 */
export function boundedCache<V>(limit: number): (key: string, make: () => V) => V {
  const held = new Map<string, V>()
  return (key, make) => {
    if (held.has(key)) return held.get(key) as V
    const value = make()
    if (held.size >= limit) held.clear()
    held.set(key, value)
    return value
  }
}
