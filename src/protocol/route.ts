import type { Core } from '../core/core.js'
import type { EmulatorError } from '../core/errors.js'
import type { RequestContext } from '../core/evaluator.js'
import type { AccessKey } from '../core/model.js'
import type { Authorization, Principal } from '../core/principals.js'

/** An HTTP request as every adapter hands it to a dialect: no node:http, no MSW. */
export interface WireRequest {
  method: string
  url: URL
  /** Header names in lower case. */
  headers: Record<string, string>
  /** The body, read whole up to the size limit; empty when the route takes it as a `stream`. */
  body: Buffer
  /**
   * The body as it arrives, for a route that declares `streamBody` (object uploads): read it once, at
   * most; it is never buffered whole and has no size limit of the transport's.
   */
  stream?: AsyncIterable<Uint8Array>
  /**
   * The path exactly as the client sent it, where the URL parser would resolve `.` and `..` segments
   * (the node:http server knows it; MSW sees a URL already parsed). S3 keys and S3 signatures use it.
   */
  rawPath?: string
  /** Set when the body was over the size limit and was not read. */
  tooLarge?: boolean
  remoteAddress?: string
}

/** A response body: text, bytes, or bytes as they come (a stored object), which the transport streams. */
export type WireBody = string | Uint8Array | AsyncIterable<Uint8Array>

export interface WireResponse {
  status: number
  /**
   * Header names in lower case. A `content-length` given here is sent as is (a HEAD answer names the
   * size of a body it leaves off, a streamed body its size); otherwise the transport counts the body.
   */
  headers: Record<string, string>
  body: WireBody
  /** Close the connection without answering (an injected fault). */
  drop?: boolean
}

/** An answer whose body is text: every management API's (JSON, XML). */
export type TextResponse = WireResponse & { body: string }

/**
 * strict: verify credentials and refuse what the evaluator denies; audit: the same, but a denied call
 * goes through and is recorded as a would-be denial; off: every well-formed call is the realm's root.
 */
export type AuthMode = 'strict' | 'audit' | 'off'

/** What a route handler gets. */
export interface RouteContext<Input> {
  req: WireRequest
  params: Record<string, string>
  input: Input
  principal: Principal
  core: Core
  requestId: string
  /**
   * Judge a further permission the operation needs besides its route's (CopyObject reads its source),
   * as the dispatcher judges the route's: refused, or in audit mode let through and recorded.
   */
  authorize(permission: Permission): void
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD'

/** What an operation needs the caller to be allowed: an action on a resource, as the provider names them. */
export interface Permission {
  action: string
  resource: string
  /** Condition keys the operation itself sets (S3's `s3:prefix`, the bucket's `aws:RequestedRegion`). */
  conditions?: Record<string, string | undefined>
}

export interface Route<Input = unknown> {
  method: HttpMethod
  /** Path pattern with `:name` segments, matched against the request path. */
  path: string
  /** The provider's own name for the operation (for logs, the README table and grep). */
  operation: string
  /** A further test for RPC dialects whose operations share a method and path. */
  when?: (req: WireRequest) => boolean
  /**
   * Take the body as `req.stream` instead of having it read whole (object uploads). Every route of a
   * dialect that has such a route must then be told apart without reading the body (by method, path,
   * query and headers), since the transport matches before it decides whether to read.
   */
  streamBody?: boolean
  /** Turn the request into the operation's input; throw an EmulatorError('InvalidInput') for bad input. */
  parse?: (req: WireRequest, params: Record<string, string>) => Input
  /**
   * The permission the operation needs, judged by the core's one evaluator through the dialect's `authorization` rules before `handle` (which then
   * never checks it itself): a fixed one right after authentication, before the input is even read; one
   * that depends on the input after `parse` (it may look things up, and throw NotFound); null for an
   * operation that needs no permission at all, which any caller the dialect authenticates may call even
   * under an explicit Deny (STS GetCallerIdentity).
   */
  authorize: Permission | ((ctx: RouteContext<Input>) => Permission) | null
  handle: (ctx: RouteContext<Input>) => Promise<WireResponse> | WireResponse
}

export interface AuthContext {
  req: WireRequest
  core: Core
  auth: AuthMode
  route: Route<unknown>
}

/** One provider's API: its routes and how it names callers and errors on the wire. */
export interface Dialect {
  name: string
  /** The realm of the accounts it serves (an account's `realm` in a seed). */
  realm: string
  /** The provider's real origins, where the MSW handlers listen. */
  hosts: RegExp
  /** How the edge port recognises this dialect's requests. */
  edge: {
    sigv4Service?: string
    targetPrefix?: string
    /** Path prefixes the dialect owns (`/v4`). */
    pathPrefixes?: string[]
    /** A credential scheme of the dialect's own: a header it signs with, or an Authorization scheme. */
    credential?: { header: string; pattern?: RegExp }
    /** Serve requests with no other clue whose Content-Type starts with this (unsigned Query calls). */
    contentType?: string
  }
  routes: Route<unknown>[]
  /**
   * For RPC dialects, the operation a request names (its Query Action, its X-Amz-Target): routes are
   * then looked up by `operation` instead of tried one by one.
   */
  operationOf?: (req: WireRequest) => string | undefined
  /** Who is calling; throws an EmulatorError when the credentials are missing, unknown or wrong. */
  authenticate(ctx: AuthContext): Promise<Principal> | Principal
  /** How the dialect's permissions reach the one evaluator, and how its denials and credentials read. */
  authorization: AuthorizationRules
  renderError(err: EmulatorError, req: WireRequest, requestId: string): WireResponse
  /** The error for a request that no route matches, naming what was asked for. */
  unknownOperation(req: WireRequest): EmulatorError
}

/** A credential as a dialect knows it, named to the explain endpoint: an access key id or a token. */
export interface Credential {
  accessKeyId?: string
  token?: string
}

/**
 * What a dialect adds to the one evaluator: the dispatcher and the explain endpoint both ask the core's
 * `authorize` with `request(...)`, so that an explanation can never disagree with enforcement.
 */
export interface AuthorizationRules {
  /**
   * The request the evaluator judges for a permission an operation declares: its resource made concrete,
   * its condition keys. May throw (an organization the caller may not see is NotFound).
   */
  request(ctx: RouteContext<unknown>, permission: Permission): RequestContext
  /** The caller as judged, when the request narrows it (a partner acting for one of its end users). */
  principal?(ctx: RouteContext<unknown>): Principal
  /** The refusal of a denied call, in the provider's words. */
  denial(ctx: RouteContext<unknown>, request: RequestContext, decision: Authorization): EmulatorError
  /** The caller a credential names, without checking any signature (for explain), or undefined. */
  caller(core: Core, credential: Credential): Principal | undefined
  /** What decided, in the provider's words (the key's bucket, a role), when the generic words won't do. */
  describe?(decision: Authorization, request: RequestContext, key: Readonly<AccessKey> | undefined): string | undefined
}

/**
 * Declare a route; generic so that `parse` and `handle` agree on the input type.
 *
 * @example route({ method: 'GET', path: '/v4/object-storage/keys', operation: 'GET /v4/object-storage/keys', handle })
 */
export function route<Input>(definition: Route<Input>): Route<unknown> {
  return definition as Route<unknown>
}

/** @example export default defineDialect({ name: 'iam', ... }) */
export function defineDialect(dialect: Dialect): Dialect {
  return dialect
}
