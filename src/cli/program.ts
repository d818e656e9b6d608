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
  auth: 'strict' | 'audit' | 'off'
  journalSize: number
  maxObjectBytes: number
  controlToken?: string
  logLevel: LogLevel
}

/** Every environment variable the program or one of its commands reads. */
export function knownEnvironment(program: Command): string[] {
  return [program, ...program.commands].flatMap((c) => c.options.flatMap((o) => (o.envVar ? [o.envVar] : [])))
}

/** The environment variables keyemu reads: any other KEYEMU_* is a mistake, refused at start. */
export function unknownEnvironment(program: Command, env: NodeJS.ProcessEnv): string[] {
  const known = new Set(knownEnvironment(program))
  return Object.keys(env).filter((name) => name.startsWith('KEYEMU_') && !known.has(name))
}

function port(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('a port is a whole number from 0 to 65535.')
  return n
}

function positive(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('give a whole number of 1 or more.')
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
        'strict: verify signatures and tokens, refuse what policies deny; audit: as strict, but let a denied call through and log it as a would-be denial; off: accept any well-formed request as the root identity',
      )
        .env('KEYEMU_AUTH')
        .choices(['strict', 'audit', 'off'])
        .default('strict'),
    )
    .addOption(
      new Option('--journal-size <n>', 'how many requests GET /_emu/journal keeps (the oldest go first)')
        .env('KEYEMU_JOURNAL_SIZE')
        .default(10_000)
        .argParser(positive),
    )
    .addOption(
      new Option(
        '--max-object-bytes <n>',
        'the most bytes of object bodies kept at once (in memory, or on disk with --data); a write past it is refused',
      )
        .env('KEYEMU_MAX_OBJECT_BYTES')
        .default(256 * 1024 * 1024, '268435456 (256 MiB)')
        .argParser(positive),
    )
    .addOption(
      new Option(
        '--control-token <token>',
        'require Authorization: Bearer <token> on every /_emu endpoint but health; set it whenever the port is reachable beyond loopback',
      )
        .env('KEYEMU_CONTROL_TOKEN')
        .default(undefined, 'none'),
    )
    .addOption(
      new Option('--log-level <level>', 'log level').env('KEYEMU_LOG_LEVEL').choices(LOG_LEVELS).default('info'),
    )
    .addHelpText(
      'after',
      '\nEvery option can also be set by the environment variable shown. Control endpoints: GET /_emu/health, GET /_emu/state, POST /_emu/reset, GET|POST /_emu/sandboxes, DELETE /_emu/sandboxes/{id}, POST /_emu/explain, GET|DELETE /_emu/journal, GET|POST /_emu/snapshots, POST /_emu/snapshots/{name}/restore, DELETE /_emu/snapshots/{name}, GET|POST|DELETE /_emu/faults, DELETE /_emu/faults/{id}.',
    )
    .showHelpAfterError()
    // `keyemu explain --control-token T`: an option after a command is that command's, not the server's.
    .enablePositionalOptions()
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

  program
    .command('explain')
    .description(
      'ask a running keyemu whether a credential may take an action on a resource, and what decides it (exit 0 allowed, 1 denied)',
    )
    .requiredOption(
      '--dialect <name>',
      `the dialect the credential belongs to (${dialects.map((d) => d.name).join(', ')})`,
    )
    .option('--access-key-id <id>', 'the credential, as an access key id')
    .option('--token <token>', 'the credential, as a token (Linode, Bird)')
    .requiredOption('--action <action>', 'the action, as the provider names it (iam:CreateAccessKey)')
    .requiredOption('--resource <resource>', 'the resource, as the provider names it (an ARN)')
    .option('--region <region>', 'the region the call is made in')
    .option('--source-ip <ip>', 'the address the call comes from')
    .option('--time <iso>', 'when the call is made')
    .addOption(new Option('--url <url>', 'the running keyemu').env('KEYEMU_URL').default('http://127.0.0.1:4599'))
    .addOption(
      new Option('--control-token <token>', "the server's control token, if it has one").env('KEYEMU_CONTROL_TOKEN'),
    )
    .action(async (o: ExplainOptions) => process.exit(await explainCommand(o)))

  return program
}

interface ExplainOptions {
  dialect: string
  accessKeyId?: string
  token?: string
  action: string
  resource: string
  region?: string
  sourceIp?: string
  time?: string
  url: string
  controlToken?: string
}

async function explainCommand(o: ExplainOptions): Promise<number> {
  const context = {
    ...(o.region && { region: o.region }),
    ...(o.sourceIp && { sourceIp: o.sourceIp }),
    ...(o.time && { time: o.time }),
  }
  const body = {
    dialect: o.dialect,
    credential: { ...(o.accessKeyId && { accessKeyId: o.accessKeyId }), ...(o.token && { token: o.token }) },
    action: o.action,
    resource: o.resource,
    ...(Object.keys(context).length > 0 && { context }),
  }
  try {
    const res = await fetch(new URL('/_emu/explain', o.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(o.controlToken !== undefined && { authorization: `Bearer ${o.controlToken}` }),
      },
      body: JSON.stringify(body),
    })
    const answer = (await res.json()) as { decision?: string; decidedBy?: string; message?: string }
    if (!res.ok) {
      process.stderr.write(`keyemu explain: ${answer.message ?? res.statusText}\n`)
      return 2
    }
    process.stdout.write(`${answer.decision}: ${answer.decidedBy}\n${JSON.stringify(answer, null, 2)}\n`)
    return answer.decision === 'allow' ? 0 : 1
  } catch (err) {
    process.stderr.write(`keyemu explain: cannot reach ${o.url}: ${(err as Error).message}\n`)
    return 2
  }
}
