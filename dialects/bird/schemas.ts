import * as z from 'zod'
import { echo, MAX_PROBLEMS } from '../../src/core/errors.js'
import { bracketPath, invalidInput, type Problem, parseJson, readJsonObject } from '../../src/protocol/rest/json.js'
import { integerParam } from '../../src/protocol/rest/paging.js'
import type { WireRequest } from '../../src/protocol/route.js'

// Bird names a field by a path with a leading dot (`.receiver.contacts[0]`, from a 422 of api.bird.com
// quoted in ../shared/dialects/bird.md); the body itself is `.`.
const birdPath = (path: readonly PropertyKey[]): string => `.${bracketPath(path)}`

// Unknown members are refused the way that same answer words it: `property "listId" is unsupported`.
const strict = <S extends z.ZodRawShape>(shape: S) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys
            .slice(0, MAX_PROBLEMS)
            .map((key) => `property ${JSON.stringify(echo(key))} is unsupported`)
            .join('; ')
        : 'must be an object',
  })

// name and description: string, 1..256 characters (the reference's create and update bodies).
const text = (field: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .min(1, `${field} must be at least 1 character long`)
    .max(256, `${field} must be at most 256 characters long`)

const roleId = z.uuid({ error: 'must be a role id (a UUID)' })

// Schemas are z.lazy: each is built on its first use, not at every start (why: src/protocol/aws/validation.ts).
// roleIds: uuid[] 1..5 (deprecated in the reference); roleRefs, its successor, the same limits.
const roleIds = z.lazy(() =>
  z
    .array(roleId, { error: 'roleIds must be an array of role ids' })
    .min(1, 'roleIds must list at least 1 role')
    .max(5, 'roleIds must list at most 5 roles'),
)

const roleRef = z.lazy(() =>
  strict({
    id: roleId,
    type: z.literal('organization', { error: 'type must be "organization"' }).optional(),
    // Roles scoped to workspaces are not emulated: Bird keys here are organization-wide.
    workspaces: z.array(z.uuid()).max(0, 'workspace-scoped roles are not emulated by keyemu').optional(),
  }),
)
const roleRefs = z.lazy(() =>
  z
    .array(roleRef, { error: 'roleRefs must be an array of role references' })
    .min(1, 'roleRefs must list at least 1 role')
    .max(5, 'roleRefs must list at most 5 roles'),
)

const oneWayToNameRoles = (body: { roleIds?: unknown; roleRefs?: unknown }) =>
  body.roleIds === undefined || body.roleRefs === undefined

const roles = { roleIds: roleIds.optional(), roleRefs: roleRefs.optional() }
const bothRoles = { message: 'give roleIds or roleRefs, not both', path: ['roleRefs'] }

export const CreateKeyBody = z.lazy(() =>
  strict({ name: text('name'), description: text('description'), ...roles }).refine(oneWayToNameRoles, bothRoles),
)
export type CreateKeyInput = z.output<typeof CreateKeyBody>

export const UpdateKeyBody = z.lazy(() =>
  strict({
    name: text('name').optional(),
    description: text('description').optional(),
    ...roles,
  }).refine(oneWayToNameRoles, bothRoles),
)
export type UpdateKeyInput = z.output<typeof UpdateKeyBody>

/** The role ids a body names, in either spelling; undefined when it names none. */
export const roleIdsOf = (body: { roleIds?: string[]; roleRefs?: { id: string }[] }): string[] | undefined =>
  body.roleIds ?? body.roleRefs?.map((ref) => ref.id)

/** The field of the `index`-th role of a body, as Bird spells it. */
export const roleField = (body: { roleIds?: string[] }, index: number): string =>
  body.roleIds ? `.roleIds[${index}]` : `.roleRefs[${index}].id`

/** A request body checked against a schema, every problem named by its Bird path. */
export function parseBody<S extends z.ZodType>(schema: S, req: WireRequest): z.output<S> {
  return parseJson(schema, readJsonObject(req), birdPath)
}

/** `?limit=&pageToken=&reverse=` of a list. */
export interface ListQuery {
  limit: number
  pageToken?: string
  reverse: boolean
}

// limit 1..100, default 10; reverse a boolean, default false (the reference's List access keys).
export function listQuery(req: WireRequest): ListQuery {
  const problems: Problem[] = []
  const limit = integerParam(req, 'limit', { min: 1, max: 100, default: 10 }, problems)
  const reverse = req.url.searchParams.get('reverse') ?? 'false'
  if (reverse !== 'true' && reverse !== 'false')
    problems.push({ message: 'reverse must be true or false', field: 'reverse' })
  if (problems.length > 0) throw invalidInput(problems)
  const pageToken = req.url.searchParams.get('pageToken') ?? undefined
  return { limit, reverse: reverse === 'true', ...(pageToken !== undefined && { pageToken }) }
}
