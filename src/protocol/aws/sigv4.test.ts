import { createHash } from 'node:crypto'
import { Hash } from '@smithy/hash-node'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import { describe, expect, test } from 'vitest'
import { prng } from '../../../test/fuzz/engine.js'
import type { WireRequest } from '../route.js'
import { readSigV4, verifySigV4 } from './sigv4.js'

// The verifier is written for the server; @smithy/signature-v4, the signer inside the AWS SDKs, is
// the oracle it is proven against. Requests are generated from a seeded PRNG, so a failure repeats.

type Rng = () => number
const int = (rng: Rng, n: number) => Math.floor(rng() * n)
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)] as T
const chance = (rng: Rng, p: number) => rng() < p

const SERVICES = ['iam', 'sts', 'lightsail', 'execute-api', 's3'] as const
const REGIONS = ['us-east-1', 'eu-west-3', 'ap-southeast-2', 'cn-north-1', 'us-gov-west-1']
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH']
const SECRETS = ['test', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'a+b/c=d', 'ünïcødé-secret', 'x'.repeat(64)]
// Reserved, unicode and plain pieces for names, values and path segments.
const PIECES = [
  'a',
  'Key9',
  'bob',
  '-_.~',
  ' ',
  '!',
  '$',
  '&',
  "'",
  '(',
  ')',
  '*',
  '+',
  ',',
  ';',
  '=',
  ':',
  '@',
  '%',
  '?',
  '#',
  '[',
  ']',
  '/',
  'é',
  '日本',
  '😀',
  'ß',
  '\u00a0',
]
// Header values travel as bytes: printable ASCII with runs of spaces and tabs to fold.
const HEADER_PIECES = ['v1', 'Value', ',', ', ', '  ', '\t', ' \t ', 'a=b', ';', '"q"', '/', '9']

const text = (rng: Rng, pieces: readonly string[], min: number, max: number) =>
  Array.from({ length: min + int(rng, max - min + 1) }, () => pick(rng, pieces)).join('')

// Clients differ in which sub-delimiters they leave raw; the URL parser keeps them either way.
const strict = (s: string) => encodeURIComponent(s)
const leaveRaw = (raw: RegExp) => (s: string) => encodeURIComponent(s).replace(raw, (m) => decodeURIComponent(m))
const loosePath = leaveRaw(/%(21|24|26|27|28|29|2A|2B|2C|3A|3B|3D|40)/g)
// In a query string, & = + and # keep their meaning, so even loose clients encode them.
const looseQuery = leaveRaw(/%(21|24|27|28|29|2A|2C|3A|3B|40)/g)

interface Case {
  service: (typeof SERVICES)[number]
  region: string
  secret: string
  method: string
  /** The path as the client sends it: already percent-encoded. */
  path: string
  query: Record<string, string | string[]>
  headers: Record<string, string>
  body: Buffer
  signingDate: Date
  presign?: { expiresIn: number }
  applyChecksum: boolean
  sessionToken?: string
}

function generatePath(rng: Rng, s3: boolean): string {
  const encode = chance(rng, 0.5) ? strict : loosePath
  if (s3) {
    // Keys keep their slashes; dot segments stay out, as the URL parser would resolve them.
    const key = Array.from({ length: 1 + int(rng, 3) }, () => encode(text(rng, PIECES.slice(0, -6), 0, 3))).join('/')
    const path = `/bucket-${int(rng, 9)}/${key}`
    return /\/\.{1,2}(\/|$)/.test(path) ? `/bucket/${encode('k')}` : path
  }
  const count = int(rng, 5)
  const segments: string[] = []
  for (let i = 0; i < count; i++) {
    // Dot and empty segments anywhere but last, where the SDK drops a trailing slash the URL parser
    // keeps; and no '..' after an empty segment: the URL parser pops the empty one, the SDK the one before.
    const inner = i < count - 1 && chance(rng, 0.2)
    const dots = segments[i - 1] === '' ? ['.', ''] : ['.', '..', '']
    segments.push(inner ? pick(rng, dots) : encode(text(rng, PIECES, 1, 3)))
  }
  return `/${segments.join('/')}${count > 0 && chance(rng, 0.3) ? '/' : ''}`
}

function generateQuery(rng: Rng): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {}
  for (let n = int(rng, 5); n > 0; n--) {
    const name = text(rng, PIECES, 1, 3)
    if (name.toLowerCase().startsWith('x-amz-')) continue
    const value = () => (chance(rng, 0.2) ? '' : text(rng, PIECES, 1, 4))
    query[name] = chance(rng, 0.3) ? Array.from({ length: 2 + int(rng, 2) }, value) : value()
  }
  return query
}

