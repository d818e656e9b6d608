// Runs inside an empty project that installed the packed keyemu tarball, as a user would from the
// registry: the bin, the ESM and CommonJS entry points, one SDK call through the MSW handlers, and
// the types under each moduleResolution a TypeScript user may pick. Prints one
// `N passed, N failed` line for this Node and msw.
import { spawn, spawnSync } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CreateUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' }
const mswVersion = createRequire(import.meta.url)('msw/package.json').version
const label = `Packed package (Node ${process.versions.node}, msw ${mswVersion})`
const count = { passed: 0, failed: 0 }

async function check(name, body) {
  try {
    await body()
    count.passed++
    console.log(`  ✓ ${name}`)
  } catch (err) {
    count.failed++
    console.log(`  ✗ ${name}\n    ${String(err?.stack ?? err).replaceAll('\n', '\n    ')}`)
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message)
}

function run(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  const output = `${result.stdout}${result.stderr}`
  assert(result.status === 0, `${command} ${args.join(' ')} exited ${result.status}:\n${output}`)
  return output
}

await check('the package ships its bin and seeds, and leaves out suites, benchmarks and source maps', async () => {
  const root = fileURLToPath(new URL('node_modules/keyemu/', import.meta.url))
  const files = (await readdir(root, { recursive: true })).map((f) => f.replaceAll(sep, '/'))
  const extra = files.filter((f) => /\.test\.|\.map$|^dist\/(test|bench)\/|^(src|dialects|test)\//.test(f))
  assert(files.includes('dist/keyemu.mjs') && files.includes('seeds/default.json'), `bin or seed missing: ${files}`)
  assert(extra.length === 0, `not needed: ${extra.join(', ')}`)
})

await check('npx keyemu --help lists the options and init', () => {
  const help = run('npx', ['--no-install', 'keyemu', '--help'])
  for (const word of ['--port', 'KEYEMU_PORT', '--seed', 'init']) assert(help.includes(word), `help lacks ${word}`)
})

await check('npx keyemu --port 0 prints its ready line and serves', async () => {
  // Its own process group, so that stopping it stops keyemu and not only npx.
  const child = spawn('npx', ['--no-install', 'keyemu', '--port', '0'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  try {
    const url = await new Promise((resolve, reject) => {
      let seen = ''
      const timer = setTimeout(() => reject(new Error(`no ready line in 30 s:\n${seen}`)), 30_000)
      const onData = (chunk) => {
        seen += chunk
        for (const line of seen.split('\n')) {
          if (!line.includes('"msg":"ready"')) continue
          clearTimeout(timer)
          resolve(JSON.parse(line).url)
        }
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      child.once('exit', (code) => reject(new Error(`exited ${code} before ready:\n${seen}`)))
    })
    const health = await (await fetch(`${url}/_emu/health`)).json()
    assert(health.status === 'ok', `health: ${JSON.stringify(health)}`)
    // The bundle carries the dashboard's files in itself.
    for (const path of ['/_emu/ui', '/_emu/ui/app.js', '/_emu/ui/app.css']) {
      const res = await fetch(`${url}${path}`)
      assert(res.status === 200 && (await res.text()).length > 0, `${path}: ${res.status}`)
    }
    const iam = new IAMClient({ endpoint: url, region: 'us-east-1', credentials })
    assert(Array.isArray((await iam.send(new ListUsersCommand({}))).Users), 'ListUsers over the port')
  } finally {
    process.kill(-child.pid, 'SIGTERM')
  }
})

await check('import keyemu: createEmulator serves an SDK call', async () => {
  const { createEmulator } = await import('keyemu')
  const emulator = await createEmulator()
  try {
    const iam = new IAMClient({ endpoint: await emulator.listen(), region: 'us-east-1', credentials })
    await iam.send(new CreateUserCommand({ UserName: 'alice' }))
    const users = (await iam.send(new ListUsersCommand({}))).Users.map((u) => u.UserName)
    assert(users.join() === 'alice', `users: ${users}`)
  } finally {
    await emulator.close()
  }
})

await check('import keyemu/msw: the handlers serve an SDK left at its real endpoint', async () => {
  const { createHandlers, unhandledRequests } = await import('keyemu/msw')
  const { setupServer } = await import('msw/node')
  const server = setupServer(...createHandlers())
  server.listen(unhandledRequests('error'))
  try {
    const iam = new IAMClient({ region: 'us-east-1', credentials })
    await iam.send(new CreateUserCommand({ UserName: 'bob' }))
    const users = (await iam.send(new ListUsersCommand({}))).Users.map((u) => u.UserName)
    assert(users.join() === 'bob', `users: ${users}`)
  } finally {
    server.close()
  }
})

await check('require keyemu and keyemu/msw (CommonJS)', () => {
  run(process.execPath, ['check.cjs'])
})

for (const config of ['tsconfig.node16.json', 'tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
  await check(`types resolve and check (${config})`, () => {
    run('npx', ['--no-install', 'tsc', '-p', config])
  })
}

console.log(`${label}: ${count.passed} passed, ${count.failed} failed`)
process.exit(count.failed === 0 ? 0 : 1)
