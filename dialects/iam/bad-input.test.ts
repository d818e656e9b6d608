import { XMLParser } from 'fast-xml-parser'
import { expect, test } from 'vitest'
import { signedFetch, signRequest } from '../../test/support/aws-signing.js'
import { forEachTransport } from '../../test/support/transports.js'

const IAM = 'https://iam.amazonaws.com'
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }
const parser = new XMLParser()

interface IamError {
  status: number
  type: string
  code: string
  message: string
  requestId: string
}

async function asError(res: Response): Promise<IamError> {
  expect(res.headers.get('content-type')).toBe('text/xml')
  const doc = parser.parse(await res.text())
  const error = doc.ErrorResponse?.Error
  expect(error, 'an <ErrorResponse><Error> envelope').toBeDefined()
  expect(doc.ErrorResponse.RequestId).toBe(res.headers.get('x-amzn-requestid'))
  return {
    status: res.status,
    type: error.Type,
    code: error.Code,
    message: error.Message,
    requestId: doc.ErrorResponse.RequestId,
  }
}

const cases: { name: string; body: string; status: number; code: string; message: RegExp }[] = [
  {
    name: 'a malformed form body',
    body: 'Action=CreateUser&Version=2010-05-08&UserName=%zz',
    status: 400,
    code: 'ValidationError',
    message: /not valid form encoding/,
  },
  {
    name: 'an unknown Action',
    body: 'Action=CreateUsers&Version=2010-05-08',
    status: 400,
    code: 'InvalidAction',
    message: /CreateUsers/,
  },
  {
    name: 'no Action at all',
    body: 'Version=2010-05-08&UserName=bob',
    status: 400,
    code: 'MissingAction',
    message: /Action/,
  },
  {
    name: 'a missing required parameter',
    body: 'Action=CreateUser&Version=2010-05-08',
    status: 400,
    code: 'ValidationError',
    message: /Value null at 'userName' failed to satisfy constraint: Member must not be null/,
  },
  {
    name: 'a user name over 64 characters for CreateUser',
    body: `Action=CreateUser&Version=2010-05-08&UserName=${'a'.repeat(65)}`,
    status: 400,
    code: 'ValidationError',
    message: /Member must have length less than or equal to 64/,
  },
  {
    name: 'a user name over 128 characters for CreateAccessKey',
    body: `Action=CreateAccessKey&Version=2010-05-08&UserName=${'a'.repeat(129)}`,
    status: 400,
    code: 'ValidationError',
    message: /less than or equal to 128/,
  },
  {
    name: 'a user name with a space',
    body: 'Action=CreateUser&Version=2010-05-08&UserName=a%20b',
    status: 400,
    code: 'ValidationError',
    message: /Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern/,
  },
  {
    name: 'several broken constraints at once',
    body: `Action=CreateUser&Version=2010-05-08&UserName=${'a'.repeat(65)}&Path=nope`,
    status: 400,
    code: 'ValidationError',
    message: /^2 validation errors detected: .*'userName'.*'path'/,
  },
  {
    name: 'a MaxItems that is not a number',
    body: 'Action=ListUsers&Version=2010-05-08&MaxItems=lots',
    status: 400,
    code: 'ValidationError',
    message: /'maxItems'/,
  },
  {
    name: 'a MaxItems over 1000',
    body: 'Action=ListUsers&Version=2010-05-08&MaxItems=1001',
    status: 400,
    code: 'ValidationError',
    message: /less than or equal to 1000/,
  },
  {
    name: 'a Marker keyemu never gave',
    body: 'Action=ListUsers&Version=2010-05-08&Marker=garbage!',
    status: 400,
    code: 'ValidationError',
    message: /Invalid Marker/,
  },
  {
    name: 'an unknown Status',
    body: 'Action=UpdateAccessKey&Version=2010-05-08&AccessKeyId=AKIAAAAAAAAAAAAAAAAA&Status=Paused',
    status: 400,
    code: 'ValidationError',
    message: /enum value set: \[Active, Inactive\]/,
  },
  {
    name: 'a policy document that is not JSON',
    body: `Action=CreatePolicy&Version=2010-05-08&PolicyName=p&PolicyDocument=${encodeURIComponent('{"Version":')}`,
    status: 400,
    code: 'MalformedPolicyDocument',
    message: /Syntax errors in policy/,
  },
  {
    name: 'a policy statement with a Principal',
    body: `Action=CreatePolicy&Version=2010-05-08&PolicyName=p&PolicyDocument=${encodeURIComponent(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }],
      }),
    )}`,
    status: 400,
    code: 'MalformedPolicyDocument',
    message: /should not specify a principal/,
  },
  {
    name: 'an inline policy for a user that does not exist',
    body: `Action=PutUserPolicy&Version=2010-05-08&UserName=ghost&PolicyName=p&PolicyDocument=${encodeURIComponent(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
    )}`,
    status: 404,
    code: 'NoSuchEntity',
    message: /The user with name ghost cannot be found/,
  },
  {
    name: 'a policy ARN that is not one',
    body: 'Action=GetPolicy&Version=2010-05-08&PolicyArn=arn:aws:s3:::not-a-policy-at-all',
    status: 400,
    code: 'ValidationError',
    message: /not valid/,
  },
]

