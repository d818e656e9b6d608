import { expect, test } from 'vitest'
import { runCases } from './fuzz/engine.js'
import { PATHS, targets } from './fuzz/targets.js'
import { forEachTransport } from './support/transports.js'

// The seed is fixed so that a failure can be replayed (`npm run fuzz -- --seed N`); KEYEMU_FUZZ_SEED
// tries another without editing the test.
const SEED = Number(process.env.KEYEMU_FUZZ_SEED ?? 20261202)
const CASES = 500

forEachTransport('fuzz', (t) => {
  for (const target of targets) {
    test(`${target.dialect}: ${CASES} mutated requests: no 5xx, the provider's envelope, bounded answers, refusals change nothing`, async () => {
      const results = await runCases(
        target,
        t.endpoint(target.origin),
        t.snapshot,
        PATHS[target.dialect] ?? ['/'],
        SEED,
        CASES,
      )
      const broken = results
        .filter((r) => r.violations.length > 0)
        .map(
          (r) =>
            `#${r.index} ${r.method} ${r.path} ${JSON.stringify(r.fuzzCase)} → ${r.status}: ${r.violations.join('; ')}`,
        )
      expect(broken).toEqual([])
      // The run must reach past authentication and parsing, or it tests nothing.
      expect(results.filter((r) => r.status < 300).length).toBeGreaterThan(CASES / 20)
      expect(new Set(results.map((r) => r.status)).size).toBeGreaterThan(2)
    }, 180_000)
  }
})
