import { EmulatorError, echo } from '../../src/core/errors.js'
import type { WireRequest } from '../../src/protocol/route.js'

// Where S3 requests name their bucket (s3.md "Transport & auth"): the leftmost labels of a Host
// `<bucket>.<S3 host>` (virtual-hosted), else the first segment of the path (path-style).
const S3_HOSTS = [
  /^s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com$/, // AWS, global and regional
  /^[a-z]{2}-[a-z]+-\d+\.linodeobjects\.com$/, // a Linode cluster
  /^(?:t3\.storage\.dev|fly\.storage\.tigris\.dev)$/, // Tigris, and its older host
  /^localhost$/, // the edge port, as `bucket.localhost:4599`
]

/** The real origins of S3 requests, path-style and virtual-hosted: where the MSW handlers listen. */
export const S3_ORIGINS =
  /^https?:\/\/(?:[a-z0-9.-]+\.)?(?:s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com|[a-z]{2}-[a-z]+-\d+\.linodeobjects\.com|t3\.storage\.dev|fly\.storage\.tigris\.dev)$/

const isS3Host = (host: string) => S3_HOSTS.some((re) => re.test(host))

/** What a request addresses: the service (no bucket), a bucket, or an object (bucket and key). */
export interface Target {
  /** The bucket, as named (not yet checked against the naming rules). */
  bucket?: string
  /** The object key, decoded; undefined for a bucket or the service. */
  key?: string
  /** The S3 host the request was sent to, without a bucket label or port. */
  host: string
  /** Whether the Host named the bucket. */
  virtual: boolean
}

const targets = new WeakMap<WireRequest, Target>()

/**
 * The bucket and key a request names, from its Host and its raw path (S3 keys keep `.` and `..`
 * segments and repeated slashes, as sent).
 *
 * @example targetOf(req) // { bucket: 'photos', key: 'a/b.jpg', host: 's3.amazonaws.com', virtual: false }
 */
export function targetOf(req: WireRequest): Target {
  let target = targets.get(req)
  if (!target) {
    target = readTarget(req)
    targets.set(req, target)
  }
  return target
}

function readTarget(req: WireRequest): Target {
  const hostname = (req.headers.host ?? req.url.host).replace(/:\d+$/, '').toLowerCase()
  const raw = req.rawPath ?? req.url.pathname
  // Bucket names may hold dots: the first suffix that is an S3 host ends the bucket.
  if (!isS3Host(hostname)) {
    const labels = hostname.split('.')
    for (let i = 1; i < labels.length; i++) {
      const host = labels.slice(i).join('.')
      if (!isS3Host(host)) continue
      const target: Target = { bucket: labels.slice(0, i).join('.'), host, virtual: true }
      if (raw.length > 1) target.key = decode(raw.slice(1))
      return target
    }
  }
  const slash = raw.indexOf('/', 1)
  const bucket = slash === -1 ? raw.slice(1) : raw.slice(1, slash)
  const key = slash === -1 ? '' : raw.slice(slash + 1)
  // Filled in place: conditional spreads cost more than the rest of this, on every S3 request.
  const target: Target = { host: hostname, virtual: false }
  if (bucket !== '') target.bucket = decode(bucket)
  if (key !== '') target.key = decode(key)
  return target
}

// A malformed escape names nothing: kept as sent, it fails the later checks with S3's words.
function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** The subresources S3 tells operations apart by; any other query parameter is an argument. */
const SUBRESOURCES = [
  'acl',
  'accelerate',
  'analytics',
  'attributes',
  'cors',
  'delete',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'location',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versioning',
  'versions',
  'website',
]

/**
 * The subresource a request names (`?location`, `?uploads`, `?uploadId=…`), or undefined.
 *
 * @example subresourceOf(req) // 'uploads'
 */
export function subresourceOf(req: WireRequest): string | undefined {
  return SUBRESOURCES.find((name) => req.url.searchParams.has(name))
}

/**
 * The bucket a request names, checked against S3's naming rules (BucketRestrictions): 3–63 of
 * `a-z 0-9 . -`, letters or digits at both ends, no `..`, not an IP address, no `xn--` prefix, no
 * `-s3alias` suffix.
 *
 * @example requireBucketName(req) // 'photos'
 */
export function requireBucketName(req: WireRequest): string {
  const name = targetOf(req).bucket
  if (name === undefined)
    throw new EmulatorError('InvalidInput', 'The request names no bucket.', { s3Code: 'InvalidURI' })
  if (!validBucketName(name)) {
    throw new EmulatorError('InvalidInput', `The specified bucket is not valid: ${echo(name)}.`, {
      s3Code: 'InvalidBucketName',
      bucket: name,
    })
  }
  return name
}

export function validBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith('xn--') &&
    !name.endsWith('-s3alias')
  )
}

/** The longest key S3 stores, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024

/** The object key a request names, at most 1024 bytes of UTF-8. */
export function requireKey(req: WireRequest): string {
  const key = targetOf(req).key
  if (key === undefined)
    throw new EmulatorError('InvalidInput', 'The request names no object key.', { s3Code: 'InvalidURI' })
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new EmulatorError('InvalidInput', 'Your key is too long.', { s3Code: 'KeyTooLongError' })
  }
  return key
}
