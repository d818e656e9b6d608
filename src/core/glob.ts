// Glob matching for policy patterns, with bounded caches of compiled patterns.

/** `${*}`, `${?}` and `${$}`: the policy-variable escapes for literal wildcard characters. */
export const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' }

/**
 * Glob match where `*` is any run of characters (including `:` and `/`) and `?` is one character;
 * `${*}`, `${?}` and `${$}` stand for the literal characters.
 *
 * @example
 * matchesPattern('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b.txt', false) // true
 */
export function matchesPattern(pattern: string, value: string, ignoreCase: boolean): boolean {
  if (pattern === '*') return true
  if (!/[*?$]/.test(pattern)) return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value
  const key = (ignoreCase ? 'i' : 's') + pattern
  let regex = globCache.get(key)
  if (!regex) {
    regex = new RegExp(`^${globSource(pattern)}$`, ignoreCase ? 'is' : 's')
    remember(globCache, key, regex)
  }
  return regex.test(value)
}

const MAX_CACHED = 1000
const globCache = new Map<string, RegExp>()

/** Keep `value` in a cache of at most 1000 entries, dropping the oldest first. */
export function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= MAX_CACHED) {
    const oldest = cache.keys().next()
    if (!oldest.done) cache.delete(oldest.value)
  }
  cache.set(key, value)
}

function globSource(pattern: string): string {
  let out = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '$' && pattern[i + 1] === '{' && pattern[i + 3] === '}' && (pattern[i + 2] as string) in ESCAPES) {
      out += escapeRegex(pattern[i + 2] as string)
      i += 3
    } else if (ch === '*') out += '.*'
    else if (ch === '?') out += '.'
    else out += escapeRegex(ch)
  }
  return out
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
