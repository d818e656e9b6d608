import type { HttpHandler } from 'msw'
import { type Controls, createControls } from './control/controls.js'
import { createCore } from './core/core.js'
import type { Seed } from './core/seed.js'
import { openStore, type Store } from './core/store.js'
import { dialects } from './dialects.js'
import { initialState } from './emulator.js'
import { toMswHandlers, unhandledRequests } from './protocol/msw.js'
import type { AuthMode } from './protocol/route.js'

export interface HandlerOptions {
  /** A seed object or seed file path; the default seed otherwise. */
  seed?: Seed | string
  /** Serve this store instead of a fresh one. */
  store?: Store
  auth?: AuthMode
  /** The most bytes of object bodies kept in memory at once (default 256 MiB). */
  maxObjectBytes?: number
}

const coreOptions = (options: HandlerOptions) =>
  options.maxObjectBytes !== undefined ? { maxObjectBytes: options.maxObjectBytes } : {}

/** MSW handlers and, beside them, the control surface: explain, journal, snapshots, sandboxes, reset, state. */
export interface MockEmulator extends Controls {
  handlers: HttpHandler[]
}

/**
 * The emulator in-process: MSW handlers for every dialect over a fresh store, and the same controls
 * the server offers under /_emu, as calls.
 *
 * @example
 * const emu = await createMockEmulator()
 * const server = setupServer(...emu.handlers)
 * emu.explain({ dialect: 'iam', credential: { accessKeyId }, action: 'iam:ListUsers', resource: '*' })
 */
export async function createMockEmulator(
  options: HandlerOptions & { journalSize?: number } = {},
): Promise<MockEmulator> {
  const auth = options.auth ?? 'strict'
  const initial = options.store ? options.store.snapshot() : await initialState(options.seed, {})
  const store = options.store ?? (await openStore({ initial }))
  const core = createCore({ store, ...coreOptions(options) })
  const controls = createControls({ dialects, core, store, initial, auth, journalSize: options.journalSize })
  return { ...controls, handlers: toMswHandlers(dialects, { core, auth, ...controls.hooks }) }
}

/**
 * MSW request handlers for every dialect, bound to the providers' real hosts, over a fresh store
 * loaded from the default seed (or `options.seed`, or a given `options.store`). The store is seeded
 * in the background; the first request waits for it.
 *
 * @example
 * const server = setupServer(...createHandlers())
 * server.listen({ onUnhandledFrame: 'error' }) // MSW 2: onUnhandledRequest; either: unhandledRequests('error')
 */
export function createHandlers(options: HandlerOptions = {}): HttpHandler[] {
  const auth = options.auth ?? 'strict'
  const deps = (async () => {
    const store = options.store ?? (await openStore({ initial: await initialState(options.seed, {}) }))
    return { core: createCore({ store, ...coreOptions(options) }), auth }
  })()
  return toMswHandlers(dialects, deps)
}

/** A set of handlers over the default seed. */
export const handlers: HttpHandler[] = createHandlers()

export { toMswHandlers, unhandledRequests }
