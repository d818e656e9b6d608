#!/usr/bin/env node
import module, { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { requireWithCodeCache } from './cli/code-cache.js'
import { capYoungGeneration } from './cli/young-generation.js'

capYoungGeneration()

// The bin: it loads the CLI bundle with V8's compiled code of it kept between runs, which saves most of
// parsing and compiling it at each later start. Node 22.1+ keeps it itself (in the OS temp folder, or
// NODE_COMPILE_CACHE) for modules loaded after the cache is enabled, hence this small entry; on older
// Node the bin keeps it. The bundle is CommonJS, which both can cache on any Node version.
const cli = fileURLToPath(new URL('./keyemu-cli.cjs', import.meta.url))
const { enableCompileCache } = module as { enableCompileCache?: () => unknown }
if (enableCompileCache) {
  enableCompileCache()
  createRequire(import.meta.url)(cli)
} else {
  requireWithCodeCache(cli)
}
