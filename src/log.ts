import { pino } from 'pino'
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
  return pino({ level, base: { name: 'keyemu' }, timestamp: pino.stdTimeFunctions.isoTime })
}
