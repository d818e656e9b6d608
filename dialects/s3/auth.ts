import { hash } from 'node:crypto'
import type { BucketQuery } from '../../src/core/buckets.js'
import type { Core } from '../../src/core/core.js'
import { EmulatorError, isEmulatorError } from '../../src/core/errors.js'
import type { Bucket } from '../../src/core/model.js'
import type { Principal } from '../../src/core/principals.js'
import { AWS_REALM, authenticateSigV4 } from '../../src/protocol/aws/auth.js'
import { awsAuthorization } from '../../src/protocol/aws/authorize.js'
import { sigV4ClaimOf } from '../../src/protocol/aws/claim.js'
import type { AuthContext, AuthorizationRules, Permission, RouteContext } from '../../src/protocol/route.js'
import { LINODE_KEYS, STORAGE_CREDENTIALS, TIGRIS_KEYS } from '../../src/protocol/storage-keys.js'
import { targetOf } from './addressing.js'

const HEX_SHA256 = /^[0-9a-f]{64}$/

// With auth off a request is the root of the seeded account of the provider whose host it was sent to.
const realmOfHost = (host: string) =>
  host.endsWith('.linodeobjects.com') ? 'linode' : /(^|\.)(storage\.dev|tigris\.dev)$/.test(host) ? 'tigris' : AWS_REALM

/**
 * The caller of an S3 request: a SigV4 signature (header or presigned) by a key of a storage namespace
 * (IAM and Lightsail keys, Linode's and Tigris's). A header signature must say what it signs the body as
 * (`x-amz-content-sha256`); a body read whole must hash to it.
 */
export async function authenticate(ctx: AuthContext): Promise<Principal> {
  const { req } = ctx
  if (ctx.auth === 'off') {
    const account = ctx.core.defaultAccount(realmOfHost(targetOf(req).host)) ?? ctx.core.defaultAccount(AWS_REALM)
    if (!account) throw new EmulatorError('UnknownCredentials', 'No account is seeded to serve this request.')
    return { accountId: account.id, userId: null, keyId: null }
  }
  const claim = sigV4ClaimOf(req)
  const presigned = typeof claim === 'object' ? claim.expiresIn !== undefined : !req.headers.authorization
  if (claim === undefined) throw new EmulatorError('MissingCredentials', 'Access Denied')
  if (typeof claim === 'object' && !presigned) {
    const claimed = req.headers['x-amz-content-sha256']
    if (claimed === undefined) {
      throw new EmulatorError('InvalidInput', 'Missing required header for this request: x-amz-content-sha256', {
        s3Code: 'InvalidRequest',
      })
    }
    if (HEX_SHA256.test(claimed) && !req.stream) {
      const computed = hash('sha256', req.body, 'hex')
      if (computed !== claimed) throw contentSha256Mismatch(claimed, computed)
    }
  }
  try {
    return await authenticateSigV4(ctx, { service: 's3', namespaces: STORAGE_CREDENTIALS })
  } catch (err) {
    // The query form's malformations have a code of their own.
    if (isEmulatorError(err) && err.code === 'MalformedCredentials' && presigned) {
      throw new EmulatorError(err.code, err.message, { ...err.detail, presigned: true })
    }
    throw err
  }
}

/** S3's refusal of a body that does not hash to the x-amz-content-sha256 it was signed with. */
export function contentSha256Mismatch(claimed: string, computed: string): EmulatorError {
  return new EmulatorError(
    'DigestMismatch',
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
    { s3Code: 'XAmzContentSHA256Mismatch', clientSha256: claimed, serverSha256: computed },
  )
}

const aws = awsAuthorization(undefined, STORAGE_CREDENTIALS)
const BUCKET_ARN = /^arn:aws:s3:::([^/]+)/

/**
 * S3 is judged like every AWS service, with the storage keys as callers; the request also names the
 * account owning the bucket, so a bucket of another account is refused by the evaluator itself (for
 * the dispatcher and explain alike). A bucket being created is nobody's yet: a name held elsewhere is
 * a conflict, not a refusal.
 */
export const authorization: AuthorizationRules = {
  ...aws,
  request(ctx, permission) {
    const request = aws.request(ctx, permission)
    const name = BUCKET_ARN.exec(permission.resource)?.[1]
    if (name === undefined || permission.action.toLowerCase() === 's3:createbucket') return request
    const owner = visibleBucket(ctx, name)?.accountId
    return owner === undefined ? request : { ...request, resourceAccountId: owner }
  },
}

