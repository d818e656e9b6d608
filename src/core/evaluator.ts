import { BlockList, isIP } from 'node:net'
import type { PolicyDocument, PolicyStatement } from './policy-document.js'

export interface NamedPolicy {
  name: string
  document: PolicyDocument
}

export type ContextValue = string | string[] | undefined

export interface RequestContext {
  /** `service:Action`, matched case-insensitively. */
  action: string
  /** The target ARN, matched case-sensitively. */
  resource: string
  /** Condition keys (`aws:SourceIp`, `aws:CurrentTime` as ISO, `aws:username`, ...), looked up case-insensitively. */
  context?: Record<string, ContextValue>
}

export type DecisionEffect = 'allow' | 'implicit-deny' | 'explicit-deny'

export interface Decision {
  effect: DecisionEffect
  /** Name of the policy holding the deciding statement. */
  policy?: string
  sid?: string
  statementIndex?: number
}

/**
 * Decide a request against identity policies with IAM's logic: a matching Deny wins, else a matching
 * Allow, else implicit deny. The first matching Deny (or, failing that, Allow) is reported.
 *
 * @example
 * evaluate([{ name: 'p', document }], { action: 'iam:CreateAccessKey', resource: 'arn:aws:iam::123456789012:user/bob' })
 * // { effect: 'allow', policy: 'p', sid: 'Keys', statementIndex: 0 }
 */
export function evaluate(policies: NamedPolicy[], request: RequestContext): Decision {
  const req: Prepared = {
    action: request.action.toLowerCase(),
    resource: request.resource,
    raw: request.context,
    context: undefined,
  }
  let allow: Decision | undefined
  for (const policy of policies) {
    const variables = policy.document.Version === '2012-10-17'
    const statements = policy.document.Statement
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i] as PolicyStatement
      const c = compile(statement, variables)
      if (!c.deny && allow) continue
      if (!statementMatches(c, req)) continue
      const decision: Decision = { effect: c.deny ? 'explicit-deny' : 'allow', policy: policy.name, statementIndex: i }
      if (statement.Sid) decision.sid = statement.Sid
      if (c.deny) return decision
      allow = decision
    }
  }
  return allow ?? { effect: 'implicit-deny' }
}

/**
 * Glob match where `*` is any run of characters (including `:` and `/`) and `?` is one character;
 * `${*}`, `${?}` and `${$}` stand for the literal characters.
 *
 * @example
 * matchesPattern('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b.txt', false) // true
 */
export function matchesPattern(pattern: string, value: string, ignoreCase: boolean): boolean {
  if (pattern === '*') return true
  if (!/[*?$]/.test(pattern)) return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value
  const key = (ignoreCase ? 'i' : 's') + pattern
  let regex = globCache.get(key)
  if (!regex) {
    regex = new RegExp(`^${globSource(pattern)}$`, ignoreCase ? 'is' : 's')
    remember(globCache, key, regex)
  }
  return regex.test(value)
}

// --- compilation --------------------------------------------------------------------------------

interface Prepared {
  action: string
  resource: string
  raw: Record<string, ContextValue> | undefined
  /** Lower-cased keys, built on first use: most statements never look at the context. */
  context: Map<string, string[]> | undefined
}

interface CompiledStatement {
  deny: boolean
  actions: string[]
  notAction: boolean
  resources: string[]
  notResource: boolean
  resourceVariables: boolean
  conditions: CompiledCondition[]
}

interface CompiledCondition {
  operator: Operator | undefined
  qualifier: 'any' | 'all' | undefined
  ifExists: boolean
  key: string
  values: string[]
  variables: boolean
}

// Keyed by the statement object: stored documents keep their identity between requests, so each is compiled once.
const compiledStatements = new WeakMap<PolicyStatement, { variables: boolean; compiled: CompiledStatement }>()

