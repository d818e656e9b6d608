import { readFileSync } from 'node:fs'
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createControlPlane } from './control/control.js'
import { type Controls, createControls } from './control/controls.js'
import { fileBlobs } from './core/blob-files.js'
import type { Clock } from './core/clock.js'
import { type Core, createCore } from './core/core.js'
import { EmulatorError } from './core/errors.js'
import type { Ids } from './core/ids.js'
import type { State } from './core/model.js'
import { type Seed, seedState } from './core/seed.js'
import { openStore, type Store } from './core/store.js'
import { dialects as allDialects } from './dialects.js'
import type { Logger } from './protocol/dispatch.js'
import { answerClientError, createRequestListener } from './protocol/node-http.js'
import type { AuthMode, Dialect } from './protocol/route.js'
import { defaultSeedFile } from './version.js'

export interface EmulatorOptions {
  /** A seed object, or the path of a seed JSON file; the default seed otherwise. */
  seed?: Seed | string
  /**
   * Persist the state to this JSON file (its content, when it exists, wins over the seed); object
   * bodies go to files in the folder `<data>.objects` beside it.
   */
  data?: string
  /** The most bytes of object bodies kept at once, in memory or on disk (default 256 MiB). */
  maxObjectBytes?: number
  /** Use this store instead of opening one (then `seed` and `data` are ignored). */
  store?: Store
  auth?: AuthMode
  host?: string
  logger?: Logger
  clock?: Clock
  ids?: Ids
  dialects?: Dialect[]
  /** How many requests the journal keeps (default 10,000). */
  journalSize?: number
  /** Require `Authorization: Bearer <controlToken>` on every /_emu endpoint but health. */
  controlToken?: string
}

export interface Emulator {
  /** Start serving; resolves to the URL once listening. Port 0 (the default) picks a free port. */
  listen(port?: number): Promise<string>
  close(): Promise<void>
  store: Store
  core: Core
  /** Explain, journal, snapshots and reset: what /_emu serves, as calls. */
  controls: Controls
  /** The URL being served, once listening. */
  readonly url: string | undefined
  /**
   * What `listen` serves, as a node:http request listener, for a server of your own or to mount at the
   * root of an Express or Connect app (`app.use(emu.handler)`); `listen` is not needed then.
   */
  readonly handler: RequestListener
}

/** Read and check a seed file; throws InvalidInput naming the file and the bad field. */
export async function loadSeedFile(file: string, deps: { clock?: Clock; ids?: Ids } = {}): Promise<State> {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new EmulatorError('InvalidInput', `${file}: ${(err as Error).message}`, { field: file })
  }
  try {
    return await seedState(raw, deps)
  } catch (err) {
    throw new EmulatorError('InvalidInput', `${file}: ${(err as Error).message}`, { field: file })
  }
}

/** The state a seed option names. */
export async function initialState(
  seed: Seed | string | undefined,
  deps: { clock?: Clock; ids?: Ids },
): Promise<State> {
  return typeof seed === 'object' ? seedState(seed, deps) : loadSeedFile(seed ?? defaultSeedFile, deps)
}

/**
 * An emulator with every dialect on one port, for programmatic use (vitest globalSetup).
 *
 * @example
 * const emu = await createEmulator()
 * const endpoint = await emu.listen()
 * // ... new IAMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } })
 * await emu.close()
 */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const deps = { ...(options.clock && { clock: options.clock }), ...(options.ids && { ids: options.ids }) }
  // A given store is reset to what it held when handed over; otherwise reset returns to the seed.
  const initial = options.store ? options.store.snapshot() : await initialState(options.seed, deps)
  const store = options.store ?? (await openStore({ initial, ...(options.data && { file: options.data }) }))
  const core = createCore({
    store,
    ...deps,
    ...(options.data && { blobs: await fileBlobs(`${options.data}.objects`) }),
    ...(options.maxObjectBytes !== undefined && { maxObjectBytes: options.maxObjectBytes }),
  })
  // Bodies a crash left behind (written, never committed; or let go, never deleted).
  await core.sweepBodies()
  const dialects = options.dialects ?? allDialects
  const auth = options.auth ?? 'strict'
  const controls = createControls({ dialects, core, store, initial, auth, journalSize: options.journalSize })
  const dispatchDeps = {
    core,
    auth,
    ...controls.hooks,
    ...(options.logger && { logger: options.logger }),
  }
  const handler = createRequestListener(
    dialects,
    dispatchDeps,
    createControlPlane(controls, { ...(options.controlToken !== undefined && { controlToken: options.controlToken }) }),
  )
  let server: Server | undefined
  let url: string | undefined
  return {
    store,
    core,
    controls,
    handler,
    get url() {
      return url
    },
    listen(port = 0) {
      return new Promise((resolve, reject) => {
        const host = options.host ?? '127.0.0.1'
        server = createServer(handler)
        server.once('error', reject)
        server.listen(port, host, () => {
          server?.off('error', reject)
          const address = server?.address() as AddressInfo
          url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`
          resolve(url)
        })
        server.keepAliveTimeout = 65_000
        server.on('clientError', answerClientError)
      })
    },
    async close() {
      await new Promise<void>((resolve) => {
        if (!server) return resolve()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await store.close()
    },
  }
}
