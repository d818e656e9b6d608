import { isAscii } from 'node:buffer'
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import module, { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Script } from 'node:vm'
import { crc32 } from 'node:zlib'

/** Kept this long after the start (or at exit, if sooner), so that the code it compiled is in it. */
const KEEP_AFTER_MS = 1000

/**
 * Run a CommonJS file as `require` would, with V8's compiled code of it kept between runs in the OS
 * temp folder: what Node 22.1+'s module.enableCompileCache() does, for the Node versions without it.
 * Parsing and compiling the CLI bundle is otherwise most of what a start adds to a bare Node's.
 *
 * @example requireWithCodeCache(fileURLToPath(new URL('./keyemu-cli.cjs', import.meta.url)))
 */
export function requireWithCodeCache(file: string): void {
  const bytes = readFileSync(file)
  // The bundle is ASCII (build/bundle.mjs sees to it), read as such without decoding UTF-8.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8')
  // V8 checks only that the source is as long as the one the code was made from: the name says the rest.
  const folder = join(tmpdir(), `keyemu-compile-cache-${process.getuid?.() ?? 'user'}`)
  const kept = join(folder, `${process.version}-${crc32(bytes).toString(16)}`)
  let cachedData: Buffer | undefined
  try {
    if (isPrivate(folder)) cachedData = readFileSync(kept)
  } catch {
    // none kept yet
  }
  const script = new Script(module.wrap(source), { filename: file, ...(cachedData && { cachedData }) })
  const loaded = { exports: {} }
  script.runInThisContext()(loaded.exports, createRequire(file), loaded, file, dirname(file))
  if (cachedData && !script.cachedDataRejected) return
  let written = false
  const keep = () => {
    if (written) return
    written = true
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 })
      if (!isPrivate(folder)) return
      // Whole or not at all, should two starts write it at once.
      const partial = `${kept}.${process.pid}`
      writeFileSync(partial, script.createCachedData())
      renameSync(partial, kept)
    } catch {
      // a temp folder that cannot be written: every start compiles, as without a cache
    }
  }
  setTimeout(keep, KEEP_AFTER_MS).unref()
  process.once('exit', keep)
}

// Compiled code is run as it is found: only from a folder of this user's that no one else may write to
// (in a shared temp folder, another user could leave code there for this one to run).
function isPrivate(folder: string): boolean {
  const { uid, mode } = statSync(folder)
  return process.getuid === undefined || (uid === process.getuid() && (mode & 0o022) === 0)
}
