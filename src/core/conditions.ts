import { BlockList, isIP } from 'node:net'
import { matchesPattern, remember } from './glob.js'
import { contextOf, type Prepared, substitute } from './policy-variables.js'

// IAM condition operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html

export interface CompiledCondition {
  operator: Operator | undefined
  qualifier: 'any' | 'all' | undefined
  ifExists: boolean
  key: string
  values: string[]
  variables: boolean
}

/** true/false, or undefined when the request value can't be read as the operator's type (never matches). */
type Test = (value: string, policyValues: string[]) => boolean | undefined

interface Operator {
  test: Test
  negated: boolean
  /** Whether policy variables are substituted in the policy's values. */
  variables: boolean
  /** Wildcard operators substitute into glob form, others into literal text. */
  glob: boolean
}

const op = (test: Test, negated = false, variables = false, glob = false): Operator => ({
  test,
  negated,
  variables,
  glob,
})

const stringEquals: Test = (v, ps) => ps.includes(v)
const stringEqualsIgnoreCase: Test = (v, ps) => {
  const lower = v.toLowerCase()
  return ps.some((p) => p.toLowerCase() === lower)
}
const stringLike: Test = (v, ps) => ps.some((p) => matchesPattern(p, v, false))
const arnLike: Test = (v, ps) => ps.some((p) => arnMatches(p, v))
const bool: Test = (v, ps) => {
  const lower = v.toLowerCase()
  return ps.some((p) => p.toLowerCase() === lower)
}
const ipAddress: Test = (v, ps) => {
  const family = isIP(v)
  if (family === 0) return undefined
  return ps.some((p) => cidr(p)?.check(v, family === 6 ? 'ipv6' : 'ipv4') === true)
}

function ordered(parse: (s: string) => number, compare: (a: number, b: number) => boolean): Test {
  return (v, ps) => {
    const n = parse(v)
    if (Number.isNaN(n)) return undefined
    return ps.some((p) => {
      const q = parse(p)
      return !Number.isNaN(q) && compare(n, q)
    })
  }
}

const parseNumber = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s))
const parseDate = (s: string): number => (/^\d+(\.\d+)?$/.test(s) ? Number(s) * 1000 : Date.parse(s))
const eq = (a: number, b: number) => a === b
const lt = (a: number, b: number) => a < b
const le = (a: number, b: number) => a <= b
const gt = (a: number, b: number) => a > b
const ge = (a: number, b: number) => a >= b

const OPERATORS: Record<string, Operator> = {
  StringEquals: op(stringEquals, false, true),
  StringNotEquals: op(stringEquals, true, true),
  StringEqualsIgnoreCase: op(stringEqualsIgnoreCase, false, true),
  StringNotEqualsIgnoreCase: op(stringEqualsIgnoreCase, true, true),
  StringLike: op(stringLike, false, true, true),
  StringNotLike: op(stringLike, true, true, true),
  NumericEquals: op(ordered(parseNumber, eq)),
  NumericNotEquals: op(ordered(parseNumber, eq), true),
  NumericLessThan: op(ordered(parseNumber, lt)),
  NumericLessThanEquals: op(ordered(parseNumber, le)),
  NumericGreaterThan: op(ordered(parseNumber, gt)),
  NumericGreaterThanEquals: op(ordered(parseNumber, ge)),
  DateEquals: op(ordered(parseDate, eq)),
  DateNotEquals: op(ordered(parseDate, eq), true),
  DateLessThan: op(ordered(parseDate, lt)),
  DateLessThanEquals: op(ordered(parseDate, le)),
  DateGreaterThan: op(ordered(parseDate, gt)),
  DateGreaterThanEquals: op(ordered(parseDate, ge)),
  Bool: op(bool),
  IpAddress: op(ipAddress),
  NotIpAddress: op(ipAddress, true),
  ArnEquals: op(arnLike, false, true, true),
  ArnLike: op(arnLike, false, true, true),
  ArnNotEquals: op(arnLike, true, true, true),
  ArnNotLike: op(arnLike, true, true, true),
}

/** The operator, set qualifier and IfExists flag a condition block's name spells. */
export function parseOperator(name: string): Pick<CompiledCondition, 'operator' | 'qualifier' | 'ifExists'> {
  let rest = name
  let qualifier: CompiledCondition['qualifier']
  if (rest.startsWith('ForAnyValue:')) {
    qualifier = 'any'
    rest = rest.slice('ForAnyValue:'.length)
  } else if (rest.startsWith('ForAllValues:')) {
    qualifier = 'all'
    rest = rest.slice('ForAllValues:'.length)
  }
  if (rest === 'Null' && !qualifier) return { operator: NULL, qualifier, ifExists: false }
  const ifExists = rest.endsWith('IfExists')
  if (ifExists) rest = rest.slice(0, -'IfExists'.length)
  return { operator: Object.hasOwn(OPERATORS, rest) ? OPERATORS[rest] : undefined, qualifier, ifExists }
}

// Marker only: Null is decided on presence, never through `test`.
const NULL: Operator = op(() => false)

/** Does one condition (operator, key, values) hold for the request? */
export function conditionHolds(c: CompiledCondition, req: Prepared): boolean {
  const operator = c.operator
  if (!operator) return false
  const values = contextOf(req).get(c.key)
  if (operator === NULL) {
    const wanted = values === undefined ? 'true' : 'false'
    return c.values.some((v) => v.toLowerCase() === wanted)
  }
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html:
  // a missing key fails the condition, except negated operators (true), ...IfExists (true),
  // ForAllValues (true: vacuously) and ForAnyValue (false).
  if (values === undefined) {
    if (c.ifExists || c.qualifier === 'all') return true
    if (c.qualifier === 'any') return false
    return operator.negated
  }
  const policyValues = c.variables ? resolveValues(c.values, req, operator.glob) : c.values
  const holds = (v: string): boolean => {
    const r = operator.test(v, policyValues)
    return r !== undefined && r !== operator.negated
  }
  if (c.qualifier === 'all') return values.every(holds)
  if (c.qualifier === 'any') return values.some(holds)
  // Unqualified: a positive operator needs one request value to match; a negated one needs none to
  // match (values of a negated operator are NOR-ed).
  return operator.negated ? values.every(holds) : values.some(holds)
}

function resolveValues(values: string[], req: Prepared, glob: boolean): string[] {
  const out: string[] = []
  for (const v of values) {
    const resolved = substitute(v, req, glob)
    if (resolved !== undefined) out.push(resolved)
  }
  return out
}

/** ARN condition operators compare each of the six colon-separated parts on its own. */
function arnMatches(pattern: string, arn: string): boolean {
  const p = arnParts(pattern)
  const a = arnParts(arn)
  if (!p || !a) return false
  for (let i = 0; i < 6; i++) if (!matchesPattern(p[i] as string, a[i] as string, false)) return false
  return true
}

function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':')
  if (parts.length < 6) return undefined
  return [...parts.slice(0, 5), parts.slice(5).join(':')]
}

const cidrCache = new Map<string, BlockList | null>()

/** A one-range BlockList per CIDR (or bare address); null when the policy value is not an address. */
function cidr(value: string): BlockList | null {
  const hit = cidrCache.get(value)
  if (hit !== undefined) return hit
  let list: BlockList | null = null
  const [address = '', prefixText, extra] = value.trim().split('/')
  const family = isIP(address)
  const max = family === 6 ? 128 : 32
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN
  if (family !== 0 && extra === undefined && prefix >= 0 && prefix <= max) {
    list = new BlockList()
    list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4')
  }
  remember(cidrCache, value, list)
  return list
}
