import * as z from 'zod'
import type { Core } from '../core/core.js'
import { EmulatorError, echo } from '../core/errors.js'
import type { ContextValue } from '../core/evaluator.js'
import type { Authorization, Principal } from '../core/principals.js'
import { parseJson } from '../protocol/rest/json.js'
import type { Dialect, RouteContext, WireRequest } from '../protocol/route.js'
import { type Verdict, verdictOf } from '../protocol/verdict.js'

// Schemas are z.lazy: each is built on its first use, not at every start (why: src/protocol/aws/validation.ts).
const Text = z.lazy(() => z.string().min(1).max(2048))

export const ExplainQuery = z.lazy(() =>
  z.strictObject({
    dialect: Text,
    credential: z
      .strictObject({ accessKeyId: Text.optional(), token: Text.optional() })
      .refine((c) => (c.accessKeyId === undefined) !== (c.token === undefined), {
        message: 'give the credential as accessKeyId or as token, one of them',
      }),
    action: Text,
    resource: Text,
    context: z
      .strictObject({
        /** The region the call is signed for (aws:RequestedRegion). */
        region: Text.optional(),
        sourceIp: Text.optional(),
        /** When the call is made (ISO 8601): aws:CurrentTime and aws:EpochTime. */
        time: z.iso.datetime({ offset: true }).optional(),
        secureTransport: z.boolean().optional(),
        /** Further condition keys, as a policy names them. */
        conditions: z.record(Text, z.union([z.string().max(2048), z.array(z.string().max(2048)).max(100)])).optional(),
      })
      .optional(),
  }),
)
export type ExplainQuery = z.infer<typeof ExplainQuery>

/** Would this credential be allowed this action on this resource, and what decides it. */
export interface Explanation extends Verdict {
  dialect: string
  principal: Pick<Principal, 'accountId' | 'userId' | 'keyId'>
  action: string
  resource: string
  decision: 'allow' | 'deny'
  explicit: boolean
  /** The refusal the call would get, in the provider's words. */
  denial?: { code: string; status: number; message: string }
}

function conditionKeys(context: ExplainQuery['context']): Record<string, ContextValue> {
  if (!context) return {}
  const time = context.time === undefined ? undefined : new Date(context.time)
  return {
    ...(context.sourceIp !== undefined && { 'aws:SourceIp': context.sourceIp }),
    ...(context.region !== undefined && { 'aws:RequestedRegion': context.region }),
    ...(context.secureTransport !== undefined && { 'aws:SecureTransport': String(context.secureTransport) }),
    ...(time && { 'aws:CurrentTime': time.toISOString(), 'aws:EpochTime': String(Math.floor(time.getTime() / 1000)) }),
    ...context.conditions,
  }
}

// The dispatcher asks no permission for a route that declares none (STS GetCallerIdentity): name its
// action as the provider does (`sts:GetCallerIdentity`) and explain allows it too, whatever the policies.
function asksNoPermission(dialect: Dialect, action: string): boolean {
  const wanted = action.toLowerCase()
  return dialect.routes.some((r) => r.authorize === null && `${dialect.name}:${r.operation}`.toLowerCase() === wanted)
}

/**
 * Judge a credential's permission exactly as a request would be judged: the dialect's own request
 * (its resource, its condition keys), the core's one `authorize`, the dialect's words for what decided
 * and for the refusal. Context given here overrides what a real call would carry.
 *
 * @example explain({ dialects, core }, { dialect: 'iam', credential: { accessKeyId }, action: 'iam:ListUsers', resource: '*' })
 */
export function explain(deps: { dialects: Dialect[]; core: Core }, body: unknown): Explanation {
  const query = parseJson(ExplainQuery, body)
  const dialect = deps.dialects.find((d) => d.name === query.dialect)
  if (!dialect) {
    throw new EmulatorError(
      'InvalidInput',
      `No dialect ${echo(query.dialect)}; there are ${deps.dialects.map((d) => d.name).join(', ')}.`,
      { field: 'dialect' },
    )
  }
  const { core } = deps
  const named = query.credential.accessKeyId ?? query.credential.token ?? ''
  const found = dialect.authorization.caller(core, query.credential)
  if (!found) {
    const shown = query.credential.token === undefined ? ` ${echo(named)}` : ''
    throw new EmulatorError('NotFound', `The ${dialect.name} dialect knows no credential${shown}.`, {
      field: 'credential',
    })
  }
  const region = query.context?.region
  const principal: Principal = { ...found, ...(region !== undefined && { keyUse: { service: dialect.name, region } }) }
  const secure = query.context?.secureTransport ?? true
  const req: WireRequest = {
    method: 'POST',
    url: new URL(`${secure ? 'https' : 'http'}://explain.keyemu.invalid/`),
    headers: {},
    body: Buffer.alloc(0),
    ...(query.context?.sourceIp !== undefined && { remoteAddress: query.context.sourceIp }),
  }
  // Explain judges one permission and runs no operation, so nothing asks it for a further one.
  const ctx: RouteContext<unknown> = {
    req,
    params: {},
    input: undefined,
    principal,
    core,
    requestId: '',
    authorize: () => undefined,
  }
  const base = dialect.authorization.request(ctx, { action: query.action, resource: query.resource })
  const given = conditionKeys(query.context)
  const context = () => ({ ...(typeof base.context === 'function' ? base.context() : base.context), ...given })
  const request = { ...base, context }
  const decision: Authorization = asksNoPermission(dialect, request.action)
    ? { effect: 'allow', via: 'unrestricted' }
    : core.authorize(principal, request)
  const verdict = verdictOf(dialect, core, principal, request, decision)
  const denial = decision.effect === 'allow' ? undefined : dialect.authorization.denial(ctx, request, decision)
  return {
    dialect: dialect.name,
    principal: { accountId: principal.accountId, userId: principal.userId, keyId: principal.keyId },
    action: request.action,
    resource: request.resource,
    decision: decision.effect === 'allow' ? 'allow' : 'deny',
    explicit: decision.effect === 'explicit-deny',
    ...verdict,
    ...(denial && {
      denial: { code: denial.code, status: dialect.renderError(denial, req, '').status, message: denial.message },
    }),
  }
}
