import { expect, test } from 'vitest'
import type { Principal } from '../../src/core/principals.js'
import { forEachTransport, type Transport } from '../../test/support/transports.js'
import { LINODE_KEYS } from './auth.js'

const LINODE = 'https://api.linode.com'
const ACCOUNT = 'linode-account'

// Keys made through the Linode API are judged by the shared evaluator like any other key.
forEachTransport('linode keys under the shared evaluator', (t: Transport) => {
  async function createKey(body: unknown): Promise<Principal> {
    const res = await fetch(`${t.endpoint(LINODE)}/v4/object-storage/keys`, {
      method: 'POST',
      headers: { authorization: 'Bearer keyemu-linode-token', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(res.status).toBe(200)
    const key = (await res.json()) as { access_key: string }
    return { accountId: ACCOUNT, userId: null, keyId: key.access_key }
  }
  // Bucket grants hold in their region only: the S3 endpoint a request reaches names it.
  const effect = (principal: Principal, action: string, resource: string, region = 'us-east') =>
    t.core.authorize(principal, { action, resource, context: { 'aws:RequestedRegion': region } }).effect

  async function makeBucket(label: string) {
    const res = await fetch(`${t.endpoint(LINODE)}/v4/object-storage/buckets`, {
      method: 'POST',
      headers: { authorization: 'Bearer keyemu-linode-token', 'content-type': 'application/json' },
      body: JSON.stringify({ label, region: 'eu-central' }),
    })
    expect(res.status).toBe(200)
  }

  test('read_only allows reading its bucket and nothing else; read_write also writes', async () => {
    await makeBucket('writable')
    await makeBucket('unlisted')
    const key = await createKey({
      label: 'limited',
      bucket_access: [
        { region: 'us-east', bucket_name: 'example-bucket', permissions: 'read_only' },
        { cluster: 'eu-central-1', bucket_name: 'writable', permissions: 'read_write' },
      ],
    })
    expect(effect(key, 's3:GetObject', 'arn:aws:s3:::example-bucket/photo.jpg')).toBe('allow')
    expect(effect(key, 's3:ListBucket', 'arn:aws:s3:::example-bucket')).toBe('allow')
    expect(effect(key, 's3:PutObject', 'arn:aws:s3:::example-bucket/photo.jpg')).toBe('implicit-deny')
    expect(effect(key, 's3:DeleteObject', 'arn:aws:s3:::example-bucket/photo.jpg')).toBe('implicit-deny')
    expect(effect(key, 's3:GetObject', 'arn:aws:s3:::writable/a.txt', 'eu-central')).toBe('allow')
    expect(effect(key, 's3:PutObject', 'arn:aws:s3:::writable/a.txt', 'eu-central')).toBe('allow')
    expect(effect(key, 's3:DeleteObject', 'arn:aws:s3:::writable/a.txt', 'eu-central')).toBe('allow')
    expect(effect(key, 's3:GetObject', 'arn:aws:s3:::unlisted/a.txt')).toBe('implicit-deny')
    expect(effect(key, 's3:ListBucket', 'arn:aws:s3:::unlisted')).toBe('implicit-deny')
  })

  test('a grant on a bucket in one region does not reach a bucket of the same name in another', async () => {
    const key = await createKey({
      label: 'one-region',
      bucket_access: [{ region: 'us-east', bucket_name: 'example-bucket', permissions: 'read_write' }],
    })
    await makeBucket('example-bucket')
    expect(effect(key, 's3:PutObject', 'arn:aws:s3:::example-bucket/a.txt', 'us-east')).toBe('allow')
    expect(effect(key, 's3:PutObject', 'arn:aws:s3:::example-bucket/a.txt', 'eu-central')).toBe('implicit-deny')
  })

  test('limited keys, even with no bucket, may list all buckets and create buckets, but not use new ones', async () => {
    const key = await createKey({ label: 'no-buckets', bucket_access: [] })
    expect(effect(key, 's3:ListAllMyBuckets', '*')).toBe('allow')
    expect(effect(key, 's3:CreateBucket', 'arn:aws:s3:::brand-new')).toBe('allow')
    await makeBucket('brand-new')
    expect(effect(key, 's3:PutObject', 'arn:aws:s3:::brand-new/a.txt')).toBe('implicit-deny')
    expect(effect(key, 's3:GetObject', 'arn:aws:s3:::example-bucket/a.txt')).toBe('implicit-deny')
  })

  test('an unlimited key may do anything to any bucket of the account', async () => {
    const key = await createKey({ label: 'unlimited' })
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:PutBucketPolicy']) {
      expect(effect(key, action, 'arn:aws:s3:::example-bucket/a.txt')).toBe('allow')
    }
    expect(effect(key, 's3:ListAllMyBuckets', '*')).toBe('allow')
    expect(effect(key, 's3:CreateBucket', 'arn:aws:s3:::another')).toBe('allow')
  })

  test('a revoked key no longer authenticates', async () => {
    const key = await createKey({ label: 'revoked', bucket_access: null })
    const serial = t.core
      .listAccessKeys({ namespace: LINODE_KEYS, accountId: ACCOUNT })
      .find((k) => k.id === key.keyId)?.serial
    const res = await fetch(`${t.endpoint(LINODE)}/v4/object-storage/keys/${serial}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer keyemu-linode-token' },
    })
    expect(res.status).toBe(200)
    expect(t.core.findKeyForAuth([LINODE_KEYS], key.keyId ?? '')).toBeUndefined()
    expect(effect(key, 's3:GetObject', 'arn:aws:s3:::example-bucket/a.txt')).toBe('implicit-deny')
  })
})
