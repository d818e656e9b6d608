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
