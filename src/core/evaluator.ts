import { type CompiledCondition, conditionHolds, parseOperator } from './conditions.js'
import { matchesPattern } from './glob.js'
import type { PolicyDocument, PolicyStatement } from './policy-document.js'
import { type Prepared, substitute } from './policy-variables.js'

export { matchesPattern }

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
  /**
   * Condition keys (`aws:SourceIp`, `aws:CurrentTime` as ISO, `aws:username`, ...), looked up
   * case-insensitively; a function is called only if a statement needs them.
   */
  context?: Record<string, ContextValue> | (() => Record<string, ContextValue>)
  /**
   * The account that owns the resource, where the dialect knows one (an S3 bucket's). keyemu keeps no
   * resource policies, so nothing grants access across accounts: another account's resource is refused.
   */
  resourceAccountId?: string
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

interface CompiledStatement {
  deny: boolean
  actions: string[]
  notAction: boolean
  resources: string[]
  notResource: boolean
  resourceVariables: boolean
  conditions: CompiledCondition[]
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
