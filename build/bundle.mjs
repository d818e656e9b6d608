// The CLI as published (npm run build, after tsc): dist/keyemu.mjs, the small bin that loads the CLI
// with its compiled code kept between runs, and dist/keyemu-cli.cjs, the CLI with its dependencies in
// one file, so it starts fast and the image needs no node_modules.
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
  alias: Object.fromEntries(
    ['body-parser', 'debug', 'depd', 'mime-types', 'qs', 'thread-stream'].map((name) => [
      name,
      `./build/left-out/${name}.cjs`,
    ]),
  ),
})
await build({ ...common, format: 'esm', entryPoints: ['dist/src/bin.js'], outfile: 'dist/keyemu.mjs' })
