import * as z from 'zod'
import { EmulatorError, echo, MAX_PROBLEMS } from '../../core/errors.js'

// AWS services describe constraint failures in one sentence shape, whatever the protocol:
// "2 validation errors detected: Value 'a b' at 'userName' failed to satisfy constraint: ...".

/** A string member with the length and pattern constraints of an AWS model shape. */
export function awsString(c: { min?: number; max?: number; pattern?: RegExp; patternText?: string }) {
  let s = z.string({ error: 'Member must be a string' })
  if (c.min !== undefined) s = s.min(c.min, `Member must have length greater than or equal to ${c.min}`)
  if (c.max !== undefined) s = s.max(c.max, `Member must have length less than or equal to ${c.max}`)
  if (c.pattern)
    s = s.regex(c.pattern, `Member must satisfy regular expression pattern: ${c.patternText ?? c.pattern.source}`)
  return s
}

/** An integer member within bounds, given as a string on the Query wire or a number in JSON. */
export function awsInteger(min: number, max: number) {
  return z.coerce
    .number({ error: 'Member must be a number' })
    .int('Member must be an integer')
    .min(min, `Member must have value greater than or equal to ${min}`)
    .max(max, `Member must have value less than or equal to ${max}`)
}

/** A member restricted to an enumeration. */
export function awsEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `Member must satisfy enum value set: [${values.join(', ')}]` })
}

// Module-level schemas, here and in every dialect, are z.lazy: built on their first use, since building
// all of them (hundreds of zod objects) took a large share of each cold start. z.lazy parses as its schema
// does, with the same issues and paths.

/** A boolean given as `true`/`false` on the Query wire or as a JSON boolean. */
export const awsBoolean = z.lazy(() =>
  z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], {
    error: 'Member must be a boolean',
  }),
)

/**
 * Parse raw input with a schema; on failure, one InvalidInput error listing every constraint broken,
 * with members named as the service model names them (`memberName` maps an input key to that name).
 *
 * @example parseAwsInput(CreateUserInput, raw, lowerFirst)
 */
export function parseAwsInput<S extends z.ZodType>(
  schema: S,
  raw: Record<string, unknown>,
  memberName: (key: string) => string,
): z.output<S> {
  const parsed = schema.safeParse(raw)
  if (parsed.success) return parsed.data
  // Every broken constraint is counted; only the first few are spelled out.
  const problems = parsed.error.issues.slice(0, MAX_PROBLEMS).map((issue) => {
    const path = issue.path.map(String)
    const member = echo(path.map(memberName).join('.'))
    const value = path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], raw)
    if (value === undefined)
      return { field: member, text: `Value null at '${member}' failed to satisfy constraint: Member must not be null` }
    const shown = typeof value === 'string' ? `'${echo(value)}'` : echo(JSON.stringify(value) ?? String(value))
    return { field: member, text: `Value ${shown} at '${member}' failed to satisfy constraint: ${issue.message}` }
  })
  const count = parsed.error.issues.length
  const first = problems[0]
  throw new EmulatorError(
    'InvalidInput',
    `${count} validation error${count === 1 ? '' : 's'} detected: ${problems.map((p) => p.text).join('; ')}`,
    { field: first?.field, more: problems.slice(1).map((p) => ({ message: p.text, field: p.field })) },
  )
}

/** `UserName` → `userName`, the model's member spelling in AWS messages. */
export const lowerFirst = (key: string): string => key.charAt(0).toLowerCase() + key.slice(1)
