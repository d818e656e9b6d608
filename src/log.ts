import { destination, pino } from 'pino'
import type { Logger } from './protocol/dispatch.js'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/**
 * One JSON line per event on stdout. Request lines carry dialect, operation, status and ms; bodies
 * and headers are never logged, so neither are secrets.
 *
 * @example const logger = createLogger('info'); logger.info({ url }, 'ready')
 */
export function createLogger(level: LogLevel): Logger & { fatal(entry: object, message?: string): void } {
  // File descriptor 1, as pino's default, but named: the default reads process.stdout, and making that
  // stream is a few ms of every start that the CLI otherwise never needs.
  return pino({ level, base: { name: 'keyemu' }, timestamp: pino.stdTimeFunctions.isoTime }, destination(1))
}
