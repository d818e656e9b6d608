import { describe, expect, test } from 'vitest'
import { EmulatorError } from './errors.js'
import { parsePolicyDocument } from './policy-document.js'

const allow = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }
const doc = (statement: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ Version: '2012-10-17', ...extra, Statement: statement })

function rejection(text: string): EmulatorError {
  try {
    parsePolicyDocument(text)
  } catch (err) {
    if (err instanceof EmulatorError) return err
    throw err
  }
  throw new Error('expected the document to be rejected')
}

describe('parsePolicyDocument accepts', () => {
  test('a single statement object and single strings, normalised to lists', () => {
    expect(parsePolicyDocument(doc(allow))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::bucket/*'] }],
    })
  })

  test('lists of statements, actions and resources as given', () => {
    const statement = {
      Sid: 'Keys1',
      Effect: 'Deny',
      Action: ['iam:CreateAccessKey', 'iam:*Key*'],
      Resource: ['arn:aws:iam::123456789012:user/*', '*'],
    }
    const parsed = parsePolicyDocument(doc([allow, statement], { Id: 'p1' }))
    expect(parsed.Id).toBe('p1')
    expect(parsed.Statement[1]).toEqual(statement)
  })

  test('NotAction and NotResource', () => {
    const parsed = parsePolicyDocument(doc({ Effect: 'Allow', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::secret' }))
    expect(parsed.Statement[0]).toEqual({ Effect: 'Allow', NotAction: ['iam:*'], NotResource: ['arn:aws:s3:::secret'] })
  })

  test('a bare * action and resource', () => {
    expect(parsePolicyDocument(doc({ Effect: 'Allow', Action: '*', Resource: '*' })).Statement[0]?.Action).toEqual([
      '*',
    ])
  })

  test('a missing Version as 2008-10-17', () => {
    expect(parsePolicyDocument(JSON.stringify({ Statement: allow })).Version).toBe('2008-10-17')
  })

  test('Version 2008-10-17', () => {
    expect(parsePolicyDocument(doc(allow, { Version: '2008-10-17' })).Version).toBe('2008-10-17')
  })

  test('Effect in any case, normalised', () => {
    expect(parsePolicyDocument(doc({ ...allow, Effect: 'deny' })).Statement[0]?.Effect).toBe('Deny')
  })

  test('condition values of strings, numbers and booleans, normalised to string lists', () => {
    const parsed = parsePolicyDocument(
      doc({
        ...allow,
        Condition: {
          Bool: { 'aws:SecureTransport': true },
          NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 },
          IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] },
          'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team', 1, false] },
        },
      }),
    )
    expect(parsed.Statement[0]?.Condition).toEqual({
      Bool: { 'aws:SecureTransport': ['true'] },
      NumericLessThan: { 'aws:MultiFactorAuthAge': ['3600'] },
      IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] },
      'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team', '1', 'false'] },
    })
  })

  test('condition operators it does not know (the evaluator never matches them)', () => {
    const parsed = parsePolicyDocument(doc({ ...allow, Condition: { StringSortOf: { 'aws:username': 'a' } } }))
    expect(parsed.Statement[0]?.Condition).toEqual({ StringSortOf: { 'aws:username': ['a'] } })
  })

  test('action names with wildcards and dotted or dashed vendors', () => {
    const actions = ['s3:Get*', 'iam:?etUser', 'execute-api:Invoke', 'a4b.x:y']
    expect(parsePolicyDocument(doc({ ...allow, Action: actions })).Statement[0]?.Action).toEqual(actions)
  })

  test('repeated empty Sids and distinct Sids', () => {
    const statements = [
      { ...allow, Sid: '' },
      { ...allow, Sid: '' },
      { ...allow, Sid: 'A' },
      { ...allow, Sid: 'B' },
    ]
    expect(parsePolicyDocument(doc(statements)).Statement).toHaveLength(4)
  })
})

describe('parsePolicyDocument rejects with MalformedPolicy', () => {
  test.each([
    ['invalid JSON', '{"Version": ', 'Syntax errors in policy.'],
    ['a JSON array', '[]', 'Syntax errors in policy.'],
    ['a JSON string', '"policy"', 'Syntax errors in policy.'],
    [
      'an unknown Version',
      doc(allow, { Version: '2012-10-18' }),
      'Policy document must have a Version of 2012-10-17 or 2008-10-17.',
    ],
    ['a missing Statement', JSON.stringify({ Version: '2012-10-17' }), 'Policy document must contain a Statement.'],
    ['a Statement string', doc('Allow'), 'Policy document must contain a Statement.'],
    ['an empty Statement list', doc([]), 'Policy document must contain at least one statement.'],
    ['a statement that is not an object', doc([allow, 'x']), 'Policy statement must be an object.'],
    ['an unknown top-level field', doc(allow, { Owner: 'me' }), 'Policy document contains an unknown field: Owner.'],
    ['a non-string Id', doc(allow, { Id: 5 }), 'Policy document Id must be a string.'],
    ['a missing Effect', doc({ Action: '*', Resource: '*' }), 'Policy statement must contain an Effect.'],
    [
      'an Effect other than Allow or Deny',
      doc({ ...allow, Effect: 'Permit' }),
      'Policy statement Effect must be Allow or Deny.',
    ],
    ['a non-string Effect', doc({ ...allow, Effect: true }), 'Policy statement Effect must be Allow or Deny.'],
    ['a Principal', doc({ ...allow, Principal: { AWS: '*' } }), 'Policy document should not specify a principal.'],
    ['a NotPrincipal', doc({ ...allow, NotPrincipal: '*' }), 'Policy document should not specify a principal.'],
    [
      'an unknown statement field',
      doc({ ...allow, Actions: 's3:*' }),
      'Policy statement contains an unknown field: Actions.',
    ],
    ['a missing action', doc({ Effect: 'Allow', Resource: '*' }), 'Policy statement must contain actions.'],
    ['an empty action list', doc({ ...allow, Action: [] }), 'Policy statement must contain actions.'],
    [
      'both Action and NotAction',
      doc({ ...allow, NotAction: 'iam:*' }),
      'Policy statement must contain either Action or NotAction, not both.',
    ],
    [
      'a non-string action',
      doc({ ...allow, Action: ['s3:GetObject', 7] }),
      'Action must be a string or a list of strings.',
    ],
    ['a missing resource', doc({ Effect: 'Allow', Action: 's3:*' }), 'Policy statement must contain resources.'],
    ['an empty resource list', doc({ ...allow, Resource: [] }), 'Policy statement must contain resources.'],
    [
      'both Resource and NotResource',
      doc({ ...allow, NotResource: '*' }),
      'Policy statement must contain either Resource or NotResource, not both.',
    ],
    [
      'a non-string NotResource',
      doc({ Effect: 'Allow', Action: '*', NotResource: {} }),
      'NotResource must be a string or a list of strings.',
    ],
    [
      'an action without a vendor',
      doc({ ...allow, Action: 'GetObject' }),
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    ],
    ['a wildcard vendor', doc({ ...allow, Action: '*:Describe*' }), 'Action vendors must not contain wildcards'],
    ['a ? in the vendor', doc({ ...allow, Action: 's?:GetObject' }), 'Action vendors must not contain wildcards'],
    [
      'two colons in an action',
      doc({ ...allow, Action: 's3:Get:Object' }),
      'Actions/Condition can contain only one colon.',
    ],
    ['a vendor with odd characters', doc({ ...allow, Action: 's3_x:Get' }), 'Vendor s3_x is not valid'],
    ['an empty vendor', doc({ Effect: 'Allow', NotAction: ':Get', Resource: '*' }), 'Vendor  is not valid'],
    ['an empty action name', doc({ ...allow, Action: 's3:' }), 'Action s3: must name an action after the vendor.'],
    [
      'a resource that is not an ARN',
      doc({ ...allow, Resource: 'bucket' }),
      'Resource bucket must be in ARN format or "*".',
    ],
    [
      'a resource with a wildcard service',
      doc({ ...allow, Resource: 'arn:aws:*:::x' }),
      'Resource vendor must be fully qualified and cannot contain regexes.',
    ],
    [
      'a resource without a service',
      doc({ ...allow, Resource: 'arn:aws' }),
      'Resource vendor must be fully qualified and cannot contain regexes.',
    ],
    [
      'duplicate Sids',
      doc([
        { ...allow, Sid: 'Same' },
        { ...allow, Sid: 'Same' },
      ]),
      'Statement IDs (SID) in a single policy must be unique.',
    ],
    [
      'a Sid that is not alphanumeric',
      doc({ ...allow, Sid: 'my sid' }),
      'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
    ],
    [
      'a condition operator that is not an object',
      doc({ ...allow, Condition: { Bool: 'true' } }),
      'Each condition operator must map condition keys to values.',
    ],
    [
      'a Condition that is a list',
      doc({ ...allow, Condition: [] }),
      'Condition must map condition operators to condition keys.',
    ],
    [
      'an object condition value',
      doc({ ...allow, Condition: { StringEquals: { 'aws:username': { a: 1 } } } }),
      'Condition values must be strings, numbers, booleans or a list of them.',
    ],
    [
      'a null condition value',
      doc({ ...allow, Condition: { StringEquals: { 'aws:username': null } } }),
      'Condition values must be strings, numbers, booleans or a list of them.',
    ],
    [
      'a condition key without a vendor',
      doc({ ...allow, Condition: { IpAddress: { SourceIp: '10.0.0.0/8' } } }),
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    ],
  ])('%s', (_what, text, message) => {
    const err = rejection(text)
    expect(err.code).toBe('MalformedPolicy')
    expect(err.message).toBe(message)
  })
})
