import type { HttpHandler } from 'msw'
import { createCore } from './core/core.js'
import type { Seed } from './core/seed.js'
import { openStore, type Store } from './core/store.js'
import { dialects } from './dialects.js'
import { initialState } from './emulator.js'
import { toMswHandlers } from './protocol/msw.js'
import type { AuthMode } from './protocol/route.js'

export interface HandlerOptions {
  /** A seed object or seed file path; the default seed otherwise. */
  seed?: Seed | string
  /** Serve this store instead of a fresh one. */
  store?: Store
  auth?: AuthMode
}

/**
 * MSW request handlers for every dialect, bound to the providers' real hosts, over a fresh store
 * loaded from the default seed (or `options.seed`, or a given `options.store`).
 *
 * @example
 * const server = setupServer(...(await createHandlers()))
 * server.listen({ onUnhandledRequest: 'error' })
 */
export async function createHandlers(options: HandlerOptions = {}): Promise<HttpHandler[]> {
  const store = options.store ?? (await openStore({ initial: await initialState(options.seed, {}) }))
  return toMswHandlers(dialects, { core: createCore({ store }), auth: options.auth ?? 'strict' })
}

/** A ready set of handlers over the default seed. */
export const handlers: HttpHandler[] = await createHandlers()

export { toMswHandlers }
