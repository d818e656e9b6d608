import { randomUUID } from 'node:crypto'
import { customAlphabet, customRandom } from 'nanoid'

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
// Modern AWS key ids use the base32 alphabet.
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const SECRET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const DIGITS = '0123456789'

type Alphabet = 'upper-alnum' | 'base32' | 'secret' | 'base62' | 'digits'
const alphabets: Record<Alphabet, string> = {
  'upper-alnum': UPPER_ALNUM,
  base32: BASE32,
  secret: SECRET,
  base62: BASE62,
  digits: DIGITS,
}

/** The one source of identifiers and secrets; inject a seeded one to make tests deterministic. */
export interface Ids {
  /** `length` characters of `alphabet` after `prefix`: `token('AKIA', 16, 'base32')`. */
  token(prefix: string, length: number, alphabet: Alphabet): string
  uuid(): string
}

/**
 * Ids from nanoid's cryptographic random source, or from a seeded generator when `seed` is given.
 *
 * @example createIds().token('AKIA', 16, 'base32') // 'AKIAQ3EGUXYZ...'
 */
export function createIds(seed?: number): Ids {
  const random = seed === undefined ? undefined : seededBytes(seed)
  const makers = new Map<string, () => string>()
  const maker = (alphabet: Alphabet, length: number) => {
    const k = `${alphabet}:${length}`
    let m = makers.get(k)
    if (!m) {
      m = random ? customRandom(alphabets[alphabet], length, random) : customAlphabet(alphabets[alphabet], length)
      makers.set(k, m)
    }
    return m
  }
  return {
    token: (prefix, length, alphabet) => prefix + maker(alphabet, length)(),
    uuid: () => {
      if (!random) return randomUUID()
      const h = maker('upper-alnum', 32)()
      const hex = [...h].map((c) => (c.charCodeAt(0) % 16).toString(16)).join('')
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
    },
  }
}

// mulberry32: small, fast and good enough for test ids.
function seededBytes(seed: number): (size: number) => Uint8Array {
  let a = seed >>> 0
  return (size) => {
    const out = new Uint8Array(size)
    for (let i = 0; i < size; i++) {
      a = (a + 0x6d2b79f5) >>> 0
      let t = a
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff
    }
    return out
  }
}