const buckets = new WeakMap<RouteContext<unknown>, Bucket>()

/**
 * The bucket a request names: the caller's own, or else another account's of the caller's sandbox
 * (which the evaluator refuses, as S3 answers AccessDenied to a bucket that exists but is not yours);
 * one of no account (or of another sandbox) is NoSuchBucket. Where an account holds the name in two
 * regions (Linode's clusters), the one of the signing region or host is taken.
 *
 * @example const bucket = callerBucket(ctx, 'photos')
 */
export function callerBucket(ctx: RouteContext<unknown>, name: string): Bucket {
  const bucket = visibleBucket(ctx, name)
  if (!bucket) {
    throw new EmulatorError('NotFound', 'The specified bucket does not exist', { entity: 'bucket', bucket: name })
  }
  return bucket
}

function visibleBucket(ctx: RouteContext<unknown>, name: string): Bucket | undefined {
  const known = buckets.get(ctx)
  if (known?.name === name) return known
  const named = ctx.core.listBucketsNamed(name, ctx.principal.accountId)
  const mine = named.filter((b) => b.accountId === ctx.principal.accountId)
  const bucket = mine.length > 1 ? pickRegion(ctx, mine) : (mine[0] ?? named[0])
  if (bucket) buckets.set(ctx, bucket)
  return bucket
}

function pickRegion(ctx: RouteContext<unknown>, candidates: Bucket[]): Bucket {
  const account = ctx.core.getAccount(ctx.principal.accountId)
  const host = targetOf(ctx.req).host
  const claim = sigV4ClaimOf(ctx.req)
  const signed = typeof claim === 'object' ? claim.region : undefined
  const region = account?.regions.find(
    (r) => r.s3Endpoint === host || r.id === signed || (signed !== undefined && r.alias === signed),
  )
  return candidates.find((b) => b.region === region?.id) ?? (candidates[0] as Bucket)
}

/** The ARN of a bucket, or of an object in it. */
export const s3Arn = (bucket: string, key?: string): string =>
  key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`

/**
 * The permission an action on a bucket (or an object in it) needs, made in the bucket's region: grants
 * bound to a region (Linode's, Lightsail's) hold there only.
 *
 * @example bucketPermission(ctx, 's3:GetObject', 'photos', 'a.jpg')
 */
export function bucketPermission(
  ctx: RouteContext<unknown>,
  action: string,
  bucketName: string,
  key?: string,
  conditions: Record<string, string | undefined> = {},
): Permission {
  const bucket = callerBucket(ctx, bucketName)
  return {
    action,
    resource: s3Arn(bucket.name, key),
    conditions: { 'aws:RequestedRegion': bucket.region, ...conditions },
  }
}

/** The core's query for the caller's bucket of this name. */
export function bucketQueryOf(ctx: RouteContext<unknown>, name: string): BucketQuery {
  const bucket = callerBucket(ctx, name)
  return { accountId: bucket.accountId, name: bucket.name, region: bucket.region }
}

/**
 * Would the caller be allowed this too? For answers that depend on a second permission (a missing
 * key is NoSuchKey only to a caller who may list the bucket).
 */
export function mayAlso(ctx: RouteContext<unknown>, permission: Permission): boolean {
  const request = authorization.request(ctx, permission)
  return ctx.core.authorize(ctx.principal, request).effect === 'allow'
}

/**
 * Whether the caller's key lists only the buckets it may use (Tigris: ListAllMyBuckets "lists buckets
 * the key can access"); every other provider lists all of the account's buckets.
 */
export function listsOnlyReachable(core: Core, principal: Principal): boolean {
  const key = principal.keyId ? core.findKeyForAuth(STORAGE_CREDENTIALS, principal.keyId) : undefined
  return key?.namespace === TIGRIS_KEYS
}

/**
 * Whether a bucket name need only be unique within its region for the caller's provider (Linode's
 * clusters, Tigris's org buckets as the core keeps them), not among all buckets (AWS).
 */
export function uniqueInRegion(core: Core, principal: Principal): boolean {
  const key = principal.keyId ? core.findKeyForAuth(STORAGE_CREDENTIALS, principal.keyId) : undefined
  if (key) return key.namespace === LINODE_KEYS || key.namespace === TIGRIS_KEYS
  return core.getAccount(principal.accountId)?.realm !== AWS_REALM
}
