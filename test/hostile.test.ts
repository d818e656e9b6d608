import { connect } from 'node:net'
import { XMLParser } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createEmulator, type Emulator } from '../src/emulator.js'
import { signedFetch, signRequest } from './support/aws-signing.js'
import { forEachTransport } from './support/transports.js'

// Hand-made hostile requests: what the fuzzer finds by chance, pinned down.

const IAM = 'https://iam.amazonaws.com'
const LIGHTSAIL = 'https://lightsail.us-east-1.amazonaws.com'
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }
const LIST_USERS = 'Action=ListUsers&Version=2010-05-08'
const MINUTE = 60_000
const parser = new XMLParser()

async function iamError(res: Response) {
  expect(res.headers.get('content-type')).toBe('text/xml')
  const error = parser.parse(await res.text()).ErrorResponse?.Error
  return { status: res.status, code: error?.Code as string, message: error?.Message as string }
}

forEachTransport('signature freshness', (t) => {
  const signedAt = (offsetMs: number) =>
    signedFetch(t.endpoint(IAM), {
      service: 'iam',
      headers: FORM,
      body: LIST_USERS,
      signingDate: new Date(Date.now() + offsetMs),
    })

  test('IAM refuses a signature more than 15 minutes old as SignatureDoesNotMatch, Signature expired', async () => {
    const err = await iamError(await signedAt(-16 * MINUTE))
    expect(err).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' })
    expect(err.message).toMatch(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
    )
  })

  test('IAM refuses a signature more than 15 minutes ahead as not yet current', async () => {
    const err = await iamError(await signedAt(16 * MINUTE))
    expect(err).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' })
    expect(err.message).toMatch(/^Signature not yet current: /)
  })

  test('a signature within the 15 minutes either way is accepted', async () => {
    expect((await signedAt(-14 * MINUTE)).status).toBe(200)
    expect((await signedAt(14 * MINUTE)).status).toBe(200)
  })

  test('Lightsail refuses a stale signature with InvalidSignatureException', async () => {
    const res = await signedFetch(t.endpoint(LIGHTSAIL), {
      service: 'lightsail',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Lightsail_20161128.GetBuckets' },
      body: '{}',
      signingDate: new Date(Date.now() - 20 * MINUTE),
    })
    expect(res.status).toBe(400)
    expect(res.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException')
    expect(((await res.json()) as { message: string }).message).toMatch(/^Signature expired/)
  })

  test('a presigned URL works until X-Amz-Expires, then is refused', async () => {
    const url = `${t.endpoint(IAM)}/?${LIST_USERS}`
    const fresh = await signRequest(url, { service: 'iam', method: 'GET', presign: true })
    expect((await fetch(fresh.href)).status).toBe(200)
    const old = await signRequest(url, {
      service: 'iam',
      method: 'GET',
      presign: true,
      signingDate: new Date(Date.now() - 2 * 3600_000),
    })
    const err = await iamError(await fetch(old.href))
    expect(err).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' })
    expect(err.message).toMatch(/^Signature expired/)
  })

  test('a presigned URL valid for more than seven days is refused', async () => {
    const { href } = await signRequest(`${t.endpoint(IAM)}/?${LIST_USERS}`, {
      service: 'iam',
      method: 'GET',
      presign: true,
    })
    const stretched = href.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604801')
    const err = await iamError(await fetch(stretched))
    expect(err.status).toBe(400)
    expect(err.message).toMatch(/604800/)
  })

  test('changing a signed header after signing is a mismatch', async () => {
    const { href, init } = await signRequest(t.endpoint(IAM), {
      service: 'iam',
      headers: { ...FORM, 'x-amz-meta-note': 'signed' },
      body: LIST_USERS,
    })
    const headers = new Headers(init.headers)
    headers.set('x-amz-meta-note', 'changed')
    const err = await iamError(await fetch(href, { ...init, headers }))
    expect(err).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' })
  })
})

forEachTransport('names that shadow Object.prototype', (t) => {
  test('tokens named like prototype members are unknown, in Linode format', async () => {
    for (const token of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const res = await fetch(`${t.endpoint('https://api.linode.com')}/v4/object-storage/keys`, {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({ errors: [{ reason: 'Invalid Token' }] })
    }
  })

  test('an inline policy named like a prototype member is found only once it exists', async () => {
    const call = (body: string) => signedFetch(t.endpoint(IAM), { service: 'iam', headers: FORM, body })
    expect((await call('Action=CreateUser&Version=2010-05-08&UserName=proto')).status).toBe(200)
    for (const name of ['constructor', 'toString', '__proto__']) {
      const err = await iamError(
        await call(`Action=GetUserPolicy&Version=2010-05-08&UserName=proto&PolicyName=${name}`),
      )
      expect(err).toMatchObject({ status: 404, code: 'NoSuchEntity' })
    }
  })
})

/** Send raw bytes to the server and read everything it answers until it closes or goes quiet. */
function raw(url: string, request: string | Buffer, quietMs = 500): Promise<string> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    const chunks: Buffer[] = []
    let timer: NodeJS.Timeout | undefined
    const done = () => {
      clearTimeout(timer)
      socket.destroy()
      resolve(Buffer.concat(chunks).toString('utf8'))
    }
    socket.on('data', (chunk) => {
      chunks.push(chunk)
      clearTimeout(timer)
      timer = setTimeout(done, quietMs)
    })
    socket.on('end', done)
    socket.on('close', done)
    socket.on('error', (err) => (chunks.length > 0 ? done() : reject(err)))
    socket.write(request)
  })
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1])
const bodyOf = (answer: string) => answer.slice(answer.indexOf('\r\n\r\n') + 4)

