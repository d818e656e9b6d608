#!/usr/bin/env node
import module from 'node:module'

// The bin: Node 22.1+ keeps V8's compiled code of the CLI bundle between runs (in the OS temp folder,
// or NODE_COMPILE_CACHE), which saves most of compiling it at each later start. The cache covers only
// modules loaded after it is enabled, hence this small entry; Node 20 has no such cache.
;(module as { enableCompileCache?: () => unknown }).enableCompileCache?.()
await import(new URL('./keyemu-cli.mjs', import.meta.url).href)
