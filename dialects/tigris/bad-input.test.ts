import { beforeEach, expect, test } from 'vitest'
import {
  SEEDED_ORG,
  TIGRIS,
  type TigrisCall,
  type TigrisClient,
  tigrisClient,
} from '../../test/support/tigris-signing.js'
import { forEachTransport, type Transport } from '../../test/support/transports.js'

const ORG = `/${SEEDED_ORG}`
const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['*'] }] }
const withStatement = (statement: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['*'], ...statement }],
})
const key = (body: Record<string, unknown>): TigrisCall => ({
  method: 'POST',
  path: `${ORG}/key`,
  body: { user_id: 'u', ...body },
})
const policy = (body: Record<string, unknown>): TigrisCall => ({ method: 'POST', path: `${ORG}/policies`, body })

// Each: the call, the status, and what the message must name.
const cases: Record<string, [TigrisCall, number, RegExp]> = {
  'malformed JSON': [{ method: 'POST', path: `${ORG}/key`, raw: '{"user_id": "u",' }, 400, /not valid JSON/],
  'a JSON array as the body': [{ method: 'POST', path: `${ORG}/keys`, raw: '[]' }, 400, /must be a JSON object/],
  'an unknown top-level field': [key({ colour: 'blue' }), 400, /unknown field colour/],
  'an unknown field in buckets_roles': [
    key({ buckets_roles: [{ bucket_name: 'b', role: 'Editor', extra: 1 }] }),
    400,
    /buckets_roles\[0\].*unknown field extra/,
  ],
  'an unknown field in a statement': [
    policy({ name: 'p', document: withStatement({ Principal: '*' }) }),
    400,
    /unknown field Principal/,
  ],
  'a missing user_id': [{ method: 'POST', path: `${ORG}/key`, body: {} }, 400, /user_id is required/],
  'user_id of the wrong type': [key({ user_id: 42 }), 400, /user_id must be a string/],
  'buckets_roles of the wrong type': [key({ buckets_roles: 'all' }), 400, /buckets_roles must be an array/],
  'an unknown user_role': [key({ user_role: 'Owner' }), 400, /user_role must be Admin or Member/],
  'the Admin role with a named bucket': [
    key({ buckets_roles: [{ bucket_name: 'example-bucket', role: 'Admin' }] }),
    400,
    /buckets_roles\[0\]\.bucket_name.*"\*"/,
  ],
  'a bucket listed twice': [
    key({
      buckets_roles: [
        { bucket_name: 'b', role: 'Editor' },
        { bucket_name: 'b', role: 'ReadOnly' },
      ],
    }),
    400,
    /listed twice/,
  ],
  'a policy name over 128 characters': [policy({ name: 'p'.repeat(129), document }), 400, /name must be at most 128/],
  'a policy name with a forbidden character': [policy({ name: 'no spaces', document }), 400, /\+=,\.@_-/],
  'a description over 1000 characters': [
    policy({ name: 'p', document, description: 'd'.repeat(1001) }),
    400,
    /description must be at most 1000/,
  ],
  'a document with another Version': [
    policy({ name: 'p', document: { ...document, Version: '2008-10-17' } }),
    400,
    /Version must be 2012-10-17/,
  ],
  'an Effect other than Allow or Deny': [
    policy({ name: 'p', document: withStatement({ Effect: 'Maybe' }) }),
    400,
    /Effect must be Allow or Deny/,
  ],
  'an unsupported action': [
    policy({ name: 'p', document: withStatement({ Action: ['iam:CreateUser'] }) }),
    400,
    /iam:CreateUser is not a supported/,
  ],
  'an unsupported condition operator': [
    policy({ name: 'p', document: withStatement({ Condition: { StringLike: { 'aws:Referer': 'x' } } }) }),
    400,
    /StringLike is not supported/,
  ],
  'a date condition on another key than aws:CurrentTime': [
    policy({ name: 'p', document: withStatement({ Condition: { DateLessThan: { 'aws:EpochTime': '1' } } }) }),
    400,
    /only aws:CurrentTime/,
  ],
  'an invalid new policy inside create_policies': [
    key({ create_policies: [{ name: 'x'.repeat(200), document }] }),
    400,
    /create_policies\[0\]\.name/,
  ],
  'a list limit over 1000': [
    { method: 'POST', path: `${ORG}/keys`, body: { user_id: 'u', limit: 1001 } },
    400,
    /limit must be at most 1000/,
  ],
  'a list limit that is not a number': [
    { method: 'POST', path: `${ORG}/keys`, body: { user_id: 'u', limit: '10' } },
    400,
    /limit must be a number/,
  ],
  'a continuation_token no list gave': [
    { method: 'POST', path: `${ORG}/keys`, body: { user_id: 'u', continuation_token: 'forged' } },
    400,
    /continuation_token/,
  ],
  'a policy list limit of 0': [{ method: 'GET', path: `${ORG}/policies?limit=0` }, 400, /limit must be a whole number/],
  'include_inactive that is not a boolean': [{ method: 'GET', path: '?include_inactive=yes' }, 400, /include_inactive/],
  'active that is not a boolean': [
    { method: 'PUT', path: ORG, body: { user_id: 'u', user_role: 'Admin', active: 'no' } },
    400,
    /active must be true or false/,
  ],
  'an unknown key id': [
    { method: 'POST', path: `${ORG}/key/get`, body: { user_id: 'u', id: 'tid_nope' } },
    404,
    /tid_nope/,
  ],
  'an unknown org': [{ method: 'POST', path: '/no-such-org/key', body: { user_id: 'u' } }, 404, /no-such-org/],
  'an unknown policy': [{ method: 'GET', path: `${ORG}/policies/nope` }, 404, /nope/],
  'an unknown operation': [{ method: 'GET', path: `${ORG}/invoices` }, 404, /does not emulate GET/],
  'a provision for a bucket name S3 refuses': [
    { method: 'POST', path: '/t/provision', body: { user_id: 'u', org_name: 'T', bucket_name: 'Bad_Name' } },
    400,
    /bucket_name must be 3 to 63/,
  ],
}

forEachTransport('tigris bad input', (t: Transport) => {
  let tigris: TigrisClient
  beforeEach(() => {
    tigris = tigrisClient(t.endpoint(TIGRIS))
  })

  for (const [what, [call, status, message]] of Object.entries(cases)) {
    test(`answers ${what} with ${status} {"message"} naming it, changing nothing`, async () => {
      const before = t.snapshot()
      const res = await tigris.call(call)
      expect(res.status).toBe(status)
      expect(Object.keys(res.body)).toEqual(['message'])
      expect(res.body.message).toMatch(message)
      expect(t.snapshot()).toEqual(before)
    })
  }

  test('answers a body over 1 MiB with 413 {"message"}', async () => {
    const res = await tigris.call({
      method: 'POST',
      path: `${ORG}/key`,
      raw: `{"user_id":"${'u'.repeat(1024 * 1024)}"}`,
    })
    expect(res.status).toBe(413)
    expect(Object.keys(res.body)).toEqual(['message'])
  })
})