function generateCase(rng: Rng): Case {
  const service = pick(rng, SERVICES)
  const method = pick(rng, METHODS)
  const headers: Record<string, string> = { host: pick(rng, ['127.0.0.1:4599', 'iam.amazonaws.com', 'localhost:8080']) }
  if (chance(rng, 0.5)) headers['content-type'] = pick(rng, ['application/x-www-form-urlencoded', 'text/plain'])
  if (chance(rng, 0.3)) headers['x-amz-target'] = 'Lightsail_20161128.GetBucketAccessKeys'
  for (let n = int(rng, 3); n > 0; n--) {
    // A header sent more than once arrives joined with commas.
    const values = Array.from({ length: 1 + int(rng, 3) }, () => text(rng, HEADER_PIECES, 1, 4))
    headers[pick(rng, ['x-amz-meta-color', 'x-custom', 'x-amz-meta-Multi', 'accept'])] = values.join(', ')
  }
  const hasBody = method !== 'GET' && method !== 'HEAD'
  const body = !hasBody
    ? Buffer.alloc(0)
    : chance(rng, 0.5)
      ? Buffer.from(text(rng, PIECES, 0, 8))
      : Buffer.from(Array.from({ length: int(rng, 48) }, () => int(rng, 256)))
  const presign = chance(rng, 0.4) ? { expiresIn: 1 + int(rng, 604_800) } : undefined
  if (!presign && chance(rng, 0.2)) headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD'
  // The S3 presigner signs UNSIGNED-PAYLOAD and hoists the header into the URL.
  if (presign && service === 's3') headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD'
  if (presign && service !== 's3' && chance(rng, 0.3)) headers['x-amz-content-sha256'] = sha256(body)
  return {
    service,
    region: pick(rng, REGIONS),
    secret: pick(rng, SECRETS),
    method,
    path: generatePath(rng, service === 's3'),
    query: generateQuery(rng),
    headers,
    body,
    signingDate: new Date(Date.UTC(2015, 0, 1) + int(rng, 20 * 365) * 86_400_000 + int(rng, 86_400) * 1000),
    ...(presign && { presign }),
    applyChecksum: chance(rng, 0.7),
    ...(chance(rng, 0.1) && { sessionToken: `token/${int(rng, 1000)}+=` }),
  }
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')

/** Sign with the SDK's signer and turn the result into the WireRequest an adapter would hand over. */
async function signWithSmithy(c: Case, rng: Rng, options: { uriEscapePath?: boolean } = {}): Promise<WireRequest> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: c.secret, sessionToken: c.sessionToken },
    region: c.region,
    service: c.service,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: options.uriEscapePath ?? c.service !== 's3',
    applyChecksum: c.applyChecksum,
  })
  const request = new HttpRequest({
    method: c.method,
    protocol: 'http:',
    hostname: 'unused',
    path: c.path,
    query: structuredClone(c.query),
    headers: { ...c.headers },
    body: c.body,
  })
  const signed = c.presign
    ? await signer.presign(request, {
        signingDate: c.signingDate,
        expiresIn: c.presign.expiresIn,
        ...(c.service === 's3' && { unsignableHeaders: new Set(['content-type']) }),
      })
    : await signer.sign(request, { signingDate: c.signingDate })
  const encode = chance(rng, 0.5) ? strict : looseQuery
  const pairs: string[] = []
  for (const [name, values] of Object.entries(signed.query ?? {})) {
    for (const value of [values ?? ''].flat()) pairs.push(`${encode(name)}=${encode(value)}`)
  }
  const search = chance(rng, 0.3)
    ? new URLSearchParams(pairs.map((p) => p.split('=').map(decodeURIComponent) as [string, string])).toString()
    : pairs.join('&')
  const headers: Record<string, string> = { 'user-agent': 'aws-sdk-js/3 (unsigned)' }
  // The HTTP parser drops the spaces and tabs around a header value.
  for (const [name, value] of Object.entries(signed.headers))
    headers[name.toLowerCase()] = value.replace(/^[ \t]+|[ \t]+$/g, '')
  return {
    method: c.method,
    // As the adapters build it: the origin, then the request target as sent.
    url: new URL(`http://${c.headers.host}${signed.path}${search ? `?${search}` : ''}`),
    headers,
    body: c.body,
  }
}

