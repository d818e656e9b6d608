import { cpus, loadavg } from 'node:os'
import { forkScript, startKeyemu, stop } from './children.js'
import { type ColdStart, coldStart, warmClient } from './cold-start.js'
import { LOAD, type LoadFigures, measure } from './load.js'
import { scale } from './scale.js'
import { listAccessKeysRequests, scenarios } from './scenarios.js'
import { checkSigners } from './sigv4.js'

const COLD_STARTS = 5
const TARGET = {
  listVsExpress: 0.7,
  coldStartMs: 150,
  rssMb: 80,
  scaleRatio: 1.5,
  seedMs: 2000,
  dataCreateMs: 2,
  mswRatio: 1.2,
  createHandlersMs: 5,
}
const MOTO = { listAccessKeysRps: 890, firstAnswerMs: 500 }

const STEADY_SECONDS = 20
const SEMI_SPACE_CAP = '--max-semi-space-size=1'

interface SteadyFigures {
  seconds: number
  cycles: number
  kbPerMinute: number
  heapFirstMb: number
  heapLastMb: number
}

interface MswFigures {
  createHandlersMedianMs: number
  calls: { id: string; name: string; keyemuMedianMs: number; staticMedianMs: number }[]
  callsEach: number
}

/** The calls the in-process child measures (its arguments). */
const MSW_CALLS = ['iam', 's3']

/**
 * `--only <text>`: just the load rows whose name contains it (and the in-process call of that
 * dialect), with the ceilings, for checking a few rows without the whole run.
 */
function onlyArg(): string | undefined {
  const at = process.argv.indexOf('--only')
  if (at === -1) return undefined
  const text = process.argv[at + 1]
  if (!text) throw new Error('--only needs the text a row name contains, e.g. --only s3')
  return text
}

interface DataFigures {
  keys: number
  creates: number
  medianMs: number
  p90Ms: number
  plainJsonAfterStop: boolean
}

interface MemoryFigures {
  users: number
  keys: number
  createMs: number
  gcExposed: boolean
  idleRssMb: number
  idleHeapUsedMb: number
  rssMb: number
  heapUsedMb: number
}

// Every phase is bounded; this only catches a hung child or socket.
const watchdog = setTimeout(() => {
  console.error('bench: gave up after 5 minutes')
  process.exit(1)
}, 300_000)
watchdog.unref()

const fix = (n: number, digits = 0) => n.toFixed(digits)
const pad = (s: string, n: number) => s.padEnd(n)
const lpad = (s: string, n: number) => s.padStart(n)
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
}
const mark = (ok: boolean) => (ok ? 'PASS' : 'MISS')

function row(name: string, f: LoadFigures, ceilings?: { http: number; express: number }): string {
  const cells = [
    pad(name, 38),
    lpad(fix(f.rps), 8),
    lpad(fix(f.p50), 7),
    lpad(fix(f.p99), 7),
    lpad(String(f.non2xx), 6),
    lpad(String(f.errors), 6),
    lpad(ceilings ? fix(f.rps / ceilings.http, 2) : '', 7),
    lpad(ceilings ? fix(f.rps / ceilings.express, 2) : '', 9),
  ]
  return cells.join(' ')
}

async function ceiling(kind: 'http' | 'express'): Promise<LoadFigures> {
  const { child, message } = await forkScript<{ port: number }>('./servers.js', [kind])
  try {
    const host = `127.0.0.1:${message.port}`
    // The same signed POSTs keyemu gets, so request size and parsing are alike.
    return await measure(`http://${host}`, () => listAccessKeysRequests(host))
  } finally {
    await stop(child)
  }
}

type Result = { name: string; figures: LoadFigures; note?: string }
type MswRow = MswFigures['calls'][number] & { ratio: number }

function printTable(
  http: LoadFigures,
  express: LoadFigures,
  results: Result[],
  ceilings: { http: number; express: number },
): void {
  const header = [
    pad('scenario', 38),
    lpad('req/s', 8),
    lpad('p50 ms', 7),
    lpad('p99 ms', 7),
    lpad('non2xx', 6),
    lpad('errors', 6),
    lpad('×http', 7),
    lpad('×express', 9),
  ].join(' ')
  console.log(header)
  console.log('-'.repeat(header.length))
  console.log(row('ceiling: bare node:http (constant 200)', http))
  console.log(row('ceiling: bare Express 5 (constant)', express))
  for (const r of results) console.log(row(r.name, r.figures, ceilings))
  console.log()
  console.log('  latencies come from autocannon at 1 ms resolution')
  for (const r of results) if (r.note) console.log(`  ${r.name}: ${r.note}`)
}

