// The CLI as published (npm run build, after tsc): dist/keyemu.mjs, the small bin that turns on
// Node's compile cache, and dist/keyemu-cli.mjs, the CLI with its dependencies in one file, so it
// starts fast and the image needs no node_modules.
import { build } from 'esbuild'

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' }

await build({
  ...common,
  entryPoints: ['dist/src/cli.js'],
  outfile: 'dist/keyemu-cli.mjs',
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
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
})
await build({ ...common, entryPoints: ['dist/src/bin.js'], outfile: 'dist/keyemu.mjs' })
