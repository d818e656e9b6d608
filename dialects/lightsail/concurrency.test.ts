import {
  CreateBucketAccessKeyCommand,
  CreateBucketCommand,
  GetBucketAccessKeysCommand,
  InvalidInputException,
  LightsailClient,
} from '@aws-sdk/client-lightsail'
import { expect, test } from 'vitest'
import { ROOT } from '../../test/support/aws-signing.js'
import { forEachTransport } from '../../test/support/transports.js'

const LIGHTSAIL = 'https://lightsail.us-east-1.amazonaws.com'
const ATTEMPTS = 50

forEachTransport('lightsail concurrency', (t) => {
  test(`${ATTEMPTS} CreateBucketAccessKey calls at once for one bucket make exactly two keys`, async () => {
    const ls = new LightsailClient({
      endpoint: t.endpoint(LIGHTSAIL),
      region: 'us-east-1',
      credentials: ROOT,
      maxAttempts: 1,
    })
    await ls.send(new CreateBucketCommand({ bucketName: 'contended', bundleId: 'small_1_0' }))
    const results = await Promise.allSettled(
      Array.from({ length: ATTEMPTS }, () => ls.send(new CreateBucketAccessKeyCommand({ bucketName: 'contended' }))),
    )
    const created = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.accessKey?.accessKeyId] : []))
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))
    expect(created).toHaveLength(2)
    expect(refused).toHaveLength(ATTEMPTS - 2)
    for (const err of refused) expect(err).toBeInstanceOf(InvalidInputException)

    const bucket = t.core.findBucket({ accountId: '000000000000', name: 'contended' })
    const stored = Object.values(t.snapshot().accessKeys).filter((k) => k.bucketId === bucket?.id)
    expect(stored.map((k) => k.id).sort()).toEqual([...created].sort())
    const listed = await ls.send(new GetBucketAccessKeysCommand({ bucketName: 'contended' }))
    expect(listed.accessKeys).toHaveLength(2)
  })
})
