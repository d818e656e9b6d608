import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { dialects } from '../../src/dialects.js'
import type { Dialect } from '../../src/protocol/route.js'
import { packageRoot } from '../../src/version.js'

export const README = join(packageRoot, 'README.md')
const START = '<!-- coverage:start (generated from the route tables by `npm run docs`) -->'
const END = '<!-- coverage:end -->'

/** Dialects on the roadmap that no route table serves yet. */
const PLANNED = ['tigris', 'bird']

/** The README's table of dialects and operations, made from the route tables. */
export function coverageTable(served: Dialect[] = dialects): string {
  const rows = served.flatMap((d) => {
    const seen = new Set<string>()
    return d.routes.flatMap((r) => {
      if (seen.has(r.operation)) return []
      seen.add(r.operation)
      const how = r.operation.includes(' ') || r.when ? '' : ` (${r.method} ${r.path})`
      return [`| \`${d.name}\` | \`${r.operation}\`${how} | served |`]
    })
  })
  const planned = PLANNED.filter((name) => !served.some((d) => d.name === name)).map(
    (name) => `| \`${name}\` | - | planned, not served yet |`,
  )
  return [START, '| Dialect | Operation | Status |', '|---|---|---|', ...rows, ...planned, END].join('\n')
}

/** The README with its table replaced by a fresh one. */
export function readmeWithTable(readme: string, table = coverageTable()): string {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) throw new Error('README.md has no coverage markers')
  return readme.slice(0, start) + table + readme.slice(end + END.length)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(README, readmeWithTable(readFileSync(README, 'utf8')))
}
