import { Command, Help, InvalidArgumentError, Option } from 'commander'
import { dialects } from '../dialects.js'
import { LOG_LEVELS, type LogLevel } from '../log.js'
import { defaultSeedFile, version } from '../version.js'
import { writeStarterSeed } from './init.js'

/** What `keyemu` (serving) is given once parsing is done. */
export interface ServeOptions {
  port: number
  host: string
  seed: string
  data?: string
  auth: 'strict' | 'off'
  logLevel: LogLevel
}

function port(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('a port is a whole number from 0 to 65535.')
  return n
}

function dialectList(value: string): string[] {
  const names = value.split(',').map((name) => name.trim())
  const unknown = names.filter((name) => !dialects.some((d) => d.name === name))
  if (unknown.length > 0 || names.length === 0)
    throw new InvalidArgumentError(
      `unknown dialect ${unknown.map((n) => JSON.stringify(n)).join(', ')}; served: ${dialects.map((d) => d.name).join(', ')}.`,
    )
  return names
}

// Commander prints a default only when there is a value; "in memory" is a default without one.
const help = {
  optionDescription(this: Help, option: Option): string {
    const text = Help.prototype.optionDescription.call(this, option)
    if (option.defaultValue !== undefined || !option.defaultValueDescription) return text
    return text.replace(/\(env: ([^)]*)\)$/, `(default: ${option.defaultValueDescription}, env: $1)`)
  },
}

/**
 * The keyemu command line: its options, their environment variables and defaults, and `init`. The
 * README's CLI tables are generated from this same definition (`npm run docs`).
 *
 * @example const options = createProgram().parse().opts<ServeOptions>()
 */
export function createProgram(): Command {
  const program = new Command()
    .name('keyemu')
    .version(version)
    .description(
      `Local emulator of cloud storage access-key APIs, all on one port.\nDialects: ${dialects.map((d) => d.name).join(', ')}.`,
    )
    .configureHelp(help)
    .addOption(
      new Option('-p, --port <port>', 'port to listen on (0 picks a free one)')
        .env('KEYEMU_PORT')
        .default(4599)
        .argParser(port),
    )
    .addOption(
      new Option('-H, --host <host>', 'address to bind (the Docker image sets 0.0.0.0)')
        .env('KEYEMU_HOST')
        .default('127.0.0.1'),
    )
    .addOption(
      new Option('--seed <file>', 'seed state (JSON) to start from; `keyemu init` writes one')
        .env('KEYEMU_SEED')
        .default(defaultSeedFile, 'the bundled seeds/default.json'),
    )
    .addOption(
      new Option('--data <file>', 'persist the state to this JSON file; an existing file is loaded instead of the seed')
        .env('KEYEMU_DATA')
        .default(undefined, 'in memory'),
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
    .addOption(
      new Option('--log-level <level>', 'log level').env('KEYEMU_LOG_LEVEL').choices(LOG_LEVELS).default('info'),
    )
    .addHelpText(
      'after',
      '\nEvery option can also be set by the environment variable shown. Control endpoints: GET /_emu/health, GET /_emu/state, POST /_emu/reset.',
    )
    .showHelpAfterError()
    // Set before `init` is added, so that it inherits it: a usage error exits 2, as a bad seed does.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    // Serving is what cli.ts does once parsing returns; `init` exits on its own.
    .action(() => undefined)

  program
    .command('init')
    .description('write a starter seed: the default accounts for the chosen dialects, with placeholder secrets')
    .argument('[file]', 'where to write it', 'keyemu.seed.json')
    .addOption(
      new Option('--dialects <names>', 'comma-separated dialects whose accounts to include')
        .default(
          dialects.map((d) => d.name),
          'all served',
        )
        .argParser(dialectList),
    )
    .addOption(new Option('--force', 'overwrite the file if it exists').default(false))
    .action((file: string, options: { dialects: string[]; force: boolean }) => {
      try {
        process.stdout.write(writeStarterSeed(file, options))
      } catch (err) {
        process.stderr.write(`keyemu init: ${(err as Error).message}\n`)
        process.exit(2)
      }
      process.exit(0)
    })

  return program
}