function printMsw(msw: MswFigures & { loadAverage: number }, rows: MswRow[]): void {
  console.log(`\nin-process MSW (${msw.callsEach} calls each, alternating blocks; load ${msw.loadAverage}):`)
  for (const r of rows) {
    console.log(
      `  ${r.name}: keyemu/msw ${r.keyemuMedianMs} ms, static handler ${r.staticMedianMs} ms median (×${fix(r.ratio, 2)}, keyemu's share ${fix(r.keyemuMedianMs - r.staticMedianMs, 2)} ms)`,
    )
  }
  console.log(`  createHandlers() ${msw.createHandlersMedianMs} ms`)
}

function printRowTargets(rows: { name: string; min: number; ratio: number }[]): void {
  for (const r of rows)
    console.log(`  ${mark(r.ratio >= r.min)}  ${r.name} = ${fix(r.ratio, 2)}× Express (target ≥ ${r.min}×)`)
}

const warningsAtStart: string[] = []

/** Run one of the bench's child scripts for its figures, with the 1-min load average once it is done. */
async function childFigures<T>(
  label: string,
  script: string,
  args: string[] = [],
  execArgv: string[] = [],
): Promise<T & { loadAverage: number }> {
  process.stdout.write(`${label} … `)
  const { child, message } = await forkScript<T>(script, args, execArgv, 240_000)
  await stop(child)
  console.log('done')
  return { ...message, loadAverage: Number(fix(loadavg()[0] ?? 0, 2)) }
}

