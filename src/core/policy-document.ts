import * as z from 'zod'
import { EmulatorError } from './errors.js'

export interface PolicyStatement {
  Sid?: string
  Effect: 'Allow' | 'Deny'
  Action?: string[]
  NotAction?: string[]
  Resource?: string[]
  NotResource?: string[]
  /** Operator → condition key → values, every scalar already turned into a string. */
  Condition?: Record<string, Record<string, string[]>>
}

export interface PolicyDocument {
  Version: '2012-10-17' | '2008-10-17'
  Id?: string
  Statement: PolicyStatement[]
}

// Messages in quotes below are IAM's own MalformedPolicyDocument wording (as reproduced by moto's
// policy validator); the rest are ours, phrased the same way.
const SYNTAX = 'Syntax errors in policy.'
const NO_ACTIONS = 'Policy statement must contain actions.'
const NO_RESOURCES = 'Policy statement must contain resources.'
const NO_PRINCIPAL = 'Policy document should not specify a principal.'
const DUPLICATE_SID = 'Statement IDs (SID) in a single policy must be unique.'
const NO_VENDOR = 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'
const VENDOR_WILDCARD = 'Action vendors must not contain wildcards'
const ONE_COLON = 'Actions/Condition can contain only one colon.'
const RESOURCE_VENDOR = 'Resource vendor must be fully qualified and cannot contain regexes.'

const unknownField =
  (where: string) =>
  (issue: { code?: string; keys?: string[] }): string | undefined =>
    issue.code === 'unrecognized_keys' ? `${where} contains an unknown field: ${issue.keys?.[0]}.` : undefined

const stringList = (field: string) =>
  z.union([z.string().transform((s) => [s]), z.array(z.string())], {
    error: `${field} must be a string or a list of strings.`,
  })

// Schemas are z.lazy: each is built on its first use, not at every start (why: src/protocol/aws/validation.ts).
const scalar = z.lazy(() => z.union([z.string(), z.number(), z.boolean()]).transform(String))

const ConditionValues = z.lazy(() =>
  z.union([scalar.transform((s) => [s]), z.array(scalar)], {
    error: 'Condition values must be strings, numbers, booleans or a list of them.',
  }),
)

const ConditionBlock = z.lazy(() =>
  z.record(
    z.string(),
    z.record(z.string(), ConditionValues, { error: 'Each condition operator must map condition keys to values.' }),
    { error: 'Condition must map condition operators to condition keys.' },
  ),
)

const Effect = z.lazy(() =>
  z
    .string({ error: 'Policy statement Effect must be Allow or Deny.' })
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(['allow', 'deny'], { error: 'Policy statement Effect must be Allow or Deny.' }))
    .transform((s) => (s === 'allow' ? 'Allow' : 'Deny')),
)

const Statement = z.lazy(() =>
  z.strictObject(
    {
      Sid: z
        .string({ error: 'Statement IDs (SID) must be strings.' })
        .regex(
          /^[0-9A-Za-z]*$/,
          'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
        )
        .optional(),
      Effect: z
        .unknown()
        .refine((v) => v !== undefined, 'Policy statement must contain an Effect.')
        .pipe(Effect),
      Action: stringList('Action').optional(),
      NotAction: stringList('NotAction').optional(),
      Resource: stringList('Resource').optional(),
      NotResource: stringList('NotResource').optional(),
      Condition: ConditionBlock.optional(),
      Principal: z.never({ error: NO_PRINCIPAL }).optional(),
      NotPrincipal: z.never({ error: NO_PRINCIPAL }).optional(),
    },
    { error: unknownField('Policy statement') },
  ),
)

const Document = z.lazy(() =>
  z.strictObject(
    {
      Version: z
        .enum(['2012-10-17', '2008-10-17'], {
          error: 'Policy document must have a Version of 2012-10-17 or 2008-10-17.',
        })
        .optional(),
      Id: z.string({ error: 'Policy document Id must be a string.' }).optional(),
      Statement: z.union(
        [
          z.array(z.unknown()).min(1, 'Policy document must contain at least one statement.'),
          z.record(z.string(), z.unknown()).transform((s) => [s]),
        ],
        { error: 'Policy document must contain a Statement.' },
      ),
    },
    { error: unknownField('Policy document') },
  ),
)

