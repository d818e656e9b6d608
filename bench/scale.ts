import { loadavg } from 'node:os'
import { forkScript, stop } from './children.js'
import { type LoadFigures, measure } from './load.js'
import { scenarios } from './scenarios.js'

/** The same rows with a small and a large state, to show whether a call's cost grows with the state. */
const SIZES = [
  { users: 50, keysPerUser: 2 },
  { users: 10_000, keysPerUser: 10 },
]
const ROWS = ['iam ListAccessKeys (signed)', 'iam CreateAccessKey+DeleteAccessKey']

export interface ScaleRow {
  name: string
  keys: number
  figures: LoadFigures
  /** 1-min load average when the row finished. */
  load: number
}

export interface ScaleFigures {
  rows: ScaleRow[]
  /** Ratio of req/s with the small state to req/s with the large one, by row name. */
  ratios: { name: string; ratio: number }[]
  /** Time to create 10,000 users with 2 keys each through core. */
  seedMs: number
  seedLoad: number
}

export async function scale(): Promise<ScaleFigures> {
  const rows: ScaleRow[] = []
  let seedMs = 0
  let seedLoad = 0
  for (const size of SIZES) {
    const { child, message } = await forkScript<{ url: string; keys: number; seedMs: number }>(
      './scale-child.js',
      [String(size.users), String(size.keysPerUser)],
      [],
      180_000,
    )
    if (size.users === 10_000) {
      seedMs = message.seedMs
      seedLoad = loadavg()[0] ?? 0
    }
    try {
      const target = { url: message.url, host: new URL(message.url).host }
      for (const scenario of scenarios.filter((s) => ROWS.includes(s.name))) {
        await scenario.setup?.(target)
        const figures = await measure(target.url, (run) => scenario.requests(target, run))
        rows.push({ name: scenario.name, keys: message.keys, figures, load: loadavg()[0] ?? 0 })
      }
    } finally {
      await stop(child)
    }
  }
  const ratios = ROWS.map((name) => {
    const [small, large] = rows.filter((r) => r.name === name)
    return { name, ratio: small && large ? small.figures.rps / large.figures.rps : 0 }
  })
  return { rows, ratios, seedMs, seedLoad }
}
