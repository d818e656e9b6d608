import type { AccessKeyView } from '../../src/core/access-keys.js'
import type { EmulatorError, ErrorCode } from '../../src/core/errors.js'
import { memoByIdentity } from '../../src/core/memo.js'
import type { Account, Bucket, BucketGrant, Region } from '../../src/core/model.js'
import type { NumberedPage } from '../../src/core/pagination.js'
import { jsonResponse } from '../../src/protocol/rest/json.js'
import type { WireResponse } from '../../src/protocol/route.js'

export type Json = Record<string, unknown>

// Statuses from the API reference's error section (400, 401, 403, 404, 429, 500). Fixed reasons are
// the ones Linode sends: "Invalid Token" (client error strings such as "[401] Invalid Token"),
// "Not found" and "Unauthorized" (linode_api4-python's integration tests); the rest carry the message.
const wire: Record<ErrorCode, [status: number, reason?: string]> = {
  InvalidInput: [400],
  MalformedPolicy: [400],
  MissingCredentials: [401, 'Invalid Token'],
  MalformedCredentials: [401, 'Invalid Token'],
  UnknownCredentials: [401, 'Invalid Token'],
  InvalidSignature: [401, 'Invalid Token'],
  ExpiredCredentials: [401, 'Invalid Token'],
  Forbidden: [403, 'Unauthorized'],
  // A token without the OAuth scope an endpoint needs gets 401 with this reason, as captured in
  // linode/linode-cli#142 and trailofbits/algo#14348 (not 403).
  InsufficientScope: [401, 'Your OAuth token is not authorized to use this endpoint.'],
  NotFound: [404, 'Not found'],
  AlreadyExists: [400],
  LimitExceeded: [400],
  InUse: [400],
  UnknownOperation: [404],
  MissingOperation: [404],
  PayloadTooLarge: [413],
  DigestMismatch: [400],
  IncompleteBody: [400],
  PreconditionFailed: [412],
  NotModified: [400],
  RangeNotSatisfiable: [416],
  // Linode's rate limits answer 429 ("Too many requests"); an outage 503.
  Throttled: [429, 'Too many requests'],
  ServiceUnavailable: [503, 'Service Unavailable'],
  Internal: [500],
}

/** Linode's error envelope: `{"errors": [{"reason", "field"?}]}`, every problem of the request. */
export function renderError(err: EmulatorError): WireResponse {
  const [status, reason] = wire[err.code]
  const first: { reason: string; field?: string } = { reason: reason ?? err.message }
  // A problem with the body as a whole names no field, as Linode answers malformed JSON.
  const field = err.detail.field === 'body' ? undefined : err.detail.field
  if (field !== undefined && reason === undefined) first.field = field
  const rest = (err.detail.more ?? []).map((m) => ({
    reason: m.message,
    ...(m.field !== undefined && { field: m.field }),
  }))
  return jsonResponse(status, { errors: [first, ...rest] })
}

/** The envelope of every list. */
export function renderPage<T>(page: NumberedPage<T>, render: (item: T) => unknown): Json {
  return { data: page.items.map(render), page: page.page, pages: page.pages, results: page.total }
}

// Linode writes times in UTC without a zone: 2019-01-01T01:23:45.
const linodeTime = (iso: string): string => iso.slice(0, 19)

/** The S3 host of a region, for regions seeded without one. */
export const s3EndpointOf = (region: Region): string =>
  region.s3Endpoint ?? `${region.alias ?? region.id}.linodeobjects.com`
const endpointTypeOf = (region: Region): string => region.endpointType ?? 'E1'
// Regions newer than the cluster scheme have no cluster id; the reference says the field is then empty.
const clusterOf = (region: Region | undefined): string => region?.alias ?? ''

export function renderBucket(bucket: Bucket, account: Account): Json {
  const region = account.regions.find((r) => r.id === bucket.region)
  const s3 = region ? s3EndpointOf(region) : `${bucket.region}.linodeobjects.com`
  return {
    cluster: clusterOf(region),
    created: linodeTime(bucket.createdAt),
    endpoint_type: region ? endpointTypeOf(region) : 'E1',
    hostname: `${bucket.name}.${s3}`,
    label: bucket.name,
    objects: 0,
    region: bucket.region,
    s3_endpoint: s3,
    size: 0,
  }
}

export function renderCluster(region: Region): Json {
  const domain = s3EndpointOf(region)
  return {
    id: region.alias ?? region.id,
    region: region.id,
    domain,
    static_site_domain: `website-${domain}`,
    status: 'available',
  }
}

export function renderEndpoint(region: Region): Json {
  return { region: region.id, endpoint_type: endpointTypeOf(region), s3_endpoint: s3EndpointOf(region) }
}

export const permissionsOf = {
  read: 'read_only',
  'read-write': 'read_write',
  manage: 'read_write',
  full: 'read_write',
} as const

/** A key is unlimited when its scope reaches every bucket. */
export const isLimited = (key: AccessKeyView): boolean => !key.scope?.grants.some((g) => g.bucket === '*')

// An account's regions by id, once per stored account: every key of a listing looks its regions up.
const regionsById = memoByIdentity((regions: readonly Region[]) => new Map(regions.map((r) => [r.id, r])))

function renderGrant(grant: BucketGrant, account: Account): Json {
  const region = grant.region === undefined ? undefined : regionsById(account.regions).get(grant.region)
  return {
    cluster: clusterOf(region),
    region: grant.region ?? '',
    bucket_name: grant.bucket,
    permissions: permissionsOf[grant.access],
  }
}

/**
 * An Object Storage key. The real secret only when `secret` is given (the create answer); every other
 * answer carries the literal "[REDACTED]" (linode_api4-python's fixture object-storage_keys.json).
 */
export function renderKey(key: AccessKeyView, account: Account, secret?: string): Json {
  const limited = isLimited(key)
  const byId = regionsById(account.regions)
  const regions = (key.regions ?? []).map((id) => byId.get(id)).filter((r) => r !== undefined)
  return {
    id: key.serial,
    label: key.label ?? '',
    access_key: key.id,
    secret_key: secret ?? '[REDACTED]',
    limited,
    bucket_access: limited ? (key.scope?.grants ?? []).map((g) => renderGrant(g, account)) : null,
    regions: regions.map((r) => ({ id: r.id, s3_endpoint: s3EndpointOf(r), endpoint_type: endpointTypeOf(r) })),
  }
}
