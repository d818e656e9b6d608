import {
  type HttpMethod,
  type Permission,
  type Route,
  type RouteContext,
  route,
  type WireRequest,
  type WireResponse,
} from '../../src/protocol/route.js'
import { subresourceOf, targetOf } from './addressing.js'

/** What an S3 request addresses: the service itself, a bucket, or an object. */
export type Level = 'service' | 'bucket' | 'object'

export function levelOf(req: WireRequest): Level {
  const { bucket, key } = targetOf(req)
  return bucket === undefined ? 'service' : key === undefined ? 'bucket' : 'object'
}

export interface S3Operation<Input> {
  method: HttpMethod
  operation: string
  level: Level
  /** The subresource the operation is named by (`location`, `uploads`, `delete`), or none. */
  subresource?: string
  /** A further test (a header, a query parameter). */
  when?: (req: WireRequest) => boolean
  streamBody?: boolean
  parse?: (req: WireRequest) => Input
  authorize: Permission | ((ctx: RouteContext<Input>) => Permission)
  handle: (ctx: RouteContext<Input>) => Promise<WireResponse> | WireResponse
}

/**
 * An S3 operation: every one is served on every path (`/*`, the bucket and key being in the Host or
 * the path as the client chose), told apart by method, level, subresource and headers, never by the
 * body, so that uploads can stream.
 *
 * @example s3Operation({ method: 'GET', operation: 'ListBuckets', level: 'service', authorize, handle })
 */
export function s3Operation<Input>(op: S3Operation<Input>): Route<unknown> {
  const { level, subresource, when, parse, ...rest } = op
  return route<Input>({
    ...rest,
    path: '/*',
    when: (req) => levelOf(req) === level && subresourceOf(req) === subresource && (when?.(req) ?? true),
    ...(parse && { parse: (req: WireRequest) => parse(req) }),
  })
}
