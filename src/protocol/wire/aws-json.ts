import * as z from 'zod'
import { EmulatorError, echo } from '../../core/errors.js'
import { lowerFirst, parseAwsInput } from '../aws/validation.js'
import { type JsonObject, readJsonObject } from '../rest/json.js'
import { type Permission, type Route, type RouteContext, route, type TextResponse, type WireRequest } from '../route.js'

// AWS JSON 1.0/1.1 (the wire of Lightsail, DynamoDB, Kinesis, ...): every operation is `POST /`,
// named by the X-Amz-Target header `<TargetPrefix>.<Operation>`, with a JSON object in and out.

export type { JsonObject }

export type AwsJsonVersion = '1.0' | '1.1'

const parsedBodies = new WeakMap<WireRequest, JsonObject>()

/**
 * The request's JSON body as an object. An empty body counts as `{}` (an operation without input);
 * anything that is not a JSON object is refused with an InvalidInput error naming the problem.
 *
 * @example jsonBody(req).bucketName // 'photos'
 */
export function jsonBody(req: WireRequest): JsonObject {
  let body = parsedBodies.get(req)
  if (!body) {
    body = readJsonObject(req, { nameKind: true })
    parsedBodies.set(req, body)
  }
  return body
}

/** The X-Amz-Target header of a request, if it has one. @example amzTarget(req) // 'Lightsail_20161128.GetBuckets' */
export function amzTarget(req: WireRequest): string | undefined {
  return req.headers['x-amz-target']
}

/**
 * A JSON protocol success response, with the request id AWS clients read from `x-amzn-RequestId`.
 *
 * @example awsJson(200, { buckets: [] }, requestId)
 */
export function awsJson(
  status: number,
  body: JsonObject,
  requestId: string,
  version: AwsJsonVersion = '1.1',
): TextResponse {
  return {
    status,
    headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amzn-requestid': requestId },
    body: JSON.stringify(body),
  }
}

/**
 * A JSON protocol error: body `{__type, message, ...extra}` and the `X-Amzn-ErrorType` header. The
 * AWS SDKs read the header first to pick the exception class, so it must name the exception.
 *
 * @example awsJsonError(400, 'NotFoundException', 'The bucket does not exist.', requestId, { code: 'DoesNotExist' })
 */
export function awsJsonError(
  status: number,
  type: string,
  message: string,
  requestId: string,
  extra: JsonObject = {},
  version: AwsJsonVersion = '1.1',
): TextResponse {
  const res = awsJson(status, { __type: type, message, ...extra }, requestId, version)
  res.headers['x-amzn-errortype'] = type
  return res
}

/**
 * The error for a JSON protocol request whose X-Amz-Target names no operation this dialect serves.
 *
 * @example unknownOperation(req) { return unknownJsonOperation(req) }
 */
export function unknownJsonOperation(req: WireRequest): EmulatorError {
  const target = amzTarget(req)
  if (target === undefined) {
    return new EmulatorError(
      'UnknownOperation',
      `Missing X-Amz-Target header for ${req.method} ${echo(req.url.pathname)}.`,
    )
  }
  return new EmulatorError('UnknownOperation', `Unknown operation ${echo(target)}.`)
}

/** A boolean member: JSON `true`/`false` only (the JSON wire carries real booleans, unlike Query). @example z.object({ forceDelete: jsonBoolean.optional() }) */
export const jsonBoolean = z.boolean({ error: 'Member must be a boolean' })

/** An integer member within bounds: a JSON number only, never a numeric string. @example jsonInteger(0, 3600) */
export function jsonInteger(min: number, max: number) {
  return z
    .number({ error: 'Member must be a number' })
    .int('Member must be an integer')
    .min(min, `Member must have value greater than or equal to ${min}`)
    .max(max, `Member must have value less than or equal to ${max}`)
}

/** A structure member: a JSON object with these members. @example jsonStructure({ enabled: jsonBoolean }) */
export function jsonStructure<T extends z.ZodRawShape>(shape: T) {
  return z.object(shape, { error: 'Member must be a structure' })
}

/** A list member of at most `max` items. @example jsonList(awsString({ min: 1 }), 10) */
export function jsonList<T extends z.ZodType>(item: T, max?: number) {
  const list = z.array(item, { error: 'Member must be a list' })
  return max === undefined ? list : list.max(max, `Member must have length less than or equal to ${max}`)
}

/**
 * The route of one JSON protocol operation: `POST /` with `X-Amz-Target: <target>`, its body parsed
 * with `input` (AWS's validation message on failure), and the handler's object sent back as 200.
 *
 * @example jsonOperation({ target: 'Lightsail_20161128.GetBuckets', input: GetBucketsInput, handle: () => ({ buckets: [] }) })
 */
export function jsonOperation<S extends z.ZodType>(spec: {
  target: string
  input: S
  version?: AwsJsonVersion
  authorize: (ctx: RouteContext<z.output<S>>) => Permission
  handle: (ctx: RouteContext<z.output<S>>) => Promise<JsonObject> | JsonObject
}): Route<unknown> {
  return route({
    method: 'POST',
    path: '/',
    operation: spec.target,
    when: (req) => amzTarget(req) === spec.target,
    parse: (req) => parseAwsInput(spec.input, jsonBody(req), lowerFirst),
    authorize: spec.authorize,
    handle: async (ctx: RouteContext<z.output<S>>) =>
      awsJson(200, await spec.handle(ctx), ctx.requestId, spec.version ?? '1.1'),
  })
}