async function main() {
  const only = onlyArg()
  const selected = only ? scenarios.filter((s) => s.name.includes(only)) : scenarios
  if (selected.length === 0)
    throw new Error(`--only ${only}: no row's name contains it; rows: ${scenarios.map((s) => s.name).join('; ')}`)
  const mswCalls = only ? MSW_CALLS.filter((id) => only.startsWith(id)) : MSW_CALLS
  await checkSigners()
  const load = `${LOAD.connections} keep-alive connections, pipelining ${LOAD.pipelining}, ${LOAD.warmupSeconds} s warm-up + ${LOAD.seconds} s measured per row`
  console.log(`keyemu bench — node ${process.version}, autocannon in this process, each server in its own child`)
  console.log(`load: ${load}`)
  const busy = loadavg()[0] ?? 0
  console.log(`machine: ${cpus().length} cores, 1-min load average ${fix(busy, 2)} before starting\n`)
  // Ceilings and keyemu rows run one after another, so other work on the machine skews their ratios.
  if (busy > 0.5)
    warningsAtStart.push(
      `1-min load average was ${fix(busy, 2)} at start (other work, or a run just before): ratios may be skewed`,
    )

  process.stdout.write('ceiling: bare node:http … ')
  const http = await ceiling('http')
  console.log(`${fix(http.rps)} req/s`)
  process.stdout.write('ceiling: bare Express 5 … ')
  const express = await ceiling('express')
  console.log(`${fix(express.rps)} req/s`)

  const results: (Result & { target?: boolean; minVsExpress?: number })[] = []
  for (const scenario of selected) {
    process.stdout.write(`keyemu: ${scenario.name} … `)
    const { child, url } = await startKeyemu('silent')
    try {
      const target = { url, host: new URL(url).host }
      await scenario.setup?.(target)
      const figures = await measure(url, (run) => scenario.requests(target, run))
      console.log(`${fix(figures.rps)} req/s`)
      results.push({
        name: scenario.name,
        figures,
        ...(scenario.note && { note: scenario.note }),
        ...(scenario.target && { target: true }),
        ...(scenario.minVsExpress !== undefined && { minVsExpress: scenario.minVsExpress }),
      })
    } finally {
      await stop(child)
    }
  }

  const msw =
    mswCalls.length > 0
      ? await childFigures<MswFigures>(
          `in-process: SDK ${mswCalls.join(', ')} calls through keyemu/msw vs one static MSW handler`,
          './msw-child.js',
          mswCalls,
        )
      : undefined
  const mswRows = (msw?.calls ?? []).map((c) => ({ ...c, ratio: c.keyemuMedianMs / c.staticMedianMs }))
  const ceilings = { http: http.rps, express: express.rps }
  const rowTargets = results.flatMap((r) =>
    r.minVsExpress === undefined ? [] : [{ name: r.name, min: r.minVsExpress, ratio: r.figures.rps / express.rps }],
  )
  if (only) {
    printTable(http, express, results, ceilings)
    if (msw) printMsw(msw, mswRows)
    console.log('\ntargets:')
    printRowTargets(rowTargets)
    return
  }

  process.stdout.write(`cold start ×${COLD_STARTS} … `)
  await warmClient()
  const starts: ColdStart[] = []
  for (let i = 0; i < COLD_STARTS; i++) starts.push(await coldStart())
  console.log('done')

  process.stdout.write('scale: 100 vs 100,000 keys (10,000 users), each size in a fresh child … ')
  const scaled = await scale()
  console.log('done')

  process.stdout.write('memory: 5,000 users × 2 keys in a fresh child … ')
  const mem = await forkScript<MemoryFigures>('./memory-child.js', [], ['--expose-gc'], 120_000)
  await stop(mem.child)
  const memory = mem.message
  // The same with V8's young generation capped: what of the RSS is empty semi-space, not state.
  const capped = await forkScript<MemoryFigures>('./memory-child.js', [], ['--expose-gc', SEMI_SPACE_CAP], 120_000)
  await stop(capped.child)
  console.log('done')

  const steady = await childFigures<SteadyFigures>(
    `heap: steady create/delete for ${STEADY_SECONDS} s`,
    './steady-child.js',
    [String(STEADY_SECONDS)],
    ['--expose-gc'],
  )
  const data = await childFigures<DataFigures>('--data: creates with 10,000 keys stored', './data-child.js')
  console.log()

  printTable(http, express, results, ceilings)

  const warnings: string[] = [...warningsAtStart]
  for (const [name, f] of [['node:http', http], ['Express', express], ...results.map((r) => [r.name, r.figures])] as [
    string,
    LoadFigures,
  ][]) {
    if (f.non2xx > 0 || f.errors > 0 || f.resets > 0) {
      warnings.push(`${name}: ${f.non2xx} non-2xx, ${f.errors} errors, ${f.resets} chain resets (all should be 0)`)
    }
  }
  for (const s of starts) if (s.status !== 200) warnings.push(`cold start: first request answered ${s.status}`)
  if (!memory.gcExposed) warnings.push('memory: global.gc was not exposed, figures include garbage')

  const listRow = results.find((r) => r.target)
  const listRatio = listRow ? listRow.figures.rps / express.rps : 0
  const coldMedian = median(starts.map((s) => s.firstAnswerMs))

  console.log('\ncold start (spawn → ready line → first signed ListAccessKeys answered):')
  starts.forEach((s, i) => {
    console.log(
      `  run ${i + 1}: ready ${fix(s.readyMs)} ms, first answer ${fix(s.firstAnswerMs)} ms (HTTP ${s.status})`,
    )
  })
  console.log(`  median first answer: ${fix(coldMedian)} ms`)

  console.log(`\nmemory (${memory.users} users, ${memory.keys} keys incl. the seeded root key, after gc):`)
  console.log(`  idle:  RSS ${memory.idleRssMb} MB, heapUsed ${memory.idleHeapUsedMb} MB`)
  console.log(`  full:  RSS ${memory.rssMb} MB, heapUsed ${memory.heapUsedMb} MB`)
  console.log(`  creating them in-process through core took ${memory.createMs} ms`)
  console.log(
    `  with ${SEMI_SPACE_CAP} (node flag): idle RSS ${capped.message.idleRssMb} MB, full RSS ${capped.message.rssMb} MB, heapUsed ${capped.message.heapUsedMb} MB`,
  )
  console.log(
    `  steady create/delete, ${steady.cycles} cycles in ${steady.seconds} s: heap slope ${steady.kbPerMinute} KB/min (heapUsed ${steady.heapFirstMb} → ${steady.heapLastMb} MB, load ${steady.loadAverage})`,
  )

  console.log('\nscale (same rows with a small and a large state; load = 1-min load average after the row):')
  for (const r of scaled.rows) {
    console.log(
      `  ${pad(`${r.name} @ ${r.keys} keys`, 52)} ${lpad(fix(r.figures.rps), 7)} req/s  p50 ${r.figures.p50} ms  load ${fix(r.load, 2)}`,
    )
  }
  for (const r of scaled.ratios) console.log(`  ${pad(r.name, 52)} small/large = ${fix(r.ratio, 2)}`)
  console.log(`  seeding 10,000 users × 2 keys through core: ${scaled.seedMs} ms (load ${fix(scaled.seedLoad, 2)})`)

  console.log(`\n--data (${data.keys} keys stored, ${data.creates} creates through core, one after another):`)
  console.log(
    `  create median ${data.medianMs} ms, p90 ${data.p90Ms} ms (load ${data.loadAverage}); state file plain JSON holding every key after a clean stop: ${data.plainJsonAfterStop}`,
  )

  if (msw) printMsw(msw, mswRows)

  console.log('\ntargets:')
  console.log(
    `  ${mark(listRatio >= TARGET.listVsExpress)}  ListAccessKeys ${fix(listRow?.figures.rps ?? 0)} req/s = ${fix(listRatio, 2)}× Express (target ≥ ${TARGET.listVsExpress}×; moto ≈ ${MOTO.listAccessKeysRps} req/s)`,
  )
  console.log(
    `  ${mark(coldMedian < TARGET.coldStartMs)}  cold start median ${fix(coldMedian)} ms (target < ${TARGET.coldStartMs} ms; moto ≈ ${MOTO.firstAnswerMs} ms)`,
  )
  console.log(
    `  ${mark(memory.rssMb < TARGET.rssMb)}  RSS ${memory.rssMb} MB at ${memory.keys} keys (target < ${TARGET.rssMb} MB)`,
  )
  for (const r of scaled.ratios) {
    console.log(
      `  ${mark(r.ratio <= TARGET.scaleRatio)}  ${r.name}: 100 keys is ${fix(r.ratio, 2)}× as fast as 100,000 keys (target ≤ ${TARGET.scaleRatio})`,
    )
  }
  console.log(
    `  ${mark(scaled.seedMs < TARGET.seedMs)}  seeding 10,000 users × 2 keys ${scaled.seedMs} ms (target < ${TARGET.seedMs} ms)`,
  )
  console.log(
    `  ${mark(data.medianMs < TARGET.dataCreateMs && data.plainJsonAfterStop)}  --data create median ${data.medianMs} ms with ${data.keys} keys (target < ${TARGET.dataCreateMs} ms)`,
  )
  printRowTargets(rowTargets)
  for (const r of mswRows) {
    console.log(
      `  ${mark(r.ratio <= TARGET.mswRatio)}  ${r.name} through keyemu/msw ×${fix(r.ratio, 2)} a static MSW handler (target ≤ ${TARGET.mswRatio})`,
    )
  }
  if (msw)
    console.log(
      `  ${mark(msw.createHandlersMedianMs < TARGET.createHandlersMs)}  createHandlers() ${msw.createHandlersMedianMs} ms (target < ${TARGET.createHandlersMs} ms)`,
    )
  for (const w of warnings) console.log(`WARNING: ${w}`)

  const round = (f: LoadFigures) => ({
    rps: Math.round(f.rps),
    p50Ms: f.p50,
    p99Ms: f.p99,
    non2xx: f.non2xx,
    errors: f.errors,
  })
  const summary = {
    bench: 'keyemu',
    node: process.version,
    loadAverageAtStart: Number(fix(busy, 2)),
    load: { ...LOAD },
    ceilings: { http: round(http), express: round(express) },
    scenarios: results.map((r) => ({
      name: r.name,
      ...round(r.figures),
      vsHttp: Number(fix(r.figures.rps / http.rps, 3)),
      vsExpress: Number(fix(r.figures.rps / express.rps, 3)),
    })),
    coldStart: { firstAnswerMs: starts.map((s) => Math.round(s.firstAnswerMs)), medianMs: Math.round(coldMedian) },
    memory,
    memoryWithSemiSpaceCap: capped.message,
    steady,
    msw,
    data,
    scale: {
      rows: scaled.rows.map((r) => ({
        name: r.name,
        keys: r.keys,
        ...round(r.figures),
        loadAverage: Number(fix(r.load, 2)),
      })),
      ratios: scaled.ratios.map((r) => ({ name: r.name, smallOverLarge: Number(fix(r.ratio, 3)) })),
      seedMs: scaled.seedMs,
    },
    targets: {
      listAccessKeysVsExpress: {
        value: Number(fix(listRatio, 3)),
        min: TARGET.listVsExpress,
        pass: listRatio >= TARGET.listVsExpress,
      },
      coldStartMs: { value: Math.round(coldMedian), max: TARGET.coldStartMs, pass: coldMedian < TARGET.coldStartMs },
      rssMb: { value: memory.rssMb, max: TARGET.rssMb, pass: memory.rssMb < TARGET.rssMb },
      rows: rowTargets.map((r) => ({
        name: r.name,
        vsExpress: Number(fix(r.ratio, 3)),
        min: r.min,
        pass: r.ratio >= r.min,
      })),
      msw: mswRows.map((r) => ({
        name: r.name,
        ratio: Number(fix(r.ratio, 3)),
        max: TARGET.mswRatio,
        pass: r.ratio <= TARGET.mswRatio,
      })),
    },
    warnings,
  }
  console.log(`\n${JSON.stringify(summary)}`)
}

try {
  await main()
  process.exit(0)
} catch (err) {
  console.error(err)
  process.exit(1)
}
