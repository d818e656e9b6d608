#!/usr/bin/env node
import { createProgram, type ServeOptions } from './cli/program.js'
import { EmulatorError } from './core/errors.js'
import { dialects } from './dialects.js'
import { createEmulator } from './emulator.js'
import { createLogger, LOG_LEVELS } from './log.js'

const program = createProgram().parse()

const options = program.opts<ServeOptions>()
const logger = createLogger(options.logLevel)

try {
  const emulator = await createEmulator({
    host: options.host,
    auth: options.auth,
    logger,
    seed: options.seed,
    ...(options.data && { data: options.data }),
  })
  const url = await emulator.listen(options.port)
  // The ready line is printed at every log level: scripts wait for it to learn the URL.
  const announcer =
    options.logLevel === 'silent' || LOG_LEVELS.indexOf(options.logLevel) < LOG_LEVELS.indexOf('info')
      ? createLogger('info')
      : logger
  announcer.info(
    { url, dialects: dialects.map((d) => d.name), auth: options.auth, data: options.data ?? null },
    'ready',
  )
  const stop = async (signal: string) => {
    logger.info({ signal }, 'stopping')
    await emulator.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
} catch (err) {
  const message = err instanceof Error ? err.message : String(err)
  logger.fatal({ field: err instanceof EmulatorError ? err.detail.field : undefined }, `cannot start: ${message}`)
  process.exit(2)
}
