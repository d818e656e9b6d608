#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander'
import { EmulatorError } from './core/errors.js'
import { dialects } from './dialects.js'
import { createEmulator } from './emulator.js'
import { createLogger, LOG_LEVELS, type LogLevel } from './log.js'
import { version } from './version.js'

function port(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('a port is a whole number from 0 to 65535.')
  return n
}

const program = new Command()
  .name('keyemu')
  .version(version)
  .description(
    `Local emulator of cloud storage access-key APIs, all on one port.\nDialects: ${dialects.map((d) => d.name).join(', ')}.`,
  )
  .addOption(
    new Option('-p, --port <port>', 'port to listen on (0 picks a free one)')
      .env('KEYEMU_PORT')
      .default(4599)
      .argParser(port),
  )
  .addOption(new Option('-H, --host <host>', 'address to bind').env('KEYEMU_HOST').default('127.0.0.1'))
  .addOption(
    new Option('--seed <file>', 'seed state (JSON); default: the bundled seeds/default.json').env('KEYEMU_SEED'),
  )
  .addOption(
    new Option(
      '--data <file>',
      'persist the state to this JSON file; an existing file is loaded instead of the seed',
    ).env('KEYEMU_DATA'),
  )
  .addOption(
    new Option(
      '--auth <mode>',
      'strict: verify signatures and tokens; off: accept any well-formed request as the root identity',
    )
      .env('KEYEMU_AUTH')
      .choices(['strict', 'off'])
      .default('strict'),
  )
  .addOption(new Option('--log-level <level>', 'log level').env('KEYEMU_LOG_LEVEL').choices(LOG_LEVELS).default('info'))
  .addHelpText(
    'after',
    '\nEvery option can also be set by the environment variable shown. Control endpoints: GET /_emu/health, GET /_emu/state, POST /_emu/reset.',
  )
  .showHelpAfterError()

program.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
program.parse()

const options = program.opts<{
  port: number
  host: string
  seed?: string
  data?: string
  auth: 'strict' | 'off'
  logLevel: LogLevel
}>()
const logger = createLogger(options.logLevel)

try {
  const emulator = await createEmulator({
    host: options.host,
    auth: options.auth,
    logger,
    ...(options.seed && { seed: options.seed }),
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
