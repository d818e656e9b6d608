import { isatty } from 'node:tty'
import { banner } from './cli/banner.js'
import { createProgram, knownEnvironment, type ServeOptions, unknownEnvironment } from './cli/program.js'
import { EmulatorError } from './core/errors.js'
import { dialects } from './dialects.js'
import { createEmulator } from './emulator.js'
import { createLogger, LOG_LEVELS } from './log.js'
import { version } from './version.js'

async function main(): Promise<void> {
  const program = await createProgram().parseAsync()

  const options = program.opts<ServeOptions>()
  const logger = createLogger(options.logLevel)

  // A misspelt variable would otherwise be ignored in silence (KEYEMU_AUTHH=off, enforcement still on).
  const unknown = unknownEnvironment(program, process.env)
  if (unknown.length > 0) {
    logger.fatal(
      { unknown },
      `cannot start: unknown environment variable ${unknown.join(', ')}; keyemu reads ${knownEnvironment(program).join(', ')}.`,
    )
    process.exit(2)
  }

  try {
    const emulator = await createEmulator({
      host: options.host,
      auth: options.auth,
      journalSize: options.journalSize,
      maxObjectBytes: options.maxObjectBytes,
      ...(options.controlToken !== undefined && { controlToken: options.controlToken }),
      logger,
      seed: options.seed,
      ...(options.data && { data: options.data }),
    })
    const url = await emulator.listen(options.port)
    // A person at a terminal gets the mode, dialects and credentials in words; a pipe only the JSON lines.
    // (isatty, not process.stdout.isTTY: making that stream costs a few ms of a start that needs no banner.)
    if (isatty(1)) {
      const { auth, dialects: served, seeded: credentials } = emulator.controls
      const controlToken = options.controlToken !== undefined
      process.stdout.write(banner({ version, url, auth, dialects: served, credentials, controlToken }))
    }
    // The ready line is printed at every log level: scripts wait for it to learn the URL.
    const announcer =
      options.logLevel === 'silent' || LOG_LEVELS.indexOf(options.logLevel) < LOG_LEVELS.indexOf('info')
        ? createLogger('info')
        : logger
    announcer.info(
      {
        url,
        dialects: dialects.map((d) => d.name),
        auth: options.auth,
        data: options.data ?? null,
        controlToken: options.controlToken === undefined ? 'none' : 'required',
        credentials: emulator.controls.seeded,
      },
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
}

// No top-level await: the bin loads this bundle as CommonJS, whose compiled code it can keep (src/bin.ts).
void main()
