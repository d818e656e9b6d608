import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest'
import type { Clock } from '../../src/core/clock.js'
import { type Core, createCore } from '../../src/core/core.js'
import type { State } from '../../src/core/model.js'
import type { Seed } from '../../src/core/seed.js'
import { openStore, type Store } from '../../src/core/store.js'
import { dialects } from '../../src/dialects.js'
import { createEmulator, type Emulator, initialState } from '../../src/emulator.js'
import { toMswHandlers, unhandledRequests } from '../../src/protocol/msw.js'
import type { AuthMode } from '../../src/protocol/route.js'

export type TransportKind = 'server' | 'msw'

/** One way of serving the emulator to a test: over a real port, or in-process through MSW. */
export interface Transport {
  readonly kind: TransportKind
  /** Where a client should send what it would send to `realOrigin` (e.g. https://iam.amazonaws.com). */
  endpoint(realOrigin: string): string
  readonly core: Core
  readonly store: Store
  /** The state now, for before/after comparisons. */
  snapshot(): State
}

export interface TransportOptions {
  seed?: Seed | string
  auth?: AuthMode
  clock?: Clock
}

/**
 * Run the same test bodies over the Express server (random free port) and over the MSW handlers
 * (the provider's real host, no port). Every test gets a fresh store from the seed.
 *
 * @example forEachTransport('iam', (t) => { test('...', async () => { new IAMClient({ endpoint: t.endpoint(IAM) }) }) })
 */
export function forEachTransport(name: string, body: (t: Transport) => void, options: TransportOptions = {}): void {
  for (const kind of ['server', 'msw'] as const) {
    describe(`${name} over ${kind}`, () => {
      let core: Core | undefined
      let store: Store | undefined
      let emulator: Emulator | undefined
      let initial: State | undefined
      const msw = kind === 'msw' ? setupServer() : undefined
      const deps = { ...(options.clock && { clock: options.clock }) }

      beforeAll(async () => {
        initial = await initialState(options.seed, deps)
        msw?.listen(unhandledRequests('error'))
      })
      afterAll(() => msw?.close())
      beforeEach(async () => {
        store = await openStore({ initial: initial as State })
        if (msw) {
          core = createCore({ store, ...deps })
          msw.resetHandlers(...toMswHandlers(dialects, { core, auth: options.auth ?? 'strict' }))
        } else {
          emulator = await createEmulator({ store, auth: options.auth ?? 'strict', ...deps })
          core = emulator.core
          await emulator.listen(0)
        }
      })
      afterEach(async () => {
        await emulator?.close()
        emulator = undefined
      })

      body({
        kind,
        endpoint: (realOrigin) => (emulator?.url ? emulator.url : realOrigin),
        get core() {
          return core as Core
        },
        get store() {
          return store as Store
        },
        snapshot: () => (store as Store).snapshot(),
      })
    })
  }
}
