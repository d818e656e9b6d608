import { createHash } from 'node:crypto'
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { XMLParser } from 'fast-xml-parser'
import { beforeEach, expect, test } from 'vitest'
import { chunkSigner, seedSignature, signedChunkedBody } from '../../test/support/aws-chunked.js'
import { ROOT, signedFetch, signRequest } from '../../test/support/aws-signing.js'
import { failure } from '../../test/support/failure.js'
import { S3_ORIGIN, s3Client } from '../../test/support/s3.js'
import { forEachTransport, type Transport } from '../../test/support/transports.js'

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex')
const md5 = (data: string) => createHash('md5').update(data).digest('base64')
const parser = new XMLParser()

/** An S3 error answer: status and the Error element's Code and Message. */
async function s3Error(res: Response) {
  const text = await res.text()
  const error = (parser.parse(text) as { Error?: { Code: string; Message: string; RequestId: string } }).Error
  return { status: res.status, type: res.headers.get('content-type'), ...error }
}

forEachTransport('s3 bad input', (t: Transport) => {
  const base = () => t.endpoint(S3_ORIGIN.aws)
  // Signed as the SDK signs S3: the payload hash named, the path as sent.
  const send = (path: string, method: string, body?: string, headers: Record<string, string> = {}) =>
    signedFetch(`${base()}${path}`, {
      service: 's3',
      method,
      headers: { 'x-amz-content-sha256': sha256(body ?? ''), ...headers },
      ...(body !== undefined && { body }),
    })

  beforeEach(async () => {
    await s3Client(t).send(new CreateBucketCommand({ Bucket: 'box' }))
  })

  test('refuses malformed XML bodies with MalformedXML (400) and deletes nothing', async () => {
    await s3Client(t).send(new PutObjectCommand({ Bucket: 'box', Key: 'a', Body: 'x' }))
    const before = t.snapshot()
    for (const body of [
      '<Delete><Object><Key>a</Key></Object>',
      '<Delete></Delete>',
      '<!DOCTYPE x [<!ENTITY e "a">]><Delete/>',
      'not xml',
    ]) {
      const res = await send('/box?delete', 'POST', body, { 'content-md5': md5(body) })
      expect(await s3Error(res)).toMatchObject({ status: 400, Code: 'MalformedXML', type: 'application/xml' })
    }
    const { UploadId } = await s3Client(t).send(new CreateMultipartUploadCommand({ Bucket: 'box', Key: 'm' }))
    const complete = await send(`/box/m?uploadId=${UploadId}`, 'POST', '<CompleteMultipartUpload><Part>')
    expect(await s3Error(complete)).toMatchObject({ status: 400, Code: 'MalformedXML' })
    const stored = t.snapshot()
    expect(stored.objects).toEqual(before.objects)
  })

  test('refuses DeleteObjects without Content-MD5 or a checksum, and with a wrong one', async () => {
    const body = '<Delete><Object><Key>a</Key></Object></Delete>'
    expect(await s3Error(await send('/box?delete', 'POST', body))).toMatchObject({
      status: 400,
      Code: 'InvalidRequest',
    })
    const wrong = await send('/box?delete', 'POST', body, { 'content-md5': md5('other') })
    expect(await s3Error(wrong)).toMatchObject({ status: 400, Code: 'BadDigest' })
  })

  test('refuses invalid bucket names with InvalidBucketName (400) and creates nothing', async () => {
    const before = t.snapshot()
    for (const name of ['ab', 'Upper', 'a..b', '192.168.0.1', 'xn--abc', '-lead', 'trail-']) {
      const pathStyle = s3Client(t, { config: { forcePathStyle: true } })
      const err = await failure(pathStyle.send(new CreateBucketCommand({ Bucket: name })), S3ServiceException)
      expect(err, name).toMatchObject({ name: 'InvalidBucketName', $metadata: { httpStatusCode: 400 } })
    }
    expect(t.snapshot().buckets).toEqual(before.buckets)
  })

  test('refuses a body that does not hash to its signed x-amz-content-sha256 (400 XAmzContentSHA256Mismatch), storing nothing', async () => {
    const res = await signedFetch(`${base()}/box/k`, {
      service: 's3',
      method: 'PUT',
      headers: { 'x-amz-content-sha256': sha256('what was signed') },
      body: 'what was sent',
    })
    expect(await s3Error(res)).toMatchObject({ status: 400, Code: 'XAmzContentSHA256Mismatch' })
    expect(Object.keys(t.snapshot().objects)).toEqual([])
  })

  test('refuses a header signature without x-amz-content-sha256 with InvalidRequest (400)', async () => {
    // The SDK's signer always adds it for S3: taken off after signing, as a hand-made client might leave it.
    const { href, init } = await signRequest(`${base()}/box/k`, { service: 's3', method: 'GET' })
    const headers = new Headers(init.headers)
    headers.delete('x-amz-content-sha256')
    const res = await fetch(href, { ...init, headers })
    expect(await s3Error(res)).toMatchObject({ status: 400, Code: 'InvalidRequest' })
  })

  test('refuses an aws-chunked body with a wrong chunk signature (403 SignatureDoesNotMatch), storing nothing', async () => {
    const url = new URL(`${base()}/box/chunked`)
    const signingDate = new Date()
    const signing = chunkSigner(ROOT, signingDate)
    const data = Buffer.alloc(9000, 'a')
    const headers = {
      host: url.host,
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': String(data.length),
      'x-amz-date': signingDate.toISOString().replace(/[-:]|\.\d{3}/g, ''),
    }
    const { authorization, signature } = await seedSignature(signing, {
      method: 'PUT',
      hostname: url.hostname,
      path: url.pathname,
      headers,
    })
    const body = await signedChunkedBody(signing, signature, [data.subarray(0, 8192), data.subarray(8192)])
    const good = Buffer.from(body)
    const { host: _host, ...sent } = headers
    const put = (bytes: Buffer) =>
      fetch(url, { method: 'PUT', headers: { ...sent, authorization }, body: new Uint8Array(bytes) })
    const tampered = Buffer.from(body)
    const at = tampered.indexOf('chunk-signature=') + 20
    // Another hex digit, so the signature is wrong but well-formed ('a' ^ 1 would not be hex).
    tampered[at] = tampered[at] === 0x30 ? 0x31 : 0x30
    expect(await s3Error(await put(tampered))).toMatchObject({ status: 403, Code: 'SignatureDoesNotMatch' })
    const truncated = good.subarray(0, good.length - 120)
    expect(await s3Error(await put(truncated))).toMatchObject({ status: 400, Code: 'IncompleteBody' })
    expect(Object.keys(t.snapshot().objects)).toEqual([])
    expect((await put(good)).status).toBe(200)
    const got = await s3Client(t).send(new GetObjectCommand({ Bucket: 'box', Key: 'chunked' }))
    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(data)).toBe(true)
  })

  test('refuses a wrong x-amz-checksum-crc32 with BadDigest (400)', async () => {
    const err = await failure(
      s3Client(t).send(new PutObjectCommand({ Bucket: 'box', Key: 'c', Body: 'abc', ChecksumCRC32: 'AAAAAA==' })),
      S3ServiceException,
    )
    expect(err).toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } })
    expect(Object.keys(t.snapshot().objects)).toEqual([])
  })

  test('refuses tampered, expired and over-long presigned URLs, and one signed by an unknown key', async () => {
    const s3 = s3Client(t)
    await s3.send(new PutObjectCommand({ Bucket: 'box', Key: 'p', Body: 'x' }))
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'box', Key: 'p' }), { expiresIn: 60 })
    const tampered = url.replace('/p?', '/q?')
    expect(await s3Error(await fetch(tampered))).toMatchObject({ status: 403, Code: 'SignatureDoesNotMatch' })
    const past = new Date(Date.now() - 3600_000)
    const expired = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'box', Key: 'p' }), {
      expiresIn: 60,
      signingDate: past,
    })
    expect(await s3Error(await fetch(expired))).toMatchObject({
      status: 403,
      Code: 'AccessDenied',
      Message: 'Request has expired',
    })
    const long = url.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604801')
    expect(await s3Error(await fetch(long))).toMatchObject({ status: 400, Code: 'AuthorizationQueryParametersError' })
    const stranger = s3Client(t, { credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' } })
    const unknown = await getSignedUrl(stranger, new GetObjectCommand({ Bucket: 'box', Key: 'p' }), { expiresIn: 60 })
    expect(await s3Error(await fetch(unknown))).toMatchObject({ status: 403, Code: 'InvalidAccessKeyId' })
  })

  test('refuses a signature 20 minutes old with RequestTimeTooSkewed (403)', async () => {
    const res = await signedFetch(`${base()}/`, {
      service: 's3',
      method: 'GET',
      headers: { 'x-amz-content-sha256': sha256('') },
      signingDate: new Date(Date.now() - 20 * 60_000),
    })
    expect(await s3Error(res)).toMatchObject({ status: 403, Code: 'RequestTimeTooSkewed' })
  })

  test('answers an operation keyemu does not emulate with NotImplemented (501)', async () => {
    expect(await s3Error(await send('/box?tagging', 'GET'))).toMatchObject({ status: 501, Code: 'NotImplemented' })
  })
})
