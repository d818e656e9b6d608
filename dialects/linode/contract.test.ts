import {
  baseRequest,
  createBucket,
  createObjectStorageKeys,
  deleteBucketWithRegion,
  getBucket,
  getBuckets,
  getBucketsInRegion,
  getClusters,
  getObjectStorageEndpoints,
  getObjectStorageKeys,
  type ObjectStorageKey,
  type ObjectStorageKeyBucketAccess,
  revokeObjectStorageKey,
  setToken,
  updateObjectStorageKey,
} from '@linode/api-v4'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { forEachTransport, type Transport } from '../../test/support/transports.js'

const LINODE = 'https://api.linode.com'
const TOKEN = 'keyemu-linode-token'
const READONLY_TOKEN = 'keyemu-linode-readonly-token'

// Current clients name a bucket's place by region; the client's type still requires the older cluster.
const inRegion = (region: string, bucket_name: string, permissions: 'read_only' | 'read_write') =>
  ({ region, bucket_name, permissions }) as ObjectStorageKeyBucketAccess

/** What the API answered a failed call with: its status and Linode's `errors` array. */
async function apiFailure(
  call: Promise<unknown>,
): Promise<{ status: number; errors: { reason: string; field?: string }[] }> {
  try {
    await call
  } catch (err) {
    const response = (err as { response?: { status: number; data: { errors: { reason: string; field?: string }[] } } })
      .response
    if (response) return { status: response.status, errors: response.data.errors }
    throw err
  }
  throw new Error('expected the call to fail')
}

