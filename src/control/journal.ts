import * as z from 'zod'
import type { RequestRecord } from '../protocol/dispatch.js'
import { parseJson } from '../protocol/rest/json.js'

/** A served request as the journal keeps it: with the sandbox of the caller's account, if it has one. */
export interface JournalEntry extends RequestRecord {
  sandbox?: string
}

/** How many requests the journal keeps unless told otherwise. */
export const DEFAULT_JOURNAL_SIZE = 10_000

// Schemas are z.lazy: each is built on its first use, not at every start (why: src/protocol/aws/validation.ts).
const Decision = z.lazy(() =>
  z.enum(['allow', 'deny', 'would-deny', 'none'], {
    error: 'decision must be allow, deny, would-deny or none',
  }),
)

export const JournalQuery = z.lazy(() =>
  z.strictObject({
    dialect: z.string().optional(),
    operation: z.string().optional(),
    /** An access key id: requests made with that key. */
    key: z.string().optional(),
    /** A sandbox id: requests made by its accounts' credentials. */
    sandbox: z.string().optional(),
    decision: Decision.optional(),
    status: z.coerce.number({ error: 'status must be an HTTP status' }).int().min(100).max(599).optional(),
    since: z.iso.datetime({ offset: true, error: 'since must be an ISO 8601 time' }).optional(),
    until: z.iso.datetime({ offset: true, error: 'until must be an ISO 8601 time' }).optional(),
    limit: z.coerce
      .number()
      .int()
      .min(1, 'limit must be from 1 to 10000')
      .max(10_000, 'limit must be from 1 to 10000')
      .default(100),
  }),
)
export type JournalQuery = z.input<typeof JournalQuery>

/** What a request's authorization came to: allowed, denied, let through in audit mode, or never asked. */
export function decisionOf(record: RequestRecord): z.infer<typeof Decision> {
  if (record.wouldDeny) return 'would-deny'
  if (!record.verdict) return 'none'
  return record.verdict.effect === 'allow' ? 'allow' : 'deny'
}

/**
 * The last `size` requests served, kept in a ring so that memory stays bounded however long the
 * emulator runs.
 *
 * @example const journal = createJournal(); deps.record = journal.record; journal.list({ decision: 'deny' })
 */
export function createJournal(size = DEFAULT_JOURNAL_SIZE) {
  let ring: JournalEntry[] = []
  let next = 0
  return {
    size,
    record(entry: JournalEntry): void {
      if (ring.length < size) ring.push(entry)
      else ring[next] = entry
      next = (next + 1) % size
    },
    /** Entries newest first, filtered; throws InvalidInput for a bad filter. */
    list(filter: unknown = {}): JournalEntry[] {
      const q = parseJson(JournalQuery, filter)
      const since = q.since === undefined ? undefined : Date.parse(q.since)
      const until = q.until === undefined ? undefined : Date.parse(q.until)
      const out: JournalEntry[] = []
      for (let i = 1; i <= ring.length && out.length < q.limit; i++) {
        const e = ring[(next - i + ring.length) % ring.length] as JournalEntry
        if (q.dialect !== undefined && e.dialect !== q.dialect) continue
        if (q.operation !== undefined && e.operation !== q.operation) continue
        if (q.key !== undefined && e.principal?.keyId !== q.key) continue
        if (q.sandbox !== undefined && e.sandbox !== q.sandbox) continue
        if (q.decision !== undefined && decisionOf(e) !== q.decision) continue
        if (q.status !== undefined && e.status !== q.status) continue
        const at = Date.parse(e.at)
        if (since !== undefined && at < since) continue
        if (until !== undefined && at > until) continue
        out.push(e)
      }
      return out
    },
    clear(): void {
      ring = []
      next = 0
    },
  }
}

export type Journal = ReturnType<typeof createJournal>
