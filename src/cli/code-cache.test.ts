import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { packageRoot } from '../version.js'

// The compiled module, as the bin bundles it (npm test builds first); each run in its own process,
// with its own temp folder, since what is kept outlives the run.
const compiled = join(packageRoot, 'dist', 'src', 'cli', 'code-cache.js')

function run(file: string, temp: string): string {
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run npm run build first (npm test does).`)
  const script = `import(${JSON.stringify(compiled)}).then((m) => m.requireWithCodeCache(${JSON.stringify(file)}))`
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, TMPDIR: temp },
    encoding: 'utf8',
  })
}

// Where a run keeps its code (one folder per user).
function keptIn(temp: string): string {
  const [folder] = readdirSync(temp).filter((name) => name.startsWith('keyemu-compile-cache-'))
  if (!folder) throw new Error(`nothing kept in ${temp}`)
  return join(temp, folder)
}

describe('requireWithCodeCache', () => {
  test('runs a CommonJS file as require does, and keeps its compiled code for the next run', () => {
    const temp = mkdtempSync(join(tmpdir(), 'keyemu-code-cache-'))
    const file = join(temp, 'cli.cjs')
    writeFileSync(file, "console.log(require('node:path').basename(__filename), typeof module.exports)\n")
    expect(run(file, temp)).toBe('cli.cjs object\n')
    expect(readdirSync(keptIn(temp))).toHaveLength(1)
    expect(run(file, temp)).toBe('cli.cjs object\n')
  })

  test('never runs code kept for another file of the same length', () => {
    const temp = mkdtempSync(join(tmpdir(), 'keyemu-code-cache-'))
    const file = join(temp, 'cli.cjs')
    writeFileSync(file, "console.log('first')\n")
    expect(run(file, temp)).toBe('first\n')
    // V8 itself checks only the length of the source a cache was made from.
    writeFileSync(file, "console.log('other')\n")
    expect(run(file, temp)).toBe('other\n')
    expect(readdirSync(keptIn(temp))).toHaveLength(2)
  })

  test('never runs code from a folder that others may write to', () => {
    const temp = mkdtempSync(join(tmpdir(), 'keyemu-code-cache-'))
    const file = join(temp, 'cli.cjs')
    writeFileSync(file, "console.log('first')\n")
    run(file, temp)
    // Code made from one file, left under the name of another of the same length, as a stranger could.
    const [made] = readdirSync(keptIn(temp))
    const other = "console.log('other')\n"
    const planted = join(keptIn(temp), `${process.version}-${crc32(Buffer.from(other)).toString(16)}`)
    copyFileSync(join(keptIn(temp), made as string), planted)
    writeFileSync(file, other)
    expect(run(file, temp)).toBe('first\n')
    chmodSync(keptIn(temp), 0o777)
    expect(run(file, temp)).toBe('other\n')
  })
})
