// The CLI as published (npm run build, after tsc): dist/keyemu.mjs, the small bin that loads the CLI
// with its compiled code kept between runs, and dist/keyemu-cli.cjs, the CLI with its dependencies in
// one file, so it starts fast and the image needs no node_modules.
import { readFileSync } from 'node:fs'
import { build } from 'esbuild'

const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' }

await build({
  ...common,
  entryPoints: ['dist/src/cli.js'],
  outfile: 'dist/keyemu-cli.cjs',
  // CommonJS, whose compiled code Node 20 can be given back too (src/cli/code-cache.ts).
  format: 'cjs',
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Less to read and compile at each start; names are kept, so logged errors still say what they are.
  minifyWhitespace: true,
  minifySyntax: true,
  // Modules that dependencies require at load for features keyemu never uses (build/left-out/ says why).
  alias: Object.fromEntries(['thread-stream'].map((name) => [name, `./build/left-out/${name}.cjs`])),
})
await build({ ...common, format: 'esm', entryPoints: ['dist/src/bin.js'], outfile: 'dist/keyemu.mjs' })

// ASCII only (esbuild escapes the rest but for the raw text of template literals): one character
// elsewhere makes the whole source a two-byte string, twice the memory to read, hold and parse at
// each start. Escape it in the source (the dashboard writes '\u00b7').
const cli = readFileSync('dist/keyemu-cli.cjs')
const at = cli.findIndex((byte) => byte > 0x7f)
if (at !== -1) {
  throw new Error(`dist/keyemu-cli.cjs is not ASCII at byte ${at}: …${cli.subarray(Math.max(0, at - 40), at + 20)}…`)
}