async function verifies(req: WireRequest, secret: string): Promise<boolean> {
  const claim = readSigV4(req)
  return typeof claim === 'object' && (await verifySigV4(req, claim, secret))
}

// One character changed so the request means something else: a digit or letter becomes the next
// (skipping what only differs in case, which a percent-escape would not notice).
const ALNUM = /[0-9A-Za-z]/g
const HEX = '0123456789abcdef'
function bump(ch: string): string {
  if (/[0-9]/.test(ch)) return String((Number(ch) + 1) % 10)
  const base = ch === ch.toLowerCase() ? 97 : 65
  return String.fromCharCode(((ch.toLowerCase().charCodeAt(0) - 97 + 1) % 26) + base)
}
function tamperText(s: string, rng: Rng): string | undefined {
  const spots = [...s.matchAll(ALNUM)].map((m) => m.index)
  if (spots.length === 0) return undefined
  const at = pick(rng, spots)
  return s.slice(0, at) + bump(s[at] as string) + s.slice(at + 1)
}

type Tamper = 'signature' | 'header' | 'path' | 'query' | 'body' | 'date'

function tamperings(req: WireRequest, rng: Rng): [Tamper, WireRequest][] {
  const claim = readSigV4(req)
  if (typeof claim !== 'object') throw new Error('the signed request carries no claim')
  const out: [Tamper, WireRequest][] = []
  const withUrl = (edit: (url: URL) => void) => {
    const url = new URL(req.url)
    edit(url)
    return { ...req, url }
  }
  const withHeader = (name: string, value: string) => ({ ...req, headers: { ...req.headers, [name]: value } })
  const presigned = claim.expiresIn !== undefined

  const at = int(rng, 64)
  const signature =
    claim.signature.slice(0, at) +
    HEX[(HEX.indexOf(claim.signature[at] as string) + 1) % 16] +
    claim.signature.slice(at + 1)
  out.push([
    'signature',
    presigned
      ? withUrl((url) => url.searchParams.set('X-Amz-Signature', signature))
      : withHeader('authorization', (req.headers.authorization as string).replace(claim.signature, signature)),
  ])
  const name = pick(rng, claim.signedHeaders)
  const value = tamperText(req.headers[name] ?? '', rng)
  if (value !== undefined) out.push(['header', withHeader(name, value)])
  const path = tamperText(req.url.pathname, rng)
  if (path !== undefined) out.push(['path', withUrl((url) => (url.pathname = path))])
  const search = tamperText(req.url.search, rng)
  if (search !== undefined) out.push(['query', withUrl((url) => (url.search = search))])
  const covered = !/UNSIGNED-PAYLOAD/.test(`${req.headers['x-amz-content-sha256']} ${req.url.search}`)
  if (covered) {
    const body = Buffer.from(req.body.length === 0 ? 'x' : req.body)
    const i = int(rng, body.length)
    if (req.body.length > 0) body[i] = (body[i] as number) ^ (1 << int(rng, 8))
    out.push(['body', { ...req, body }])
  }
  const date = tamperText(claim.amzDate, rng) as string
  out.push([
    'date',
    presigned ? withUrl((url) => url.searchParams.set('X-Amz-Date', date)) : withHeader('x-amz-date', date),
  ])
  return out
}

