import { describe, expect, test } from 'vitest'
import { credentialsOf, s3Client } from './support/s3.js'
import {
  actualTable,
  expectedTable,
  explainedTable,
  fixtureBuckets,
  fixtureObjects,
  MATRIX,
  TARGETS,
  targetOf,
} from './support/s3-matrix.js'
import { ACCOUNT_OPS, BUCKET_OPS, outcomeOf, runAccountOp, runBucketOp } from './support/s3-operations.js'
import { BIRD_KEY, seedWithForeignAccount } from './support/storage-keys.js'
import { forEachTransport, type Transport } from './support/transports.js'

// The matrix (test/support/s3-matrix.ts) enforced: every case as the provider documents it, and
// explain saying the same of each.

forEachTransport(
  's3 enforcement',
  (t: Transport) => {
    describe('matrix', () => {
      for (const [name, row] of Object.entries(MATRIX)) {
        test(`${name}: allowed and refused as the provider documents, and explain agrees`, async () => {
          await fixtureBuckets(t)
          const key = await row.make(t)
          await fixtureObjects(t)
          const actual = await actualTable(t, name, row, key)
          expect(actual).toEqual(expectedTable(row))
          expect(explainedTable(t, name, row, key)).toEqual(actual)
        })
      }

      test('a Bird key is no storage key: every call is InvalidAccessKeyId', async () => {
        await fixtureBuckets(t)
        await fixtureObjects(t)
        const s3 = s3Client(t, { credentials: credentialsOf(BIRD_KEY) })
        const outcomes = new Set<string>()
        for (const target of TARGETS)
          for (const op of BUCKET_OPS.filter((o) => o !== 'HeadObject'))
            outcomes.add(await outcomeOf(runBucketOp(s3, op, targetOf('aws', target))))
        for (const op of ACCOUNT_OPS) outcomes.add(await outcomeOf(runAccountOp(s3, op, 'new-bird')))
        expect([...outcomes]).toEqual(['InvalidAccessKeyId 403'])
      })
    })
  },
  { seed: seedWithForeignAccount() },
)