function compile(statement: PolicyStatement, variables: boolean): CompiledStatement {
  const hit = compiledStatements.get(statement)
  if (hit && hit.variables === variables) return hit.compiled
  const resources = statement.Resource ?? statement.NotResource ?? []
  const compiled: CompiledStatement = {
    deny: statement.Effect === 'Deny',
    actions: (statement.Action ?? statement.NotAction ?? []).map((a) => a.toLowerCase()),
    notAction: statement.Action === undefined,
    resources,
    notResource: statement.Resource === undefined,
    resourceVariables: variables && resources.some((r) => r.includes('${')),
    conditions: Object.entries(statement.Condition ?? {}).flatMap(([name, keys]) => {
      const parsed = parseOperator(name)
      return Object.entries(keys).map(([key, values]) => ({
        ...parsed,
        key: key.toLowerCase(),
        values,
        variables: variables && parsed.operator?.variables === true && values.some((v) => v.includes('${')),
      }))
    }),
  }
  compiledStatements.set(statement, { variables, compiled })
  return compiled
}

function statementMatches(c: CompiledStatement, req: Prepared): boolean {
  if (c.actions.some((a) => matchesPattern(a, req.action, false)) === c.notAction) return false
  if (resourceMatches(c, req) === c.notResource) return false
  for (const condition of c.conditions) if (!conditionHolds(condition, req)) return false
  return true
}

function resourceMatches(c: CompiledStatement, req: Prepared): boolean {
  for (const pattern of c.resources) {
    const resolved = c.resourceVariables ? substitute(pattern, req, true) : pattern
    if (resolved !== undefined && matchesPattern(resolved, req.resource, false)) return true
  }
  return false
}

// --- policy variables ---------------------------------------------------------------------------

const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' }

/**
 * Replace `${key}` and `${key, 'default'}` from the request context. In glob form the result keeps the
 * escapes (and escapes substituted values) so wildcards in a user name stay literal. A variable with
 * no value and no default makes the whole string unusable, which never matches.
 */
function substitute(text: string, req: Prepared, glob: boolean): string | undefined {
  let missing = false
  const out = text.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    if (inner in ESCAPES) return glob ? whole : (ESCAPES[inner] as string)
    const m = /^\s*([^,\s]+)\s*(?:,\s*'([^']*)'\s*)?$/.exec(inner)
    if (!m) return whole
    const values = contextOf(req).get((m[1] as string).toLowerCase())
    const value = values?.length === 1 ? values[0] : m[2]
    if (value === undefined) {
      missing = true
      return ''
    }
    return glob ? value.replace(/[*?$]/g, (ch) => `\${${ch}}`) : value
  })
  return missing ? undefined : out
}

function contextOf(req: Prepared): Map<string, string[]> {
  if (req.context) return req.context
  const map = new Map<string, string[]>()
  for (const [key, value] of Object.entries(req.raw ?? {})) {
    if (value === undefined) continue
    const values = typeof value === 'string' ? [value] : value
    // An empty set behaves like a missing key for every operator (Null, IfExists and the set qualifiers agree).
    if (values.length > 0) map.set(key.toLowerCase(), values)
  }
  req.context = map
  return map
}

// --- conditions ---------------------------------------------------------------------------------

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

function parseOperator(name: string): Pick<CompiledCondition, 'operator' | 'qualifier' | 'ifExists'> {
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

function conditionHolds(c: CompiledCondition, req: Prepared): boolean {
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

// --- caches -------------------------------------------------------------------------------------

const MAX_CACHED = 1000
const globCache = new Map<string, RegExp>()
const cidrCache = new Map<string, BlockList | null>()

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= MAX_CACHED) {
    const oldest = cache.keys().next()
    if (!oldest.done) cache.delete(oldest.value)
  }
  cache.set(key, value)
}

function globSource(pattern: string): string {
  let out = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '$' && pattern[i + 1] === '{' && pattern[i + 3] === '}' && (pattern[i + 2] as string) in ESCAPES) {
      out += escapeRegex(pattern[i + 2] as string)
      i += 3
    } else if (ch === '*') out += '.*'
    else if (ch === '?') out += '.'
    else out += escapeRegex(ch)
  }
  return out
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

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
