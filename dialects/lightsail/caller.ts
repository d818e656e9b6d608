import type * as z from 'zod'
import { EmulatorError, echo } from '../../src/core/errors.js'
import type { Bucket } from '../../src/core/model.js'
import { sigV4ClaimOf } from '../../src/protocol/aws/claim.js'
import type { Route, RouteContext } from '../../src/protocol/route.js'
import { type JsonObject, jsonOperation } from '../../src/protocol/wire/aws-json.js'
import { renderOperation } from './render.js'

export const TARGET_PREFIX = 'Lightsail_20161128'

const HOST_REGION = /^lightsail(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com$/

/**
 * The region a call is about: Lightsail is regional, and a client signs for the region of the
 * endpoint it calls. Taken from the signature's credential scope (checked when auth is strict),
 * else from the host `lightsail.<region>.amazonaws.com`, else us-east-1. It must be one of the
 * account's regions.
 */
export function regionOf(ctx: RouteContext<unknown>): string {
  const claim = sigV4ClaimOf(ctx.req)
  const region =
    ctx.principal.keyUse?.region ??
    (typeof claim === 'object' ? claim.region : undefined) ??
    HOST_REGION.exec(ctx.req.url.hostname)?.[1] ??
    'us-east-1'
  const account = ctx.core.getAccount(ctx.principal.accountId)
  if (!account?.regions.some((r) => r.id === region)) {
    throw new EmulatorError(
      'InvalidInput',
      `Lightsail is not available in the region ${echo(region)} for this account.`,
      {
        field: 'region',
      },
    )
  }
  return region
}

/** The caller's bucket of that name in the region of the call, or NotFound. */
export function bucketOf(ctx: RouteContext<unknown>, name: string): Bucket {
  const bucket = ctx.core.findBucket({ accountId: ctx.principal.accountId, name, region: regionOf(ctx) })
  if (!bucket) {
    throw new EmulatorError('NotFound', `The bucket does not exist: ${echo(name)}`, { entity: 'bucket', name })
  }
  return bucket
}

/**
 * The route of one Lightsail operation: AWS JSON 1.1 under `Lightsail_20161128.<operation>`, needing
 * `lightsail:<operation>` on `resource`.
 *
 * @example lightsailOperation({ operation: 'GetBuckets', input, resource: () => '*', handle })
 */
export function lightsailOperation<S extends z.ZodType>(spec: {
  operation: string
  input: S
  resource: (ctx: RouteContext<z.output<S>>) => string
  handle: (ctx: RouteContext<z.output<S>>) => Promise<JsonObject> | JsonObject
}): Route<unknown> {
  return jsonOperation({
    target: `${TARGET_PREFIX}.${spec.operation}`,
    input: spec.input,
    authorize: (ctx) => ({ action: `lightsail:${spec.operation}`, resource: spec.resource(ctx) }),
    handle: spec.handle,
  })
}

/** The `operations` list a mutating call answers with. */
export function operations(ctx: RouteContext<unknown>, bucket: Bucket, operationType: string): JsonObject[] {
  return [renderOperation(bucket, operationType, ctx.core.ctx.ids.uuid(), ctx.core.now())]
}
