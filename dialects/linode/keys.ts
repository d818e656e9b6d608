import type { KeyFilter, KeyShape } from '../../src/core/access-keys.js'
import type { Account, BucketGrant, KeyScope } from '../../src/core/model.js'
import { pageNumber } from '../../src/core/pagination.js'
import { invalidInput, jsonResponse, type Problem } from '../../src/protocol/rest/json.js'
import type { NumberedPageQuery } from '../../src/protocol/rest/paging.js'
import { type RouteContext, route } from '../../src/protocol/route.js'
import { accountOf, findRegion, LINODE_KEYS, reads, writes } from './auth.js'
import { isLimited, renderKey, renderPage } from './render.js'
import {
  type BucketAccessInput,
  CreateKeyBody,
  type CreateKeyInput,
  keyIdParam,
  pageQuery,
  parseBody,
  UpdateKeyBody,
  type UpdateKeyInput,
} from './schemas.js'

// Access keys are 20 upper-case alphanumerics, secrets 40 characters (the reference's example
// KVAKUTGBA4WTR2NSJQ81 / OiA6F5r0niLs3QA2stbyq7mY5VCV7KqOzcmitmHw).
const LINODE_KEY_SHAPE: KeyShape = { idPrefix: '', idLength: 20, idAlphabet: 'upper-alnum', secretAlphabet: 'base62' }

const KEYS = '/v4/object-storage/keys'
const KEY = '/v4/object-storage/keys/:keyId'

const UNLIMITED: KeyScope = {
  grants: [{ bucket: '*', access: 'full' }],
  accountActions: ['list-buckets', 'create-bucket'],
}

// Object Storage keys belong to the account itself, never to a user or a bucket.
const keysOf = (accountId: string): KeyFilter => ({ namespace: LINODE_KEYS, accountId, userId: null, bucketId: null })

/** The grants of a bucket_access list, or every problem with it (unknown regions, missing buckets, repeats). */
function grantsOf(ctx: RouteContext<unknown>, account: Account, entries: BucketAccessInput[]) {
  const problems: Problem[] = []
  const grants: BucketGrant[] = []
  entries.forEach((entry, i) => {
    const by = entry.region !== undefined ? 'region' : 'cluster'
    const where = entry.region ?? entry.cluster ?? ''
    const region = findRegion(account, where)
    if (!region) {
      problems.push({
        message: `${by} ${where} is not an Object Storage region of this account.`,
        field: `bucket_access[${i}].${by}`,
      })
      return
    }
    const name = entry.bucket_name
    if (!ctx.core.findBucket({ accountId: account.id, name, region: region.id })) {
      problems.push({
        message: `Bucket ${name} does not exist in ${region.id}.`,
        field: `bucket_access[${i}].bucket_name`,
      })
      return
    }
    if (grants.some((g) => g.bucket === name && g.region === region.id)) {
      problems.push({
        message: `Bucket ${name} in ${region.id} is listed twice.`,
        field: `bucket_access[${i}].bucket_name`,
      })
      return
    }
    grants.push({ bucket: name, region: region.id, access: entry.permissions === 'read_only' ? 'read' : 'read-write' })
  })
  return { grants, problems }
}

/** The account's regions a `regions` list names (in the account's order), noting any it does not have. */
function regionsOf(account: Account, ids: string[], problems: Problem[]): string[] {
  const found = ids.map((id) => findRegion(account, id))
  const unknown = ids.filter((_, i) => found[i] === undefined)
  if (unknown.length > 0) {
    problems.push({
      message: `regions names regions this account does not have: ${unknown.join(', ')}.`,
      field: 'regions',
    })
  }
  return account.regions.filter((r) => found.includes(r)).map((r) => r.id)
}