describe('verifySigV4 agrees with @smithy/signature-v4', () => {
  test('accepts 2,000 generated requests the SDK signed and rejects every single-character tamper of each', async () => {
    const rng = prng(13)
    const failures: string[] = []
    const forms = new Map<string, number>()
    const tampered = new Map<Tamper, number>()
    for (let i = 0; i < 2000; i++) {
      const c = generateCase(rng)
      const req = await signWithSmithy(c, rng)
      const form = `${c.service === 's3' ? 's3' : 'other'} ${c.presign ? 'presigned' : 'header'}`
      forms.set(form, (forms.get(form) ?? 0) + 1)
      if (!(await verifies(req, c.secret))) failures.push(`#${i} rejected: ${c.method} ${req.url.href}`)
      for (const [kind, bad] of tamperings(req, rng)) {
        tampered.set(kind, (tampered.get(kind) ?? 0) + 1)
        if (await verifies(bad, c.secret)) failures.push(`#${i} accepted a ${kind} tamper: ${c.method} ${bad.url.href}`)
      }
    }
    expect(failures.slice(0, 5)).toEqual([])
    // Every form and every kind of tamper was tried many times, so the loop above could fail.
    for (const form of ['s3 header', 's3 presigned', 'other header', 'other presigned']) {
      expect(forms.get(form), form).toBeGreaterThan(100)
    }
    for (const kind of ['signature', 'header', 'path', 'query', 'body', 'date'] as const) {
      expect(tampered.get(kind), kind).toBeGreaterThan(1000)
    }
  }, 60_000) // about 2 s alone; the bound is for a machine busy with other suites

  test('takes the path encoding from the credential scope: once for s3, twice for other services', async () => {
    const rng = prng(1)
    const base = { ...generateCase(rng), path: '/a%20b/c%2Fd', query: {}, presign: undefined }
    const other = { ...base, service: 'execute-api' as const }
    const s3 = { ...base, service: 's3' as const }
    expect(await verifies(await signWithSmithy(other, rng), base.secret)).toBe(true)
    expect(await verifies(await signWithSmithy(s3, rng), base.secret)).toBe(true)
    // The same requests signed with the other service's path rule do not verify.
    expect(await verifies(await signWithSmithy(other, rng, { uriEscapePath: false }), base.secret)).toBe(false)
    expect(await verifies(await signWithSmithy(s3, rng, { uriEscapePath: true }), base.secret)).toBe(false)
  })

  test('takes an S3 presigned URL without X-Amz-Content-Sha256 as signing UNSIGNED-PAYLOAD', async () => {
    const rng = prng(2)
    const c: Case = {
      ...generateCase(rng),
      service: 's3',
      method: 'PUT',
      path: '/bucket/key',
      body: Buffer.from('object body'),
      presign: { expiresIn: 900 },
      headers: { host: 'localhost:4599', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    }
    // Other S3 clients neither hoist nor sign the header; it only names the payload hash.
    const signer = new SignatureV4({
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: c.secret },
      region: c.region,
      service: 's3',
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: false,
    })
    const signed = await signer.presign(new HttpRequest({ ...c, protocol: 'http:', hostname: 'localhost' }), {
      signingDate: c.signingDate,
      expiresIn: 900,
      unhoistableHeaders: new Set(['x-amz-content-sha256']),
      unsignableHeaders: new Set(['x-amz-content-sha256']),
    })
    const search = new URLSearchParams(signed.query as Record<string, string>).toString()
    const req: WireRequest = {
      method: 'PUT',
      url: new URL(`http://localhost:4599/bucket/key?${search}`),
      headers: { host: 'localhost:4599' },
      body: c.body,
    }
    expect(search).not.toMatch(/content-sha256/i)
    expect(await verifies(req, c.secret)).toBe(true)
    expect(await verifies({ ...req, body: Buffer.from('other body') }, c.secret)).toBe(true)
  })

  test('refuses the STREAMING-* payload forms, which only the S3 data plane will serve', async () => {
    const rng = prng(3)
    for (const hash of ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER']) {
      const c: Case = { ...generateCase(rng), service: 's3', method: 'PUT', presign: undefined }
      c.headers = { ...c.headers, 'x-amz-content-sha256': hash }
      const req = await signWithSmithy(c, rng)
      expect(req.headers['x-amz-content-sha256']).toBe(hash)
      expect(await verifies(req, c.secret)).toBe(false)
    }
  })

  test('refuses a presigned URL valid for more than seven days, as AWS does', async () => {
    const rng = prng(4)
    const c: Case = { ...generateCase(rng), service: 'iam', presign: { expiresIn: 604_800 } }
    const req = await signWithSmithy(c, rng)
    expect(await verifies(req, c.secret)).toBe(true)
    const claim = readSigV4(req)
    if (typeof claim !== 'object') throw new Error('no claim')
    expect(await verifySigV4(req, { ...claim, expiresIn: 604_801 }, c.secret)).toBe(false)
  })

  test('keeps verifying while more signing keys are in use than it caches', async () => {
    const rng = prng(5)
    const base: Case = { ...generateCase(rng), service: 'iam', presign: undefined }
    const cases = Array.from({ length: 1100 }, (_, i) => ({ ...base, secret: `secret-${i}` }))
    const signed = await Promise.all(cases.map((c) => signWithSmithy(c, rng)))
    let accepted = 0
    let acceptedWithAnotherSecret = 0
    for (const [i, req] of signed.entries()) {
      if (await verifies(req, `secret-${i}`)) accepted++
      if (await verifies(req, `secret-${(i + 1) % cases.length}`)) acceptedWithAnotherSecret++
    }
    expect(accepted).toBe(cases.length)
    expect(acceptedWithAnotherSecret).toBe(0)
  })
})
