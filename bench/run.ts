import { cpus, loadavg } from 'node:os'
import { BARE_CLI, forkScript, startKeyemu, stop } from './children.js'
import { type ColdStart, coldStart, warmClient } from './cold-start.js'
import { LOAD, type LoadFigures, measure } from './load.js'
import { type ScaleFigures, scale } from './scale.js'
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
  /** What keyemu adds to an in-process SDK call over a static handler's answer, in ms. */
  mswShareMs: 0.2,
  createHandlersMs: 5,
}
const MOTO = { listAccessKeysRps: 890, firstAnswerMs: 500 }

const STEADY_SECONDS = 20

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
const MSW_CALLS = ['iam', 'linode', 's3']

/** The parts of a run besides the load rows, by the names `--only` matches. */
const SECTIONS = ['cold-start', 'scale', 'seeding', 'memory', 'steady', 'data', 'msw'] as const
type Section = (typeof SECTIONS)[number]

/**
 * `--only <text>`: just the load rows whose name contains it (with the ceilings), the sections whose
 * name contains it (SECTIONS: `--only cold-start`, `--only memory`, ...) and the in-process call of
 * that dialect (`--only msw`: every one), for checking a few figures without the whole run.
 */
function onlyArg(): string | undefined {
  const at = process.argv.indexOf('--only')
  if (at === -1) return undefined
  const text = process.argv[at + 1]
  if (!text)
    throw new Error(
      `--only needs the text a row or section name contains, e.g. --only s3; sections: ${SECTIONS.join(', ')}`,
    )
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

/** What one run measures: every load row, section and in-process call, or those `--only` picks. */
interface Selection {
  rows: typeof scenarios
  sections: Set<Section>
  mswCalls: string[]
}

function select(only: string | undefined): Selection {
  if (!only) return { rows: scenarios, sections: new Set(SECTIONS), mswCalls: MSW_CALLS }
  const picked = {
    rows: scenarios.filter((s) => s.name.includes(only)),
    sections: new Set(SECTIONS.filter((name) => name.includes(only))),
    mswCalls: MSW_CALLS.filter((id) => only.startsWith(id)),
  }
  if (picked.sections.has('msw')) picked.mswCalls = MSW_CALLS
  if (picked.rows.length + picked.sections.size + picked.mswCalls.length === 0)
    throw new Error(
      `--only ${only}: no row or section name contains it; rows: ${scenarios.map((s) => s.name).join('; ')}; sections: ${SECTIONS.join(', ')}`,
    )
  return picked
}

async function coldStarts(): Promise<{ keyemu: ColdStart[]; bare: ColdStart[] }> {
  process.stdout.write(`cold start ×${COLD_STARTS}, and a bare node:http server's as its floor … `)
  await warmClient()
  const keyemu: ColdStart[] = []
  const bare: ColdStart[] = []
  // Alternating, so that a change in the machine's load falls on both alike.
  for (let i = 0; i < COLD_STARTS; i++) {
    keyemu.push(await coldStart())
    bare.push(await coldStart(BARE_CLI))
  }
  console.log('done')
  return { keyemu, bare }
}

/** The figures of 10,000 users × 2 keys seeded through core in a fresh child, alone. */
async function seeding(): Promise<{ seedMs: number; seedLoad: number }> {
  process.stdout.write('seeding: 10,000 users × 2 keys in a fresh child … ')
  const { child, message } = await forkScript<{ seedMs: number }>('./scale-child.js', ['10000', '2'], [], 180_000)
  await stop(child)
  console.log('done')
  return { seedMs: message.seedMs, seedLoad: loadavg()[0] ?? 0 }
}

async function memoryFigures(): Promise<{ memory: MemoryFigures; library: MemoryFigures }> {
  process.stdout.write('memory: 5,000 users × 2 keys in a fresh child … ')
  // As the bin runs: V8's young generation capped (src/cli/young-generation.ts).
  const mem = await forkScript<MemoryFigures>('./memory-child.js', ['bin'], ['--expose-gc'], 120_000)
  await stop(mem.child)
  // As a library inside a test runner, with Node's defaults: what of the RSS is empty young generation.
  const library = await forkScript<MemoryFigures>('./memory-child.js', ['library'], ['--expose-gc'], 120_000)
  await stop(library.child)
  console.log('done')
  return { memory: mem.message, library: library.message }
}

async function main() {
  const only = onlyArg()
  const { rows: selected, sections, mswCalls } = select(only)
  if (selected.length > 0) await checkSigners()
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

  // The ceilings are only worth their time when there are load rows to hold against them.
  let http: LoadFigures | undefined
  let express: LoadFigures | undefined
  if (selected.length > 0) {
    process.stdout.write('ceiling: bare node:http … ')
    http = await ceiling('http')
    console.log(`${fix(http.rps)} req/s`)
    process.stdout.write('ceiling: bare Express 5 … ')
    express = await ceiling('express')
    console.log(`${fix(express.rps)} req/s`)
  }

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
  const mswRows = (msw?.calls ?? []).map((c) => ({
    ...c,
    ratio: c.keyemuMedianMs / c.staticMedianMs,
    shareMs: c.keyemuMedianMs - c.staticMedianMs,
  }))
  const ceilings = http && express ? { http: http.rps, express: express.rps } : undefined
  const rowTargets = results.flatMap((r) =>
    r.minVsExpress === undefined || !ceilings
      ? []
      : [{ name: r.name, min: r.minVsExpress, ratio: r.figures.rps / ceilings.express }],
  )

  const starts = sections.has('cold-start') ? await coldStarts() : undefined
  let scaled: ScaleFigures | undefined
  if (sections.has('scale')) {
    process.stdout.write('scale: 100 vs 100,000 keys (10,000 users), each size in a fresh child … ')
    scaled = await scale()
    console.log('done')
  }
  // The scale section seeds the same 10,000 users × 2 keys (before it adds the rest), and times it.
  const seeded = scaled ?? (sections.has('seeding') ? await seeding() : undefined)
  const mem = sections.has('memory') ? await memoryFigures() : undefined
  const steady = sections.has('steady')
    ? await childFigures<SteadyFigures>(
        `heap: steady create/delete for ${STEADY_SECONDS} s`,
        './steady-child.js',
        [String(STEADY_SECONDS)],
        ['--expose-gc'],
      )
    : undefined
  const data = sections.has('data')
    ? await childFigures<DataFigures>('--data: creates with 10,000 keys stored', './data-child.js')
    : undefined
  console.log()

  if (http && express && ceilings) printTable(http, express, results, ceilings)

  const warnings: string[] = [...warningsAtStart]
  const loadRows: [string, LoadFigures][] = [
    ...(http && express
      ? ([
          ['node:http', http],
          ['Express', express],
        ] as [string, LoadFigures][])
      : []),
    ...results.map((r): [string, LoadFigures] => [r.name, r.figures]),
  ]
  for (const [name, f] of loadRows) {
    if (f.non2xx > 0 || f.errors > 0 || f.resets > 0) {
      warnings.push(`${name}: ${f.non2xx} non-2xx, ${f.errors} errors, ${f.resets} chain resets (all should be 0)`)
    }
  }
  for (const s of [...(starts?.keyemu ?? []), ...(starts?.bare ?? [])])
    if (s.status !== 200) warnings.push(`cold start: first request answered ${s.status}`)
  if (mem && !mem.memory.gcExposed) warnings.push('memory: global.gc was not exposed, figures include garbage')

  const listRow = results.find((r) => r.target)
  const listRatio = listRow && ceilings ? listRow.figures.rps / ceilings.express : undefined
  const coldMedian = starts && median(starts.keyemu.map((s) => s.firstAnswerMs))
  const bareMedian = starts && median(starts.bare.map((s) => s.firstAnswerMs))

  if (starts) {
    console.log('\ncold start (spawn → ready line → first signed ListAccessKeys answered):')
    starts.keyemu.forEach((s, i) => {
      console.log(
        `  run ${i + 1}: ready ${fix(s.readyMs)} ms, first answer ${fix(s.firstAnswerMs)} ms (HTTP ${s.status}); bare node:http ${fix(starts.bare[i]?.firstAnswerMs ?? 0)} ms`,
      )
    })
    console.log(
      `  median first answer: ${fix(coldMedian ?? 0)} ms; a bare node:http server's ${fix(bareMedian ?? 0)} ms (the floor on this machine now; load ${fix(loadavg()[0] ?? 0, 2)})`,
    )
  }

  if (mem) {
    const { memory, library } = mem
    console.log(
      `\nmemory (${memory.users} users, ${memory.keys} keys incl. the seeded root key, after gc; V8 set up as the bin sets it):`,
    )
    console.log(`  idle:  RSS ${memory.idleRssMb} MB, heapUsed ${memory.idleHeapUsedMb} MB`)
    console.log(`  full:  RSS ${memory.rssMb} MB, heapUsed ${memory.heapUsedMb} MB`)
    console.log(`  creating them in-process through core took ${memory.createMs} ms`)
    console.log(
      `  in-process with Node's defaults (keyemu as a library): idle RSS ${library.idleRssMb} MB, full RSS ${library.rssMb} MB, heapUsed ${library.heapUsedMb} MB`,
    )
  }
  if (steady)
    console.log(
      `  steady create/delete, ${steady.cycles} cycles in ${steady.seconds} s: heap slope ${steady.kbPerMinute} KB/min (heapUsed ${steady.heapFirstMb} → ${steady.heapLastMb} MB, load ${steady.loadAverage})`,
    )

  if (scaled) {
    console.log('\nscale (same rows with a small and a large state; load = 1-min load average after the row):')
    for (const r of scaled.rows) {
      console.log(
        `  ${pad(`${r.name} @ ${r.keys} keys`, 52)} ${lpad(fix(r.figures.rps), 7)} req/s  p50 ${r.figures.p50} ms  load ${fix(r.load, 2)}`,
      )
    }
    for (const r of scaled.ratios) console.log(`  ${pad(r.name, 52)} small/large = ${fix(r.ratio, 2)}`)
  }
  if (seeded)
    console.log(`  seeding 10,000 users × 2 keys through core: ${seeded.seedMs} ms (load ${fix(seeded.seedLoad, 2)})`)

  if (data) {
    console.log(`\n--data (${data.keys} keys stored, ${data.creates} creates through core, one after another):`)
    console.log(
      `  create median ${data.medianMs} ms, p90 ${data.p90Ms} ms (load ${data.loadAverage}); state file plain JSON holding every key after a clean stop: ${data.plainJsonAfterStop}`,
    )
  }

  if (msw) printMsw(msw, mswRows)

  console.log('\ntargets:')
  if (listRow && listRatio !== undefined)
    console.log(
      `  ${mark(listRatio >= TARGET.listVsExpress)}  ListAccessKeys ${fix(listRow.figures.rps)} req/s = ${fix(listRatio, 2)}× Express (target ≥ ${TARGET.listVsExpress}×; moto ≈ ${MOTO.listAccessKeysRps} req/s)`,
    )
  if (coldMedian !== undefined)
    console.log(
      `  ${mark(coldMedian < TARGET.coldStartMs)}  cold start median ${fix(coldMedian)} ms (target < ${TARGET.coldStartMs} ms; bare node:http ${fix(bareMedian ?? 0)} ms; moto ≈ ${MOTO.firstAnswerMs} ms)`,
    )
  if (mem)
    console.log(
      `  ${mark(mem.memory.rssMb < TARGET.rssMb)}  RSS ${mem.memory.rssMb} MB at ${mem.memory.keys} keys (target < ${TARGET.rssMb} MB)`,
    )
  for (const r of scaled?.ratios ?? []) {
    console.log(
      `  ${mark(r.ratio <= TARGET.scaleRatio)}  ${r.name}: 100 keys is ${fix(r.ratio, 2)}× as fast as 100,000 keys (target ≤ ${TARGET.scaleRatio})`,
    )
  }
  if (seeded)
    console.log(
      `  ${mark(seeded.seedMs < TARGET.seedMs)}  seeding 10,000 users × 2 keys ${seeded.seedMs} ms (target < ${TARGET.seedMs} ms)`,
    )
  if (data)
    console.log(
      `  ${mark(data.medianMs < TARGET.dataCreateMs && data.plainJsonAfterStop)}  --data create median ${data.medianMs} ms with ${data.keys} keys (target < ${TARGET.dataCreateMs} ms)`,
    )
  printRowTargets(rowTargets)
  for (const r of mswRows) {
    console.log(
      `  ${mark(r.ratio <= TARGET.mswRatio && r.shareMs < TARGET.mswShareMs)}  ${r.name} through keyemu/msw ×${fix(r.ratio, 2)} a static MSW handler, keyemu's share ${fix(r.shareMs, 2)} ms (target ≤ ${TARGET.mswRatio}, share < ${TARGET.mswShareMs} ms)`,
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
    only,
    loadAverageAtStart: Number(fix(busy, 2)),
    load: { ...LOAD },
    ceilings: http && express && { http: round(http), express: round(express) },
    scenarios: results.map((r) => ({
      name: r.name,
      ...round(r.figures),
      ...(ceilings && {
        vsHttp: Number(fix(r.figures.rps / ceilings.http, 3)),
        vsExpress: Number(fix(r.figures.rps / ceilings.express, 3)),
      }),
    })),
    coldStart: starts && {
      firstAnswerMs: starts.keyemu.map((s) => Math.round(s.firstAnswerMs)),
      medianMs: Math.round(coldMedian ?? 0),
      bareNodeHttpMedianMs: Math.round(bareMedian ?? 0),
    },
    memory: mem?.memory,
    memoryAsLibrary: mem?.library,
    steady,
    msw,
    data,
    scale: scaled && {
      rows: scaled.rows.map((r) => ({
        name: r.name,
        keys: r.keys,
        ...round(r.figures),
        loadAverage: Number(fix(r.load, 2)),
      })),
      ratios: scaled.ratios.map((r) => ({ name: r.name, smallOverLarge: Number(fix(r.ratio, 3)) })),
    },
    seedMs: seeded?.seedMs,
    targets: {
      listAccessKeysVsExpress: listRatio !== undefined && {
        value: Number(fix(listRatio, 3)),
        min: TARGET.listVsExpress,
        pass: listRatio >= TARGET.listVsExpress,
      },
      coldStartMs: coldMedian !== undefined && {
        value: Math.round(coldMedian),
        max: TARGET.coldStartMs,
        pass: coldMedian < TARGET.coldStartMs,
      },
      rssMb: mem && { value: mem.memory.rssMb, max: TARGET.rssMb, pass: mem.memory.rssMb < TARGET.rssMb },
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
        shareMs: Number(fix(r.shareMs, 3)),
        maxShareMs: TARGET.mswShareMs,
        pass: r.ratio <= TARGET.mswRatio && r.shareMs < TARGET.mswShareMs,
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