forEachTransport('linode', (t: Transport) => {
  // baseRequest is a module singleton: every interceptor a test adds is removed after it.
  let interceptors: number[] = []
  let tokenInterceptor: number | undefined
  // Axios runs request interceptors newest first, so the older token's header would win: replace it.
  const useToken = (token: string) => {
    if (tokenInterceptor !== undefined) baseRequest.interceptors.request.eject(tokenInterceptor)
    tokenInterceptor = setToken(token)
  }
  beforeEach(() => {
    // @linode/api-v4 builds absolute URLs on https://api.linode.com/v4; send them to keyemu instead.
    const endpoint = t.endpoint(LINODE)
    interceptors.push(
      baseRequest.interceptors.request.use((config) => ({ ...config, url: config.url?.replace(LINODE, endpoint) })),
    )
    useToken(TOKEN)
  })
  afterEach(() => {
    for (const id of [...interceptors, tokenInterceptor ?? -1]) baseRequest.interceptors.request.eject(id)
    interceptors = []
    tokenInterceptor = undefined
  })

  const getKey = async (id: number) =>
    (await baseRequest.get<ObjectStorageKey>(`${LINODE}/v4/object-storage/keys/${id}`)).data

  describe('keys', () => {
    test('creates an unlimited key with a 20-character access key and a 40-character secret', async () => {
      const key = await createObjectStorageKeys({ label: 'full-access', bucket_access: null })
      expect(key).toMatchObject({ label: 'full-access', limited: false, bucket_access: null })
      expect(key.id).toEqual(expect.any(Number))
      expect(key.access_key).toMatch(/^[A-Z0-9]{20}$/)
      expect(key.secret_key).toMatch(/^[A-Za-z0-9]{40}$/)
      expect(key.regions).toEqual([
        { id: 'us-east', s3_endpoint: 'us-east-1.linodeobjects.com', endpoint_type: 'E1' },
        { id: 'eu-central', s3_endpoint: 'eu-central-1.linodeobjects.com', endpoint_type: 'E1' },
      ])
    })

    test('creates a limited key with two buckets at different permissions, named by region and by cluster', async () => {
      await createBucket({ label: 'uploads', region: 'eu-central' })
      const key = await createObjectStorageKeys({
        label: 'ci-uploads',
        bucket_access: [
          inRegion('us-east', 'example-bucket', 'read_only'),
          { cluster: 'eu-central-1', bucket_name: 'uploads', permissions: 'read_write' },
        ],
        regions: ['us-east'],
      })
      expect(key.limited).toBe(true)
      expect(key.bucket_access).toEqual([
        { cluster: 'us-east-1', region: 'us-east', bucket_name: 'example-bucket', permissions: 'read_only' },
        { cluster: 'eu-central-1', region: 'eu-central', bucket_name: 'uploads', permissions: 'read_write' },
      ])
      // The regions of bucket_access are always among the key's regions.
      expect(key.regions.map((r) => r.id)).toEqual(['us-east', 'eu-central'])
    })

    test('an empty bucket_access makes a limited key with no bucket', async () => {
      const key = await createObjectStorageKeys({ label: 'no-buckets', bucket_access: [] })
      expect(key).toMatchObject({ limited: true, bucket_access: [] })
    })

    test('shows the secret only in the create answer; get, list and update say [REDACTED]', async () => {
      const created = await createObjectStorageKeys({ label: 'secretive', bucket_access: null })
      expect(created.secret_key).not.toBe('[REDACTED]')
      const got = await getKey(created.id)
      expect(got).toEqual({ ...created, secret_key: '[REDACTED]' })
      const listed = await getObjectStorageKeys()
      expect(listed.data.map((k) => k.secret_key)).toEqual(['[REDACTED]'])
      const updated = await updateObjectStorageKey(created.id, { label: 'still-secretive' })
      expect(updated.secret_key).toBe('[REDACTED]')
    })

    test('lists 31 keys in pages of page_size, in creation order, with page, pages and results', async () => {
      const labels = Array.from({ length: 31 }, (_, i) => `key-${String(i).padStart(2, '0')}`)
      for (const label of labels) await createObjectStorageKeys({ label, bucket_access: null })
      const all = await getObjectStorageKeys()
      expect(all).toMatchObject({ page: 1, pages: 1, results: 31 })
      expect(all.data.map((k) => k.label)).toEqual(labels)
      const first = await getObjectStorageKeys({ page: 1, page_size: 25 })
      const second = await getObjectStorageKeys({ page: 2, page_size: 25 })
      expect(first).toMatchObject({ page: 1, pages: 2, results: 31 })
      expect(second).toMatchObject({ page: 2, pages: 2, results: 31 })
      expect(first.data).toHaveLength(25)
      expect([...first.data, ...second.data].map((k) => k.label)).toEqual(labels)
    })

    test('updates the label and regions, and leaves bucket_access as it was made', async () => {
      const created = await createObjectStorageKeys({
        label: 'before',
        bucket_access: [inRegion('us-east', 'example-bucket', 'read_write')],
      })
      const updated = await updateObjectStorageKey(created.id, { label: 'after', regions: ['us-east'] })
      expect(updated).toMatchObject({ id: created.id, label: 'after', access_key: created.access_key })
      expect(updated.regions.map((r) => r.id)).toEqual(['us-east'])
      expect(updated.bucket_access).toEqual(created.bucket_access)
      expect(await getKey(created.id)).toMatchObject({ label: 'after' })
    })

    test('refuses to drop a region of bucket_access from a limited key', async () => {
      const created = await createObjectStorageKeys({
        label: 'pinned',
        bucket_access: [inRegion('us-east', 'example-bucket', 'read_only')],
      })
      const before = t.snapshot()
      const failed = await apiFailure(updateObjectStorageKey(created.id, { regions: ['eu-central'] }))
      expect(failed.status).toBe(400)
      expect(failed.errors).toEqual([{ reason: expect.stringContaining('us-east'), field: 'regions' }])
      expect(t.snapshot()).toEqual(before)
    })

    test('revokes a key with 200 {} and then answers 404 Not found for it', async () => {
      const created = await createObjectStorageKeys({ label: 'short-lived', bucket_access: null })
      expect(await revokeObjectStorageKey(created.id)).toEqual({})
      expect((await getObjectStorageKeys()).results).toBe(0)
      expect(await apiFailure(getKey(created.id))).toEqual({ status: 404, errors: [{ reason: 'Not found' }] })
    })

    test('answers 404 Not found for an unknown key id on get, update and revoke', async () => {
      const before = t.snapshot()
      for (const call of [
        getKey(4242),
        updateObjectStorageKey(4242, { label: 'nobody' }),
        revokeObjectStorageKey(4242),
      ]) {
        expect(await apiFailure(call)).toEqual({ status: 404, errors: [{ reason: 'Not found' }] })
      }
      expect(t.snapshot()).toEqual(before)
    })
  })

  describe('tokens and scopes', () => {
    test('a read-only token lists keys but is refused on create with 401, leaving the state unchanged', async () => {
      useToken(READONLY_TOKEN)
      expect((await getObjectStorageKeys()).results).toBe(0)
      const before = t.snapshot()
      const failed = await apiFailure(createObjectStorageKeys({ label: 'not-allowed', bucket_access: null }))
      expect(failed).toEqual({
        status: 401,
        errors: [{ reason: 'Your OAuth token is not authorized to use this endpoint.' }],
      })
      expect(t.snapshot()).toEqual(before)
    })

    test('an unknown token is refused with 401 Invalid Token', async () => {
      useToken('not-a-token')
      expect(await apiFailure(getObjectStorageKeys())).toEqual({ status: 401, errors: [{ reason: 'Invalid Token' }] })
    })
  })

  describe('buckets and regions', () => {
    test('lists the seeded bucket, creates one, gets it by region or cluster, lists a region, deletes it', async () => {
      const seeded = await getBuckets()
      expect(seeded).toMatchObject({ page: 1, pages: 1, results: 1 })
      expect(seeded.data[0]).toMatchObject({
        label: 'example-bucket',
        region: 'us-east',
        cluster: 'us-east-1',
        hostname: 'example-bucket.us-east-1.linodeobjects.com',
        s3_endpoint: 'us-east-1.linodeobjects.com',
        endpoint_type: 'E1',
        objects: 0,
        size: 0,
      })
      expect(seeded.data[0]?.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/)

      const made = await createBucket({ label: 'new-bucket', region: 'eu-central' })
      expect(made).toMatchObject({ label: 'new-bucket', region: 'eu-central', cluster: 'eu-central-1' })
      expect(await getBucket('eu-central', 'new-bucket')).toEqual(made)
      expect(await getBucket('eu-central-1', 'new-bucket')).toEqual(made)
      expect((await getBucketsInRegion('eu-central')).data.map((b) => b.label)).toEqual(['new-bucket'])
      expect(await deleteBucketWithRegion({ region: 'eu-central', label: 'new-bucket' })).toEqual({})
      expect(await apiFailure(getBucket('eu-central', 'new-bucket'))).toEqual({
        status: 404,
        errors: [{ reason: 'Not found' }],
      })
    })

    test('refuses a second bucket of one name in one region, naming label', async () => {
      const before = t.snapshot()
      const failed = await apiFailure(createBucket({ label: 'example-bucket', region: 'us-east' }))
      expect(failed.status).toBe(400)
      expect(failed.errors).toEqual([{ reason: expect.stringContaining('already exists'), field: 'label' }])
      expect(t.snapshot()).toEqual(before)
    })

    test('lists the clusters and the endpoints clients pick a region from', async () => {
      const clusters = await getClusters()
      expect(clusters).toMatchObject({ page: 1, pages: 1, results: 2 })
      expect(clusters.data).toEqual([
        {
          id: 'us-east-1',
          region: 'us-east',
          domain: 'us-east-1.linodeobjects.com',
          static_site_domain: 'website-us-east-1.linodeobjects.com',
          status: 'available',
        },
        {
          id: 'eu-central-1',
          region: 'eu-central',
          domain: 'eu-central-1.linodeobjects.com',
          static_site_domain: 'website-eu-central-1.linodeobjects.com',
          status: 'available',
        },
      ])
      const endpoints = await getObjectStorageEndpoints({})
      expect(endpoints.data).toEqual([
        { region: 'us-east', endpoint_type: 'E1', s3_endpoint: 'us-east-1.linodeobjects.com' },
        { region: 'eu-central', endpoint_type: 'E1', s3_endpoint: 'eu-central-1.linodeobjects.com' },
      ])
    })
  })

  test('the client keeps its /v4 path', async () => {
    const seen: string[] = []
    interceptors.push(
      baseRequest.interceptors.request.use((config) => {
        seen.push(new URL(config.url ?? '').pathname)
        return config
      }),
    )
    await getObjectStorageKeys()
    expect(seen).toEqual(['/v4/object-storage/keys'])
  })
})

forEachTransport(
  'linode with auth off',
  (t: Transport) => {
    test('serves a request without a token as the first Linode account', async () => {
      const res = await fetch(`${t.endpoint(LINODE)}/v4/object-storage/buckets`)
      expect(res.status).toBe(200)
      expect(((await res.json()) as { data: { label: string }[] }).data.map((b) => b.label)).toEqual(['example-bucket'])
    })
  },
  { auth: 'off' },
)
