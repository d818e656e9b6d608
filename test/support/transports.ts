import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest'
import { type Controls, createControls } from '../../src/control/controls.js'
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
  /** Explain, journal, snapshots, reset: the control surface of this emulator. */
  readonly controls: Controls
  /** The server's URL (undefined in-process). */
  readonly url: string | undefined
  /** The state now, for before/after comparisons. */
  snapshot(): State
}

export interface TransportOptions {
  seed?: Seed | string
  auth?: AuthMode
  clock?: Clock
}

/**
 * Run the same test bodies over the node:http server (random free port) and over the MSW handlers
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
      let controls: Controls | undefined
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
          const auth = options.auth ?? 'strict'
          controls = createControls({ dialects, core, store, initial: initial as State, auth })
          msw.resetHandlers(...toMswHandlers(dialects, { core, auth, ...controls.hooks }))
        } else {
          emulator = await createEmulator({ store, auth: options.auth ?? 'strict', ...deps })
          core = emulator.core
          controls = emulator.controls
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
        get controls() {
          return controls as Controls
        },
        get url() {
          return emulator?.url
        },
        snapshot: () => (store as Store).snapshot(),
      })
    })
  }
}
