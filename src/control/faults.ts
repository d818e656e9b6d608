import * as z from 'zod'
import { EmulatorError, echo } from '../core/errors.js'
import type { Fault, FaultTarget } from '../protocol/dispatch.js'
import { parseJson } from '../protocol/rest/json.js'

// Schemas are z.lazy: each is built on its first use, not at every start (why: src/protocol/aws/validation.ts).
export const FaultSpec = z.lazy(() =>
  z
    .strictObject({
      dialect: z.string().min(1).max(64),
      /** The provider's name for one operation (as the journal shows it); every operation if left out. */
      operation: z.string().min(1).max(256).optional(),
      /** The access key id of the one credential to hit; every caller if left out. */
      key: z.string().min(1).max(256).optional(),
      kind: z.enum(['error', 'latency', 'drop'], { error: 'kind must be error, latency or drop' }),
      error: z
        .enum(['Throttled', 'ServiceUnavailable', 'Internal'], {
          error: 'error must be Throttled, ServiceUnavailable or Internal',
        })
        .default('Throttled'),
      latencyMs: z.number().int().min(1).max(60_000).optional(),
      /** The next N matching calls (1 unless a probability is given). */
      times: z.number().int().min(1).max(1_000_000).optional(),
      /** Each matching call, with this probability, until disarmed. */
      probability: z.number().gt(0).max(1).optional(),
    })
    .refine((f) => f.times === undefined || f.probability === undefined, {
      message: 'give times or probability, not both',
      path: ['probability'],
    })
    .refine((f) => f.kind !== 'latency' || f.latencyMs !== undefined, {
      message: 'a latency fault needs latencyMs',
      path: ['latencyMs'],
    }),
)

export interface ArmedFault extends Fault {
  dialect: string
  operation?: string
  key?: string
  /** Calls still to hit (a count fault); undefined for a probability fault. */
  remaining?: number
  probability?: number
  hits: number
}

/**
 * Faults armed for the dispatcher to inject: an error in the dialect's own envelope, added latency,
 * or a dropped connection, for the next N matching calls or with a probability.
 *
 * @example const faults = createFaults(dialectNames); faults.arm({ dialect: 'iam', kind: 'error', error: 'Throttled' })
 */
export function createFaults(dialects: string[], random: () => number = Math.random) {
  let armed: ArmedFault[] = []
  let serial = 0
  return {
    arm(body: unknown): ArmedFault {
      const spec = parseJson(FaultSpec, body)
      if (!dialects.includes(spec.dialect)) {
        throw new EmulatorError('InvalidInput', `No dialect ${echo(spec.dialect)}; there are ${dialects.join(', ')}.`, {
          field: 'dialect',
        })
      }
      serial += 1
      const fault: ArmedFault = {
        id: `fault-${serial}`,
        dialect: spec.dialect,
        ...(spec.operation !== undefined && { operation: spec.operation }),
        ...(spec.key !== undefined && { key: spec.key }),
        kind: spec.kind,
        ...(spec.kind === 'error' && { error: spec.error }),
        ...(spec.latencyMs !== undefined && { latencyMs: spec.latencyMs }),
        ...(spec.probability === undefined ? { remaining: spec.times ?? 1 } : { probability: spec.probability }),
        hits: 0,
      }
      armed.push(fault)
      return structuredClone(fault)
    },
    list(): ArmedFault[] {
      return structuredClone(armed)
    },
    disarm(id?: string): void {
      if (id === undefined) armed = []
      else if (armed.some((f) => f.id === id)) armed = armed.filter((f) => f.id !== id)
      else throw new EmulatorError('NotFound', `There is no armed fault ${echo(id)}.`, { field: 'id' })
    },
    /** The fault a call gets, if any: the first armed one that matches and fires; a spent one is disarmed. */
    take(call: FaultTarget): Fault | undefined {
      const fault = armed.find(
        (f) =>
          f.dialect === call.dialect &&
          (f.operation === undefined || f.operation === call.operation) &&
          (f.key === undefined || f.key === call.keyId) &&
          (f.probability === undefined || random() < f.probability),
      )
      if (!fault) return undefined
      fault.hits += 1
      if (fault.remaining !== undefined) {
        fault.remaining -= 1
        if (fault.remaining === 0) armed = armed.filter((f) => f !== fault)
      }
      const { id, kind, error, latencyMs } = fault
      return { id, kind, ...(error && { error }), ...(latencyMs !== undefined && { latencyMs }) }
    },
  }
}

export type Faults = ReturnType<typeof createFaults>