describe('odd request targets and malformed HTTP on the edge port', () => {
  let emulator: Emulator
  let url: string
  beforeAll(async () => {
    emulator = await createEmulator()
    url = await emulator.listen(0)
  })
  afterAll(() => emulator.close())

  for (const target of ['//', '/\\', '//evil.example/x', 'http://evil.example/x', '*', '/%', '/%zz%']) {
    test(`GET ${target} gets keyemu's JSON 404, never an HTML page or a stack trace`, async () => {
      const answer = await raw(url, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
      expect(statusOf(answer)).toBe(404)
      expect(answer).toMatch(/content-type: application\/json/i)
      expect(JSON.parse(bodyOf(answer))).toMatchObject({ error: 'NoDialect' })
      expect(answer).not.toMatch(/<html|at .*\.(js|ts):\d+/i)
    })
  }

  // SigV4 normalizes the path of services other than S3, so // signs as /: IAM serves it.
  test('a signed IAM request to // is answered by IAM, in IAM XML', async () => {
    const { init } = await signRequest(url, { service: 'iam', headers: FORM, body: LIST_USERS })
    const headers = Object.entries(init.headers as Record<string, string>)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n')
    const answer = await raw(
      url,
      `POST // HTTP/1.1\r\nHost: ${new URL(url).host}\r\n${headers}\r\nContent-Length: ${LIST_USERS.length}\r\nConnection: close\r\n\r\n${LIST_USERS}`,
    )
    expect(statusOf(answer)).toBe(200)
    expect(bodyOf(answer)).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\s*<ListUsersResponse/)
  })

  test('a request line that is not HTTP gets a JSON 400 and the connection closes', async () => {
    const answer = await raw(url, 'GARBAGE\r\n\r\n')
    expect(statusOf(answer)).toBe(400)
    expect(JSON.parse(bodyOf(answer))).toMatchObject({ error: 'InvalidInput' })
  })

  test('headers over 16 KiB get a JSON 431', async () => {
    const answer = await raw(url, `GET /v4/object-storage/keys?${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`)
    expect(statusOf(answer)).toBe(431)
    expect(JSON.parse(bodyOf(answer))).toMatchObject({ error: 'InvalidInput' })
  })

  test('a body declared over 1 MiB is refused at once, before it is sent', async () => {
    const answer = await raw(
      url,
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\nAction=ListUsers`,
    )
    expect(statusOf(answer)).toBe(413)
    expect(answer).toMatch(/connection: close/i)
    expect(bodyOf(answer)).toMatch(/<Code>RequestEntityTooLarge<\/Code>/)
  })

  test('a chunked body that grows past 1 MiB is refused once it does, without reading the rest', async () => {
    const chunk = 'a'.repeat(64 * 1024)
    const chunks = Array.from({ length: 20 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('')
    const answer = await raw(
      url,
      `POST /v4/object-storage/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer keyemu-linode-token\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`,
    )
    expect(statusOf(answer)).toBe(413)
    expect(JSON.parse(bodyOf(answer))).toEqual({ errors: [{ reason: 'The request body is larger than 1 MiB.' }] })
  })

  test('HEAD of an unknown Linode path answers 404 with headers and no body', async () => {
    const res = await fetch(`${url}/v4/no-such-thing`, {
      method: 'HEAD',
      headers: { authorization: 'Bearer keyemu-linode-token' },
    })
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(await res.text()).toBe('')
  })
})
