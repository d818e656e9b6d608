import { parseArgs } from 'node:util'
import { createEmulator } from '../../src/emulator.js'
import { signRequest } from '../support/aws-signing.js'
import { type CaseResult, type Draft, runCases } from './engine.js'
import { PATHS, targets } from './targets.js'

// `npm run fuzz -- --seed 7 --count 5000 [--dialect iam]`: the test suite's fuzzer, run longer,
// against a real port, with a table per dialect. Exits 1 when any answer broke an invariant.

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    count: { type: 'string', default: '2000' },
    dialect: { type: 'string' },
  },
})
const seed = Number(values.seed)
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' }
const JSON_TYPE = { 'content-type': 'application/json' }
const bytes = (text: string) => new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>
const count = Number(values.count)

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))] ?? 0
const row = (cells: (string | number)[]) =>
  cells.map((c, i) => String(c)[i === 0 ? 'padEnd' : 'padStart'](i === 0 ? 10 : 8)).join(' ')

function summary(dialect: string, results: CaseResult[]): string {
  const by = (lo: number, hi: number) => results.filter((r) => r.status >= lo && r.status < hi).length
  const ms = results.map((r) => r.ms)
  return row([
    dialect,
    results.length,
    by(200, 300),
    by(400, 500),
    by(500, 600),
    results.filter((r) => r.violations.length > 0).length,
    Math.max(...results.map((r) => r.bytes)),
    quantile(ms, 0.5).toFixed(1),
    quantile(ms, 0.99).toFixed(1),
    Math.max(...ms).toFixed(1),
  ])
}

const emulator = await createEmulator()
const url = await emulator.listen(0)
console.log(`keyemu fuzz: seed ${seed}, ${count} requests per dialect, against ${url}`)
console.log(row(['dialect', 'requests', '2xx', '4xx', '5xx', 'broken', 'maxbytes', 'p50 ms', 'p99 ms', 'max ms']))
let broken = 0
for (const target of targets.filter((t) => !values.dialect || t.dialect === values.dialect)) {
  const results = await runCases(
    target,
    url,
    () => emulator.store.snapshot(),
    PATHS[target.dialect] ?? ['/'],
    seed,
    count,
  )
  console.log(summary(target.dialect, results))
  for (const r of results.filter((x) => x.violations.length > 0).slice(0, 10)) {
    console.log(
      `  #${r.index} ${r.method} ${r.path} ${JSON.stringify(r.fuzzCase)} → ${r.status}: ${r.violations.join('; ')}`,
    )
  }
  broken += results.filter((r) => r.violations.length > 0).length
}

// The heaviest requests a client can send without breaking the 1 MiB limit: each must still be
// answered within a fraction of a second, signed or not.
const LIMIT = 1024 * 1024 - 1024
const fill = (unit: (i: number) => string) => {
  const parts: string[] = []
  let size = 0
  for (let i = 0; size < LIMIT; i++) {
    const part = unit(i)
    parts.push(part)
    size += part.length + 1
  }
  return parts
}
const manyParams = `Action=CreateUser&Version=2010-05-08&${fill((i) => `P${i}=v`).join('&')}`.slice(0, LIMIT)
const manyMembers =
  `Action=CreateUser&Version=2010-05-08&UserName=u&${fill((i) => `Tags.member.${(i % 1000) + 1}.Key=k`).join('&')}`.slice(
    0,
    LIMIT,
  )
const heavy: { name: string; draft: Draft; credential?: string }[] = [
  {
    name: 'iam form, many params, unsigned',
    draft: { method: 'POST', path: '/', headers: FORM_TYPE, raw: bytes(manyParams) },
    credential: 'no-signature',
  },
  {
    name: 'iam form, many params, signed',
    draft: { method: 'POST', path: '/', headers: FORM_TYPE, raw: bytes(manyParams) },
  },
  {
    name: 'iam form, many list members, signed',
    draft: { method: 'POST', path: '/', headers: FORM_TYPE, raw: bytes(manyMembers) },
  },
  {
    name: 'lightsail json, many members, signed',
    draft: {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Lightsail_20161128.CreateBucket' },
      raw: bytes(`{${fill((i) => `"m${i}":${i}`).join(',')}}`.slice(0, LIMIT)),
    },
  },
  {
    name: 'linode json, deep nesting',
    draft: { method: 'POST', path: '/v4/object-storage/keys', headers: JSON_TYPE, raw: bytes('['.repeat(LIMIT)) },
  },
  {
    name: 'linode json, many bucket_access entries',
    draft: {
      method: 'POST',
      path: '/v4/object-storage/keys',
      headers: JSON_TYPE,
      raw: bytes(
        `${`{"label":"heavy","bucket_access":[${fill(() => '{"region":"x","bucket_name":1}').join(',')}`.slice(0, LIMIT - 2)}]}`,
      ),
    },
  },
]
console.log('\nheaviest requests (1 MiB bodies):')
for (const { name, draft, credential } of heavy) {
  // Signed (or given its token) first, so that only the server's work is timed.
  const body = draft.raw as Uint8Array<ArrayBuffer>
  const service = name.split(' ')[0] as string
  const prepared =
    service === 'linode'
      ? {
          href: `${url}${draft.path}`,
          init: { method: draft.method, headers: { ...draft.headers, authorization: 'Bearer keyemu-linode-token' } },
        }
      : await signRequest(`${url}${draft.path}`, { service, method: draft.method, headers: draft.headers, body })
  const headers = new Headers(prepared.init.headers)
  if (credential === 'no-signature') headers.delete('authorization')
  const started = performance.now()
  const res = await fetch(prepared.href, { method: draft.method, headers, body })
  const answer = await res.arrayBuffer()
  const ms = (performance.now() - started).toFixed(1)
  console.log(
    `  ${name.padEnd(42)} ${String(res.status).padStart(4)} ${ms.padStart(8)} ms ${String(answer.byteLength).padStart(7)} bytes`,
  )
}
await emulator.close()
process.exit(broken > 0 ? 1 : 0)
