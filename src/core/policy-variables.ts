import type { ContextValue } from './evaluator.js'
import { ESCAPES } from './glob.js'

// Policy variables (`${aws:username}`) are filled from the request's condition context.

/** A request as the evaluator reads it. */
export interface Prepared {
  action: string
  resource: string
  raw: Record<string, ContextValue> | (() => Record<string, ContextValue>) | undefined
  /** Lower-cased keys, built on first use: most statements never look at the context. */
  context: Map<string, string[]> | undefined
}

/**
 * Replace `${key}` and `${key, 'default'}` from the request context. In glob form the result keeps the
 * escapes (and escapes substituted values) so wildcards in a user name stay literal. A variable with
 * no value and no default makes the whole string unusable, which never matches.
 */
export function substitute(text: string, req: Prepared, glob: boolean): string | undefined {
  let missing = false
  const out = text.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    if (inner in ESCAPES) return glob ? whole : (ESCAPES[inner] as string)
    const m = /^\s*([^,\s]+)\s*(?:,\s*'([^']*)'\s*)?$/.exec(inner)
    if (!m) return whole
    const values = contextOf(req).get((m[1] as string).toLowerCase())
    const value = values?.length === 1 ? values[0] : m[2]
    if (value === undefined) {
      missing = true
      return ''
    }
    return glob ? value.replace(/[*?$]/g, (ch) => `\${${ch}}`) : value
  })
  return missing ? undefined : out
}

export function contextOf(req: Prepared): Map<string, string[]> {
  if (req.context) return req.context
  const map = new Map<string, string[]>()
  const raw = typeof req.raw === 'function' ? req.raw() : req.raw
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (value === undefined) continue
    const values = typeof value === 'string' ? [value] : value
    // An empty set behaves like a missing key for every operator (Null, IfExists and the set qualifiers agree).
    if (values.length > 0) map.set(key.toLowerCase(), values)
  }
  req.context = map
  return map
}
