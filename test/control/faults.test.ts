import { IAMClient, IAMServiceException, ListUsersCommand, ServiceFailureException } from '@aws-sdk/client-iam'
import { GetBucketsCommand, LightsailClient, LightsailServiceException } from '@aws-sdk/client-lightsail'
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts'
import { expect, test } from 'vitest'
import { ROOT } from '../support/aws-signing.js'
import { BIRD, ORG, TOKEN } from '../support/bird.js'
import { failure } from '../support/failure.js'
import { userWithKey } from '../support/iam-user.js'
import { s3Client } from '../support/s3.js'
import { forEachTransport } from '../support/transports.js'

const IAM = 'https://iam.amazonaws.com'
const LIGHTSAIL = 'https://lightsail.us-east-1.amazonaws.com'
const LINODE = 'https://api.linode.com'
const STS = 'https://sts.us-east-1.amazonaws.com'

forEachTransport('faults', (t) => {
  const iam = (maxAttempts: number, credentials = ROOT) =>
    new IAMClient({ endpoint: t.endpoint(IAM), region: 'us-east-1', credentials, maxAttempts })

  test('IAM: the SDK sees Throttling and retries; the journal shows the throttled call and the retry', async () => {
    const fault = t.controls.faults.arm({ dialect: 'iam', operation: 'ListUsers', kind: 'error', error: 'Throttled' })
    const { $metadata } = await iam(3).send(new ListUsersCommand({}))
    expect($metadata.attempts).toBe(2)
    const [retry, throttled] = t.controls.journal.list({ operation: 'ListUsers' })
    expect(throttled).toMatchObject({ status: 400, fault: fault.id })
    expect(retry).toMatchObject({ status: 200 })
    expect(retry?.fault).toBeUndefined()
    expect(t.controls.faults.list()).toEqual([])
  })

  test('IAM: ServiceUnavailable and Internal come as the SDK models them; a key-bound fault spares other callers', async () => {
    const { key } = await userWithKey(t, 'faulted')
    t.controls.faults.arm({ dialect: 'iam', key: key.id, kind: 'error', error: 'ServiceUnavailable', times: 2 })
    await iam(1).send(new ListUsersCommand({}))
    const asUser = iam(1, { accessKeyId: key.id, secretAccessKey: key.secret })
    const unavailable = await failure(asUser.send(new ListUsersCommand({})), IAMServiceException)
    expect([unavailable.name, unavailable.$metadata.httpStatusCode]).toEqual(['ServiceUnavailable', 503])
    t.controls.faults.disarm()
    t.controls.faults.arm({ dialect: 'iam', kind: 'error', error: 'Internal' })
    const internal = await failure(iam(1).send(new ListUsersCommand({})), IAMServiceException)
    expect(internal).toBeInstanceOf(ServiceFailureException)
    expect(internal.$metadata.httpStatusCode).toBe(500)
  })

  test('Lightsail: ThrottlingException in its JSON envelope', async () => {
    t.controls.faults.arm({ dialect: 'lightsail', kind: 'error', error: 'Throttled' })
    const ls = new LightsailClient({
      endpoint: t.endpoint(LIGHTSAIL),
      region: 'us-east-1',
      credentials: ROOT,
      maxAttempts: 1,
    })
    const refused = await failure(ls.send(new GetBucketsCommand({})), LightsailServiceException)
    expect([refused.name, refused.$metadata.httpStatusCode, refused.message]).toEqual([
      'ThrottlingException',
      400,
      'Rate exceeded',
    ])
  })

  test("Linode and Bird: 429 in each one's own envelope, with a probability until disarmed", async () => {
    t.controls.faults.arm({ dialect: 'linode', kind: 'error', error: 'Throttled', probability: 1 })
    t.controls.faults.arm({ dialect: 'bird', kind: 'error', error: 'Throttled', probability: 1 })
    for (let i = 0; i < 2; i++) {
      const linode = await fetch(`${t.endpoint(LINODE)}/v4/object-storage/keys`, {
        headers: { authorization: 'Bearer keyemu-linode-token' },
      })
      expect([linode.status, await linode.json()]).toEqual([429, { errors: [{ reason: 'Too many requests' }] }])
    }
    const bird = await fetch(`${t.endpoint(BIRD)}/organizations/${ORG}/access-keys`, {
      headers: { authorization: `AccessKey ${TOKEN}` },
    })
    expect([bird.status, await bird.json()]).toEqual([
      429,
      { code: 'TooManyRequests', message: 'Rate exceeded', details: {} },
    ])
    expect(t.controls.faults.list().map((f) => f.hits)).toEqual([2, 1])
    t.controls.faults.disarm()
    const after = await fetch(`${t.endpoint(LINODE)}/v4/object-storage/keys`, {
      headers: { authorization: 'Bearer keyemu-linode-token' },
    })
    expect(after.status).toBe(200)
  })

  test('latency delays the answer; a dropped connection is a network error to the client', async () => {
    t.controls.faults.arm({ dialect: 'linode', kind: 'latency', latencyMs: 200 })
    const slow = await fetch(`${t.endpoint(LINODE)}/v4/object-storage/keys`, {
      headers: { authorization: 'Bearer keyemu-linode-token' },
    })
    expect(slow.status).toBe(200)
    expect(t.controls.journal.list()[0]?.ms).toBeGreaterThanOrEqual(190)
    const drop = t.controls.faults.arm({ dialect: 'linode', kind: 'drop' })
    await expect(
      fetch(`${t.endpoint(LINODE)}/v4/object-storage/keys`, {
        headers: { authorization: 'Bearer keyemu-linode-token' },
      }),
    ).rejects.toThrow(TypeError)
    expect(t.controls.journal.list()[0]).toMatchObject({ fault: drop.id, status: 0 })
  })

  test("S3: SlowDown 503 in S3's XML; the SDK retries an upload and a read, the journal shows each throttled call and its retry", async () => {
    const s3 = (maxAttempts: number) => s3Client(t, { config: { maxAttempts } })
    await s3(1).send(new CreateBucketCommand({ Bucket: 'faulted' }))
    const object = { Bucket: 'faulted', Key: 'a.txt' }
    t.controls.faults.arm({ dialect: 's3', operation: 'GetObject', kind: 'error', error: 'Throttled' })
    const slowDown = await failure(s3(1).send(new GetObjectCommand(object)), S3ServiceException)
    expect([slowDown.name, slowDown.$metadata.httpStatusCode, slowDown.message]).toEqual([
      'SlowDown',
      503,
      'Please reduce your request rate.',
    ])
    // The upload's body is sent again on the retry, whole.
    const put = t.controls.faults.arm({ dialect: 's3', operation: 'PutObject', kind: 'error', error: 'Throttled' })
    const stored = await s3(3).send(new PutObjectCommand({ ...object, Body: 'hello, again' }))
    expect(stored.$metadata.attempts).toBe(2)
    const get = t.controls.faults.arm({ dialect: 's3', operation: 'GetObject', kind: 'error', error: 'Throttled' })
    const read = await s3(3).send(new GetObjectCommand(object))
    expect([read.$metadata.attempts, await read.Body?.transformToString()]).toEqual([2, 'hello, again'])
    for (const [operation, fault] of [
      ['PutObject', put],
      ['GetObject', get],
    ] as const) {
      const [retry, throttled] = t.controls.journal.list({ operation })
      expect(throttled).toMatchObject({ dialect: 's3', status: 503, fault: fault.id })
      expect(retry).toMatchObject({ dialect: 's3', status: 200 })
      expect(retry?.fault).toBeUndefined()
    }
    expect(t.controls.faults.list()).toEqual([])
  })

  test('S3: ServiceUnavailable 503 and InternalError 500 as the SDK models them; a HEAD gets the status alone', async () => {
    const s3 = s3Client(t)
    await s3.send(new CreateBucketCommand({ Bucket: 'faulted' }))
    await s3.send(new PutObjectCommand({ Bucket: 'faulted', Key: 'a.txt', Body: 'x' }))
    const object = { Bucket: 'faulted', Key: 'a.txt' }
    t.controls.faults.arm({ dialect: 's3', kind: 'error', error: 'ServiceUnavailable' })
    const unavailable = await failure(s3.send(new GetObjectCommand(object)), S3ServiceException)
    expect([unavailable.name, unavailable.$metadata.httpStatusCode]).toEqual(['ServiceUnavailable', 503])
    t.controls.faults.arm({ dialect: 's3', kind: 'error', error: 'Internal' })
    const internal = await failure(s3.send(new GetObjectCommand(object)), S3ServiceException)
    expect([internal.name, internal.$metadata.httpStatusCode, internal.message]).toEqual([
      'InternalError',
      500,
      'We encountered an internal error. Please try again.',
    ])
    t.controls.faults.arm({ dialect: 's3', operation: 'HeadObject', kind: 'error', error: 'Internal' })
    const head = await failure(s3.send(new HeadObjectCommand(object)), S3ServiceException)
    expect(head.$metadata.httpStatusCode).toBe(500)
    expect(
      t.controls.journal
        .list()
        .slice(0, 3)
        .map((e) => [e.operation, e.status]),
    ).toEqual([
      ['HeadObject', 500],
      ['GetObject', 500],
      ['GetObject', 503],
    ])
  })

  test('STS: Throttling in its Query XML, retried by the SDK; ServiceUnavailable and InternalFailure', async () => {
    const sts = (maxAttempts: number) =>
      new STSClient({ endpoint: t.endpoint(STS), region: 'us-east-1', credentials: ROOT, maxAttempts })
    const fault = t.controls.faults.arm({ dialect: 'sts', kind: 'error', error: 'Throttled', times: 2 })
    const throttling = await failure(sts(1).send(new GetCallerIdentityCommand({})), STSServiceException)
    expect([throttling.name, throttling.$metadata.httpStatusCode, throttling.message]).toEqual([
      'Throttling',
      400,
      'Rate exceeded',
    ])
    const { Account, $metadata } = await sts(3).send(new GetCallerIdentityCommand({}))
    expect([Account, $metadata.attempts]).toEqual(['000000000000', 2])
    const [retry, throttled] = t.controls.journal.list({ dialect: 'sts', operation: 'GetCallerIdentity' })
    expect(throttled).toMatchObject({ status: 400, fault: fault.id })
    expect(retry).toMatchObject({ status: 200 })
    for (const [error, name, status] of [
      ['ServiceUnavailable', 'ServiceUnavailable', 503],
      ['Internal', 'InternalFailure', 500],
    ] as const) {
      t.controls.faults.arm({ dialect: 'sts', kind: 'error', error })
      const refused = await failure(sts(1).send(new GetCallerIdentityCommand({})), STSServiceException)
      expect([refused.name, refused.$metadata.httpStatusCode]).toEqual([name, status])
    }
  })

  test('bad fault specifications are refused naming the field', () => {
    expect(() => t.controls.faults.arm({ dialect: 'nope', kind: 'drop' })).toThrow(/No dialect nope/)
    expect(() => t.controls.faults.arm({ dialect: 'iam', kind: 'latency' })).toThrow('a latency fault needs latencyMs')
    expect(() => t.controls.faults.arm({ dialect: 'iam', kind: 'drop', times: 1, probability: 0.5 })).toThrow(
      /not both/,
    )
    expect(() => t.controls.faults.arm({ dialect: 'iam', kind: 'boom' })).toThrow(/kind must be/)
    expect(() => t.controls.faults.disarm('fault-99')).toThrow('There is no armed fault fault-99.')
  })
})
