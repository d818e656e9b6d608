// What a TypeScript user writes: every name keyemu exports must resolve with its types.
import { createEmulator, type Emulator, EmulatorError, type Seed } from 'keyemu'
import { createHandlers, handlers, unhandledRequests } from 'keyemu/msw'
import { setupServer } from 'msw/node'

const seed: Seed = { accounts: [{ id: '000000000000', name: 'ci', realm: 'aws' }] }
const server = setupServer(...createHandlers({ seed, auth: 'strict' }), ...handlers)
server.listen(unhandledRequests('error'))
server.close()

const emulator: Emulator = await createEmulator({ seed })
const url: string = await emulator.listen(0)
await emulator.close()
export const checks = [url, new EmulatorError('InvalidInput', 'typed').code satisfies string]
