import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { type DecisionEffect, evaluate } from '../src/core/evaluator.js'
import { parsePolicyDocument } from '../src/core/policy-document.js'

interface PolicyCase {
  name: string
  principal: string
  action: string
  resource: string
  context?: Record<string, string | string[]>
  policies: { name: string; document: unknown }[]
  expected: DecisionEffect
  decidingSid?: string
}

const dir = new URL('./policy-cases/', import.meta.url)
const files = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .sort()

const cases = files.flatMap((file) =>
  (JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as PolicyCase[]).map((c) => ({ ...c, file })),
)

describe(`policy cases (${fileURLToPath(dir)})`, () => {
  test('there are enough of them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60)
  })

  test('case names are unique', () => {
    const names = cases.map((c) => `${c.file}: ${c.name}`)
    expect(new Set(names).size).toBe(names.length)
  })

  // Documents go through the parser, so every case is also a policy IAM would accept.
  test.each(cases)('$file: $name', (c) => {
    const policies = c.policies.map((p) => ({
      name: p.name,
      document: parsePolicyDocument(JSON.stringify(p.document)),
    }))
    const decision = evaluate(policies, { action: c.action, resource: c.resource, context: c.context })
    expect(decision.effect).toBe(c.expected)
    if (c.decidingSid !== undefined) expect(decision.sid).toBe(c.decidingSid)
    if (c.expected === 'implicit-deny') expect(decision.policy).toBeUndefined()
  })
})
