import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { readmeWithCliTables } from './support/cli-table.js'
import { README, readmeWithTable } from './support/coverage-table.js'

test('the README table of dialects and operations matches the route tables (npm run docs rewrites it)', () => {
  const readme = readFileSync(README, 'utf8')
  expect(readme).toBe(readmeWithTable(readme))
})

test('the README CLI tables match the CLI definition (npm run docs rewrites them)', () => {
  const readme = readFileSync(README, 'utf8')
  expect(readme).toBe(readmeWithCliTables(readme))
})

test('the README quick start has exactly the two commands', () => {
  const readme = readFileSync(README, 'utf8')
  expect(readme).toContain('npm ci && npm start')
  expect(readme).toContain('npm ci && npm test')
})
