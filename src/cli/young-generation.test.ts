import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { packageRoot } from '../version.js'
import { YOUNG_GENERATION_CAP, youngGenerationFlag } from './young-generation.js'

// The compiled module, as the bin bundles it (npm test builds first), in a process of its own: the
// flag changes the V8 of the process that sets it.
const compiled = join(packageRoot, 'dist', 'src', 'cli', 'young-generation.js')

// A burst that keeps a tenth of what it allocates, as a run of creates does; then the young
// generation's size in MB.
function youngGenerationAfterBurst(cap: boolean): number {
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run npm run build first (npm test does).`)
  const script = `
    const { capYoungGeneration } = await import(${JSON.stringify(compiled)})
    const { getHeapSpaceStatistics } = await import('node:v8')
    if (${cap}) capYoungGeneration()
    const kept = []
    for (let i = 0; i < 400000; i++) {
      const o = { id: 'k' + i, at: new Date().toISOString(), tags: [i, i + 1] }
      if (i % 10 === 0) kept.push(o)
    }
    const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')
    console.log(young.space_size / 1048576, kept.length)`
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NODE_OPTIONS: '' },
    encoding: 'utf8',
  })
  return Number(out.split(' ')[0])
}

describe('the young generation cap of the bin', () => {
  test('keeps V8 young generation at its first size through a burst; Node left alone grows it', () => {
    expect(youngGenerationAfterBurst(true)).toBeLessThanOrEqual(2)
    expect(youngGenerationAfterBurst(false)).toBeGreaterThan(4)
  })

  test('a semi-space option the user gave Node, on its command line or in NODE_OPTIONS, wins', () => {
    expect(youngGenerationFlag([], '')).toBe(YOUNG_GENERATION_CAP)
    expect(youngGenerationFlag(['--enable-source-maps'], '--trace-warnings')).toBe(YOUNG_GENERATION_CAP)
    expect(youngGenerationFlag(['--max-semi-space-size=8'], '')).toBeUndefined()
    expect(youngGenerationFlag([], '--max_semi_space_size=8')).toBeUndefined()
    expect(youngGenerationFlag([], '--inspect --semi-space-growth-factor=4')).toBeUndefined()
  })
})