forEachTransport('iam bad input', (t) => {
  test.each(cases)('answers $name with $code, and changes nothing', async ({ body, status, code, message }) => {
    const before = t.snapshot()
    const res = await signedFetch(t.endpoint(IAM), { service: 'iam', headers: FORM, body })
    const err = await asError(res)
    expect(err).toMatchObject({ status, code, type: 'Sender' })
    expect(err.message).toMatch(message)
    expect(t.snapshot()).toEqual(before)
  })

  test('answers a body over 1 MiB with an XML error, and changes nothing', async () => {
    const before = t.snapshot()
    const body = `Action=CreateUser&Version=2010-05-08&UserName=bob&Padding=${'x'.repeat(1024 * 1024)}`
    const err = await asError(await signedFetch(t.endpoint(IAM), { service: 'iam', headers: FORM, body }))
    expect(err).toMatchObject({ status: 413, code: 'RequestEntityTooLarge' })
    expect(t.snapshot()).toEqual(before)
  })

  test('answers a body that is not a form with ValidationError', async () => {
    const res = await signedFetch(t.endpoint(IAM), {
      service: 'iam',
      headers: { 'content-type': 'application/json' },
      body: '{"Action":"ListUsers"}',
    })
    expect(await asError(res)).toMatchObject({ status: 400, code: 'ValidationError' })
  })

  test('answers an unsigned request with MissingAuthenticationToken', async () => {
    const res = await fetch(t.endpoint(IAM), {
      method: 'POST',
      headers: FORM,
      body: 'Action=ListUsers&Version=2010-05-08',
    })
    expect(await asError(res)).toMatchObject({ status: 403, code: 'MissingAuthenticationToken' })
  })

  test('answers a mangled Authorization header with IncompleteSignature', async () => {
    const res = await fetch(t.endpoint(IAM), {
      method: 'POST',
      headers: { ...FORM, authorization: 'AWS4-HMAC-SHA256 Credential=test' },
      body: 'Action=ListUsers&Version=2010-05-08',
    })
    expect(await asError(res)).toMatchObject({ status: 400, code: 'IncompleteSignature' })
  })

  test('a user name of 65..128 characters passes validation where IAM allows it, then is not found', async () => {
    const res = await signedFetch(t.endpoint(IAM), {
      service: 'iam',
      headers: FORM,
      body: `Action=GetUser&Version=2010-05-08&UserName=${'a'.repeat(100)}`,
    })
    expect(await asError(res)).toMatchObject({ status: 404, code: 'NoSuchEntity' })
  })

  test('accepts GET with the parameters in the query string, signed in the header or presigned', async () => {
    for (const presign of [false, true]) {
      const res = await signedFetch(`${t.endpoint(IAM)}/?Action=ListUsers&Version=2010-05-08`, {
        service: 'iam',
        method: 'GET',
        presign,
      })
      expect(res.status).toBe(200)
      const doc = parser.parse(await res.text())
      expect(doc.ListUsersResponse.ListUsersResult.IsTruncated).toBe(false)
    }
  })

  test('refuses a presigned URL whose query was altered after signing', async () => {
    const { href } = await signRequest(`${t.endpoint(IAM)}/?Action=ListUsers&Version=2010-05-08`, {
      service: 'iam',
      method: 'GET',
      presign: true,
    })
    expect((await fetch(href)).status).toBe(200)
    const tampered = new URL(href)
    tampered.searchParams.set('Action', 'ListPolicies')
    expect(await asError(await fetch(tampered))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' })
  })
})
