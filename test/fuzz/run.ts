import { parseArgs } from 'node:util'
import { createEmulator } from '../../src/emulator.js'
import { type CaseResult, runCases } from './engine.js'
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
await emulator.close()
process.exit(broken > 0 ? 1 : 0)
