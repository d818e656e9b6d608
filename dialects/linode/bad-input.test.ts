import { expect, test } from 'vitest'
import { forEachTransport, type Transport } from '../../test/support/transports.js'

const LINODE = 'https://api.linode.com'
const TOKEN = 'keyemu-linode-token'

interface Options {
  body?: unknown
  raw?: string
  token?: string | null
}

type LinodeErrors = { reason: string; field?: string }[]

// Plain fetch: @linode/api-v4 would refuse most of these bodies itself before sending them.
forEachTransport('linode bad input', (t: Transport) => {
  async function send(method: string, path: string, options: Options = {}) {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    const token = options.token === undefined ? TOKEN : options.token
    if (token !== null) headers.authorization = `Bearer ${token}`
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
    const res = await fetch(`${t.endpoint(LINODE)}${path}`, { method, headers, ...(body !== undefined && { body }) })
    expect(res.headers.get('content-type')).toBe('application/json')
    return { status: res.status, body: (await res.json()) as { errors: LinodeErrors } }
  }

  /** The errors of a refused call, checked to be Linode's envelope and to leave the state as it was. */
  async function refused(status: number, method: string, path: string, options: Options = {}): Promise<LinodeErrors> {
    const before = t.snapshot()
    const res = await send(method, path, options)
    expect(res.status).toBe(status)
    expect(Object.keys(res.body)).toEqual(['errors'])
    for (const error of res.body.errors) expect(error.reason).toEqual(expect.any(String))
    expect(t.snapshot()).toEqual(before)
    return res.body.errors
  }

  const createKey = (body: unknown) => refused(400, 'POST', '/v4/object-storage/keys', { body })

  test('malformed JSON and a body that is not an object are 400s', async () => {
    expect(await refused(400, 'POST', '/v4/object-storage/keys', { raw: '{"label": "abc",' })).toEqual([
      { reason: 'The request body is not valid JSON.' },
    ])
    expect(await refused(400, 'POST', '/v4/object-storage/keys', { raw: '["label"]' })).toEqual([
      { reason: 'The request body must be a JSON object.' },
    ])
  })

  test('wrong types are all reported at once, each naming its field', async () => {
    const errors = await createKey({ label: 42, bucket_access: 'example-bucket', regions: 'us-east' })
    expect(errors.map((e) => e.field)).toEqual(['label', 'bucket_access', 'regions'])
    expect(errors[0]?.reason).toBe('label must be a string.')
  })

  test('a missing label and an over-long one name label', async () => {
    expect(await createKey({})).toEqual([{ reason: 'Label is required.', field: 'label' }])
    expect(await createKey({ label: 'x'.repeat(51) })).toEqual([
      { reason: 'Label must be between 3 and 50 characters.', field: 'label' },
    ])
    expect(await createKey({ label: '  a  ' })).toEqual([
      { reason: 'Label must be between 3 and 50 characters.', field: 'label' },
    ])
  })

  test('an unknown permission names bucket_access[i].permissions', async () => {
    const errors = await createKey({
      label: 'bad-permission',
      bucket_access: [{ region: 'us-east', bucket_name: 'example-bucket', permissions: 'admin' }],
    })
    expect(errors).toEqual([
      { reason: 'permissions must be read_only or read_write, not "admin".', field: 'bucket_access[0].permissions' },
    ])
  })

  test('an entry with neither region nor cluster, or without bucket_name, names the field', async () => {
    const errors = await createKey({ label: 'incomplete', bucket_access: [{ permissions: 'read_only' }] })
    expect(errors.map((e) => e.field)).toEqual(['bucket_access[0].bucket_name', 'bucket_access[0].region'])
  })

  test('a bucket that does not exist there, an unknown region and an unknown cluster are reported together', async () => {
    const errors = await createKey({
      label: 'missing-buckets',
      bucket_access: [
        { region: 'us-east', bucket_name: 'example-bucket', permissions: 'read_only' },
        { region: 'eu-central', bucket_name: 'example-bucket', permissions: 'read_only' },
        { region: 'ap-south', bucket_name: 'example-bucket', permissions: 'read_only' },
        { cluster: 'us-west-1', bucket_name: 'example-bucket', permissions: 'read_only' },
      ],
      regions: ['us-east', 'mars-1'],
    })
    expect(errors).toEqual([
      { reason: 'Bucket example-bucket does not exist in eu-central.', field: 'bucket_access[1].bucket_name' },
      { reason: expect.stringContaining('ap-south'), field: 'bucket_access[2].region' },
      { reason: expect.stringContaining('us-west-1'), field: 'bucket_access[3].cluster' },
      { reason: expect.stringContaining('mars-1'), field: 'regions' },
    ])
  })

  test('a bucket listed twice is refused', async () => {
    const entry = { region: 'us-east', bucket_name: 'example-bucket', permissions: 'read_only' }
    expect(
      await createKey({ label: 'twice', bucket_access: [entry, { ...entry, permissions: 'read_write' }] }),
    ).toEqual([{ reason: expect.stringContaining('listed twice'), field: 'bucket_access[1].bucket_name' }])
  })

  test('an empty regions list is refused on create and update', async () => {
    expect(await createKey({ label: 'no-regions', regions: [] })).toEqual([
      { reason: expect.stringContaining('at least one region'), field: 'regions' },
    ])
    const made = await send('POST', '/v4/object-storage/keys', { body: { label: 'has-regions' } })
    const id = (made.body as unknown as { id: number }).id
    expect(await refused(400, 'PUT', `/v4/object-storage/keys/${id}`, { body: { regions: [] } })).toEqual([
      { reason: expect.stringContaining('at least one region'), field: 'regions' },
    ])
    expect(await refused(400, 'PUT', `/v4/object-storage/keys/${id}`, { body: { label: 'x'.repeat(60) } })).toEqual([
      { reason: 'Label must be between 3 and 50 characters.', field: 'label' },
    ])
  })

  test('page_size out of 25..500 and a page below 1 name the parameter', async () => {
    for (const size of ['24', '501', 'abc', '-5', '2.5']) {
      expect(await refused(400, 'GET', `/v4/object-storage/keys?page_size=${size}`)).toEqual([
        { reason: 'page_size must be a whole number between 25 and 500.', field: 'page_size' },
      ])
    }
    expect(await refused(400, 'GET', '/v4/object-storage/buckets?page=0&page_size=1000')).toEqual([
      { reason: 'page must be a whole number of at least 1.', field: 'page' },
      { reason: 'page_size must be a whole number between 25 and 500.', field: 'page_size' },
    ])
    const ok = await send('GET', '/v4/object-storage/keys?page=3&page_size=25')
    expect(ok).toEqual({ status: 200, body: { data: [], page: 3, pages: 1, results: 0 } })
  })

  test('a non-numeric key id names keyId on get, update and revoke', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const body = method === 'PUT' ? { label: 'renamed' } : undefined
      const errors = await refused(400, method, '/v4/object-storage/keys/abc', { body })
      expect(errors).toEqual([{ reason: 'keyId must be a positive integer, not "abc".', field: 'keyId' }])
    }
  })

  test('bad bucket bodies name label and region', async () => {
    expect(await refused(400, 'POST', '/v4/object-storage/buckets', { body: { label: 'Bad_Name' } })).toEqual([
      { reason: expect.stringContaining('lowercase'), field: 'label' },
      { reason: 'region is required.', field: 'region' },
    ])
    expect(
      await refused(400, 'POST', '/v4/object-storage/buckets', { body: { label: 'fine-name', region: 'mars' } }),
    ).toEqual([{ reason: expect.stringContaining('mars'), field: 'region' }])
    expect(
      await refused(400, 'POST', '/v4/object-storage/buckets', {
        body: { label: 'fine-name', region: 'us-east', acl: 'everyone', cors_enabled: 'yes' },
      }),
    ).toEqual([
      { reason: expect.stringContaining('acl must be'), field: 'acl' },
      { reason: 'cors_enabled must be a boolean.', field: 'cors_enabled' },
    ])
  })

  test('no token, an unknown token, and a token of another provider are 401 Invalid Token', async () => {
    for (const token of [null, 'nope', 'test']) {
      expect(await refused(401, 'GET', '/v4/object-storage/keys', { token })).toEqual([{ reason: 'Invalid Token' }])
    }
  })

  test('a read-only token may read but not create, update or delete', async () => {
    const readonly = 'keyemu-linode-readonly-token'
    expect((await send('GET', '/v4/object-storage/buckets', { token: readonly })).status).toBe(200)
    const reason = 'Your OAuth token is not authorized to use this endpoint.'
    for (const [method, path] of [
      ['POST', '/v4/object-storage/buckets'],
      ['DELETE', '/v4/object-storage/buckets/us-east/example-bucket'],
      ['PUT', '/v4/object-storage/keys/1'],
    ] as const) {
      const body = method === 'DELETE' ? undefined : { label: 'abc' }
      expect(await refused(401, method, path, { token: readonly, body })).toEqual([{ reason }])
    }
  })

  test('an unknown bucket, region or path is 404 in Linode format', async () => {
    expect(await refused(404, 'GET', '/v4/object-storage/buckets/us-east/no-such-bucket')).toEqual([
      { reason: 'Not found' },
    ])
    expect(await refused(404, 'DELETE', '/v4/object-storage/buckets/mars/example-bucket')).toEqual([
      { reason: 'Not found' },
    ])
    expect(await refused(404, 'GET', '/v4/object-storage/buckets/mars')).toEqual([{ reason: 'Not found' }])
    expect(await refused(404, 'GET', '/v4/linode/instances')).toEqual([
      { reason: 'Not found: keyemu does not emulate GET /v4/linode/instances.' },
    ])
  })
})
