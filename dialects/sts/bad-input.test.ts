import { XMLParser } from 'fast-xml-parser'
import { expect, test } from 'vitest'
import { signedFetch } from '../../test/support/aws-signing.js'
import { forEachTransport } from '../../test/support/transports.js'
import { NAMESPACE } from './render.js'

const STS = 'https://sts.us-east-1.amazonaws.com'
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }
const parser = new XMLParser({ ignoreAttributes: false })

// Every refusal comes in STS's own envelope: ErrorResponse in the STS namespace, never IAM's.
async function asError(res: Response) {
  expect(res.headers.get('content-type')).toBe('text/xml')
  const doc = parser.parse(await res.text())
  const envelope = doc.ErrorResponse
  expect(envelope, 'an <ErrorResponse> envelope').toBeDefined()
  expect(envelope['@_xmlns']).toBe(NAMESPACE)
  expect(envelope.RequestId).toBe(res.headers.get('x-amzn-requestid'))
  return { status: res.status, type: envelope.Error.Type, code: envelope.Error.Code, message: envelope.Error.Message }
}

const cases = [
  {
    name: 'an unknown Action',
    body: 'Action=GetSessionTokens&Version=2011-06-15',
    status: 400,
    code: 'InvalidAction',
    message: /Could not find operation GetSessionTokens for version 2011-06-15/,
  },
  {
    name: 'an IAM Action',
    body: 'Action=ListUsers&Version=2010-05-08',
    status: 400,
    code: 'InvalidAction',
    message: /ListUsers/,
  },
  {
    name: 'no Action at all',
    body: 'Version=2011-06-15',
    status: 400,
    code: 'MissingAction',
    message: /parameter Action/,
  },
  {
    name: 'a malformed form body',
    body: 'Action=GetCallerIdentity&Version=2011-06-15&x=%zz',
    status: 400,
    code: 'ValidationError',
    message: /not valid form encoding/,
  },
]

forEachTransport('sts bad input', (t) => {
  test.each(cases)('answers $name with $code, and changes nothing', async ({ body, status, code, message }) => {
    const before = t.snapshot()
    const err = await asError(await signedFetch(t.endpoint(STS), { service: 'sts', headers: FORM, body }))
    expect(err).toMatchObject({ status, code, type: 'Sender' })
    expect(err.message).toMatch(message)
    expect(t.snapshot()).toEqual(before)
  })

  test('answers a body that is not a form with ValidationError', async () => {
    const res = await signedFetch(t.endpoint(STS), {
      service: 'sts',
      headers: { 'content-type': 'application/json' },
      body: '{"Action":"GetCallerIdentity"}',
    })
    expect(await asError(res)).toMatchObject({ status: 400, code: 'ValidationError' })
  })

  test('answers a mangled Authorization header with IncompleteSignature', async () => {
    const res = await fetch(t.endpoint(STS), {
      method: 'POST',
      headers: { ...FORM, authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sts/aws4_request' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    })
    expect(await asError(res)).toMatchObject({ status: 400, code: 'IncompleteSignature' })
  })

  test('answers an unknown key id with InvalidClientTokenId', async () => {
    const res = await signedFetch(t.endpoint(STS), {
      service: 'sts',
      headers: FORM,
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
      credentials: { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'x' },
    })
    expect(await asError(res)).toMatchObject({ status: 403, code: 'InvalidClientTokenId' })
  })

  test('answers GET with the parameters in the query string as it answers POST', async () => {
    const res = await signedFetch(`${t.endpoint(STS)}/?Action=GetCallerIdentity&Version=2011-06-15`, {
      service: 'sts',
      method: 'GET',
    })
    expect(res.status).toBe(200)
    const doc = parser.parse(await res.text())
    expect(doc.GetCallerIdentityResponse['@_xmlns']).toBe(NAMESPACE)
    expect(doc.GetCallerIdentityResponse.GetCallerIdentityResult.Arn).toBe('arn:aws:iam::000000000000:root')
  })
})