// Each distinct document is parsed once (evaluation keeps the result): compiling zod's fast path for
// its objects would cost more than it saves.
const ONCE = { jitless: true }

/**
 * Parse and validate an IAM identity-policy document, normalising every list-or-scalar field to a list.
 * Throws `EmulatorError('MalformedPolicy')` naming the first problem found.
 *
 * @example
 * const doc = parsePolicyDocument('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}')
 * doc.Statement[0]?.Action // ['s3:*']
 */
export function parsePolicyDocument(text: string): PolicyDocument {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw malformed(SYNTAX)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw malformed(SYNTAX)

  const doc = Document.safeParse(json, ONCE)
  if (!doc.success) throw malformed(firstMessage(doc.error))

  const statements: PolicyStatement[] = []
  const sids = new Set<string>()
  for (const raw of doc.data.Statement) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw malformed('Policy statement must be an object.')
    const parsed = Statement.safeParse(raw, ONCE)
    if (!parsed.success) throw malformed(firstMessage(parsed.error))
    const { Principal: _p, NotPrincipal: _np, ...statement } = parsed.data
    if (statement.Sid) {
      if (sids.has(statement.Sid)) throw malformed(DUPLICATE_SID)
      sids.add(statement.Sid)
    }
    checkStatement(statement)
    statements.push(dropUndefined(statement))
  }

  const result: PolicyDocument = { Version: doc.data.Version ?? '2008-10-17', Statement: statements }
  if (doc.data.Id !== undefined) result.Id = doc.data.Id
  return result
}

function checkStatement(s: PolicyStatement): void {
  if (s.Action !== undefined && s.NotAction !== undefined) {
    throw malformed('Policy statement must contain either Action or NotAction, not both.')
  }
  if (s.Resource !== undefined && s.NotResource !== undefined) {
    throw malformed('Policy statement must contain either Resource or NotResource, not both.')
  }
  const actions = s.Action ?? s.NotAction
  if (!actions?.length) throw malformed(NO_ACTIONS)
  const resources = s.Resource ?? s.NotResource
  if (!resources?.length) throw malformed(NO_RESOURCES)
  for (const action of actions) checkAction(action)
  for (const resource of resources) checkResource(resource)
  for (const keys of Object.values(s.Condition ?? {})) {
    for (const key of Object.keys(keys)) checkConditionKey(key)
  }
}

function checkAction(action: string): void {
  if (action === '*') return
  const parts = action.split(':')
  if (parts.length === 1) throw malformed(NO_VENDOR)
  if (parts.length > 2) throw malformed(ONE_COLON)
  const [vendor = '', name = ''] = parts
  if (/[*?]/.test(vendor)) throw malformed(VENDOR_WILDCARD)
  if (vendor === '' || /[^a-zA-Z0-9.-]/.test(vendor)) throw malformed(`Vendor ${vendor} is not valid`)
  if (name === '') throw malformed(`Action ${action} must name an action after the vendor.`)
}

function checkConditionKey(key: string): void {
  const colon = key.indexOf(':')
  if (colon <= 0) throw malformed(NO_VENDOR)
}

function checkResource(resource: string): void {
  if (resource === '*') return
  if (!resource.startsWith('arn:')) throw malformed(`Resource ${resource} must be in ARN format or "*".`)
  const [, partition, service] = resource.split(':')
  if (partition === undefined || service === undefined || service === '' || /[*?]/.test(service)) {
    throw malformed(RESOURCE_VENDOR)
  }
}

function firstMessage(error: z.ZodError): string {
  return error.issues[0]?.message ?? SYNTAX
}

function malformed(message: string): EmulatorError {
  return new EmulatorError('MalformedPolicy', message)
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
