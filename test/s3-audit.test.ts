import { expect, test } from 'vitest'
import {
  casesOf,
  clientOf,
  expectedTable,
  explanationsOf,
  fixtureBuckets,
  fixtureObjects,
  MATRIX,
} from './support/s3-matrix.js'
import { outcomeOf } from './support/s3-operations.js'
import { seedWithForeignAccount } from './support/storage-keys.js'
import { forEachTransport, type Transport } from './support/transports.js'

// Audit mode over the enforcement matrix (test/support/s3-matrix.ts): every case the matrix refuses
// (by a policy, a scope, a role, another account's bucket) is let through, and each of its requests is
// journalled as a would-be denial with the words explain gives for the first permission it lacks.

forEachTransport(
  's3 audit mode',
  (t: Transport) => {
    for (const [name, row] of Object.entries(MATRIX)) {
      test(`${name}: every refused case passes through, journalled as a would-be denial as explain explains it`, async () => {
        await fixtureBuckets(t)
        const key = await row.make(t)
        await fixtureObjects(t)
        const s3 = clientOf(t, row, key)
        const refused = casesOf(name, row).filter((c) => expectedTable(row)[c.name] === 'deny')
        expect(refused.length).toBeGreaterThan(0)
        const seen: Record<string, { outcome: string; journal: (string | undefined)[] }> = {}
        const wanted: typeof seen = {}
        for (const c of refused) {
          const lacking = explanationsOf(t, key, c).find((e) => e.decision === 'deny')
          t.controls.journal.clear()
          const outcome = await outcomeOf(c.run(s3))
          // Newest first: the journal's order reversed is the requests' order.
          const journal = t.controls.journal
            .list({ dialect: 's3' })
            .reverse()
            .map((e) => (e.wouldDeny ? e.verdict?.decidedBy : `not a would-be denial: ${e.status}`))
          seen[c.name] = { outcome, journal }
          wanted[c.name] = { outcome: 'allow', journal: Array(c.requests).fill(lacking?.decidedBy) }
        }
        expect(seen).toEqual(wanted)
      })
    }
  },
  { auth: 'audit', seed: seedWithForeignAccount() },
)