export const keyRoutes = [
  route<NumberedPageQuery>({
    method: 'GET',
    path: KEYS,
    operation: 'GET /v4/object-storage/keys',
    authorize: reads,
    parse: (req) => pageQuery(req),
    handle(ctx) {
      const account = accountOf(ctx)
      const all = ctx.core.listAccessKeys(keysOf(account.id))
      const page = pageNumber(all, ctx.input.page, ctx.input.pageSize)
      return jsonResponse(
        200,
        renderPage(page, (k) => renderKey(k, account)),
      )
    },
  }),
  route<CreateKeyInput>({
    method: 'POST',
    path: KEYS,
    operation: 'POST /v4/object-storage/keys',
    authorize: writes,
    parse: (req) => parseBody(CreateKeyBody, req),
    async handle(ctx) {
      const account = accountOf(ctx)
      const { label, bucket_access: access, regions } = ctx.input
      const limited = access !== undefined && access !== null
      const { grants, problems } = limited ? grantsOf(ctx, account, access) : { grants: [], problems: [] }
      // Without `regions` a key works in every region, as the reference says of keys made the legacy
      // way (post-object-storage-keys, "The cluster parameter"); bucket_access regions are always in.
      const asked = regions === undefined ? account.regions.map((r) => r.id) : regionsOf(account, regions, problems)
      if (problems.length > 0) throw invalidInput(problems)
      const scope: KeyScope = limited ? { grants, accountActions: ['list-buckets', 'create-bucket'] } : UNLIMITED
      const keyRegions = [...new Set([...asked, ...grants.flatMap((g) => (g.region ? [g.region] : []))])]
      const key = await ctx.core.createAccessKey({
        namespace: LINODE_KEYS,
        accountId: account.id,
        userId: null,
        shape: LINODE_KEY_SHAPE,
        label,
        scope,
        regions: account.regions.map((r) => r.id).filter((id) => keyRegions.includes(id)),
      })
      return jsonResponse(200, renderKey(key, account, key.secret))
    },
  }),
  route<number>({
    method: 'GET',
    path: KEY,
    operation: 'GET /v4/object-storage/keys/{keyId}',
    authorize: reads,
    parse: (_req, params) => keyIdParam(params),
    handle(ctx) {
      const account = accountOf(ctx)
      const filter = keysOf(account.id)
      return jsonResponse(
        200,
        renderKey(ctx.core.getAccessKey(filter, ctx.core.keyIdOfSerial(filter, ctx.input)), account),
      )
    },
  }),
  route<{ id: number; body: UpdateKeyInput }>({
    method: 'PUT',
    path: KEY,
    operation: 'PUT /v4/object-storage/keys/{keyId}',
    authorize: writes,
    parse: (req, params) => ({ id: keyIdParam(params), body: parseBody(UpdateKeyBody, req) }),
    async handle(ctx) {
      const account = accountOf(ctx)
      const filter = keysOf(account.id)
      const keyId = ctx.core.keyIdOfSerial(filter, ctx.input.id)
      const { label, regions } = ctx.input.body
      const problems: Problem[] = []
      let newRegions: string[] | undefined
      if (regions !== undefined) {
        newRegions = regionsOf(account, regions, problems)
        // The reference (put-object-storage-key): a limited key's bucket_access regions cannot be removed.
        const current = ctx.core.getAccessKey(filter, keyId)
        const kept = isLimited(current)
          ? (current.scope?.grants ?? []).flatMap((g) => (g.region ? [g.region] : []))
          : []
        const dropped = [...new Set(kept.filter((id) => !newRegions?.includes(id)))]
        if (problems.length === 0 && dropped.length > 0) {
          problems.push({
            message: `regions must keep the regions of the key's bucket_access: ${dropped.join(', ')}.`,
            field: 'regions',
          })
        }
      }
      if (problems.length > 0) throw invalidInput(problems)
      const key = await ctx.core.updateAccessKey(filter, keyId, {
        ...(label !== undefined && { label }),
        ...(newRegions !== undefined && { regions: newRegions }),
      })
      return jsonResponse(200, renderKey(key, account))
    },
  }),
  route<number>({
    method: 'DELETE',
    path: KEY,
    operation: 'DELETE /v4/object-storage/keys/{keyId}',
    authorize: writes,
    parse: (_req, params) => keyIdParam(params),
    async handle(ctx) {
      const filter = keysOf(accountOf(ctx).id)
      await ctx.core.deleteAccessKey(filter, ctx.core.keyIdOfSerial(filter, ctx.input))
      return jsonResponse(200, {})
    },
  }),
]
