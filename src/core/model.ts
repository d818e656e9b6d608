/**
 * The provider-neutral model every dialect maps onto. Times are ISO 8601 strings so that the state
 * file is plain JSON; dialects render them in their own formats.
 */

/** An account (AWS account, Linode account, organization): the owner of users, buckets and keys. */
export interface Account {
  id: string
  name: string
  /** Opaque label a dialect uses to find the accounts it serves (the core never interprets it). */
  realm: string
  createdAt: string
  regions: Region[]
  /** The account that manages this one (a reseller's tenant organization), when there is one. */
  parentId?: string
  /**
   * A shared secret the account's holder signs management calls with (HMAC), for APIs that are
   * called with a signing key rather than with a credential of their own.
   */
  signingKey?: string
  /** A disabled account's keys speak for nobody until it is enabled again; its data stays. */
  disabled?: boolean
  /** Provider-specific settings (quotas ...), owned by the dialect that made the account. */
  settings?: Record<string, unknown>
  /** The sandbox the account belongs to; none for the emulator's own accounts. */
  sandbox?: string
}

/** A place buckets live in, with the alias and S3 endpoint clients are shown. */
export interface Region {
  id: string
  alias?: string
  s3Endpoint?: string
  endpointType?: string
}

export interface User {
  id: string
  accountId: string
  name: string
  path: string
  createdAt: string
  tags: Tag[]
  /** Inline policies by name; the text is kept as submitted because providers echo it back. */
  inlinePolicies: Record<string, string>
  attachedPolicyIds: string[]
}

export interface Tag {
  key: string
  value: string
}

export type AccessKeyStatus = 'Active' | 'Inactive'

/**
 * A credential pair. `userId: null` means the account's root identity. A key with a `scope` may do
 * at most what the scope grants, on top of what its owner may do.
 */
export interface AccessKey {
  id: string
  secret: string
  /**
   * The family of keys this key belongs to, declared by the dialect that issues it (AWS IAM keys,
   * Lightsail bucket keys, Linode keys, ...). Every lookup names it: keys of another namespace are
   * unknown there.
   */
  namespace: string
  accountId: string
  userId: string | null
  status: AccessKeyStatus
  createdAt: string
  updatedAt: string
  lastUsed: KeyUse | null
  /** A small increasing number, for providers whose keys have integer ids. */
  serial: number
  label?: string
  scope?: KeyScope
  /** The bucket a key belongs to, for providers whose keys are children of a bucket. */
  bucketId?: string
  /** Regions the key works in, for providers that confine keys to regions. */
  regions?: string[]
  description?: string
  /**
   * Whom the key was issued to when that is no core user: an end user as the provider's caller names
   * them. It only scopes who may manage the key; the key still speaks for its account.
   */
  holder?: string
  /**
   * Managed policies of the key's account attached to the key itself (providers whose keys carry
   * roles or policies): when set, the key may do at most what they allow, on top of what its owner
   * and its scope allow.
   */
  policyIds?: string[]
}

export interface KeyUse {
  at: string
  service: string
  region: string
}

/** `manage`: read, write and the bucket's configuration; `full`: every action. */
export type BucketAccess = 'read' | 'read-write' | 'manage' | 'full'

/** Access to one bucket (or every bucket of the account with `bucket: '*'`). */
export interface BucketGrant {
  bucket: string
  region?: string
  access: BucketAccess
}

/** Account-level storage actions a scoped key may take besides its bucket grants. */
export type AccountAction = 'list-buckets' | 'create-bucket'

export interface KeyScope {
  grants: BucketGrant[]
  accountActions: AccountAction[]
}

export interface Bucket {
  id: string
  accountId: string
  name: string
  region: string
  createdAt: string
  tags: Tag[]
  /** Provider-specific settings (bundle, access rules, versioning ...), owned by the dialect that made it. */
  settings: Record<string, unknown>
}

/** A customer-managed policy. */
export interface ManagedPolicy {
  id: string
  accountId: string
  name: string
  path: string
  description?: string
  document: string
  createdAt: string
  updatedAt: string
  tags: Tag[]
}

/** A bearer credential for management APIs (a personal access token), with its OAuth-style scopes. */
export interface ApiToken {
  token: string
  accountId: string
  label: string
  scopes: string[]
  createdAt: string
}

/** A stretch of an object's body: one stored blob (a PutObject body, an uploaded part). */
export interface BodySegment {
  blob: string
  size: number
}

/** Headers stored with an object and answered on every read of it. */
export interface ObjectHeaders {
  contentType?: string
  contentEncoding?: string
  contentDisposition?: string
  contentLanguage?: string
  cacheControl?: string
  expires?: string
}

/** Checksums of a body by algorithm (`crc32`, `crc32c`, `crc64nvme`, `sha1`, `sha256`): base64 digests. */
export type Checksums = Record<string, string>

/** An object of a bucket: its metadata here, its bytes in the blob store. Stored under `objectId(bucketId, key)`. */
export interface StoredObject {
  bucketId: string
  key: string
  size: number
  /** Quoted, as answered: `"<hex md5>"`, or `"<hex md5 of the part md5s>-<parts>"` for a multipart object. */
  etag: string
  lastModified: string
  headers: ObjectHeaders
  /** User metadata, names lowercased. */
  metadata: Record<string, string>
  checksums: Checksums
  /** The body, in order (one segment per part of a multipart object); segments may be shared by copies. */
  body: BodySegment[]
  /** How many parts it was assembled from, for a multipart object. */
  parts?: number
}

/** A multipart upload in progress. Stored under its id. */
export interface MultipartUpload {
  id: string
  bucketId: string
  key: string
  initiatedAt: string
  headers: ObjectHeaders
  metadata: Record<string, string>
  /** The checksum algorithm the upload was created with, if any. */
  checksumAlgorithm?: string
}

/** One part of a multipart upload. Stored under `partId(uploadId, number)`. */
export interface UploadedPart {
  uploadId: string
  number: number
  size: number
  /** Quoted hex MD5 of the part. */
  etag: string
  lastModified: string
  checksums: Checksums
  blob: string
}

/**
 * An isolated tenant for one test: accounts made from a seed of their own (fresh ids and secrets),
 * which a reset of the sandbox seeds again. What its accounts hold is its own.
 */
export interface Sandbox {
  id: string
  createdAt: string
  /** The sandbox's seed, credentials included (seed file format). */
  seed: unknown
}

export interface State {
  accounts: Record<string, Account>
  users: Record<string, User>
  accessKeys: Record<string, AccessKey>
  buckets: Record<string, Bucket>
  policies: Record<string, ManagedPolicy>
  tokens: Record<string, ApiToken>
  objects: Record<string, StoredObject>
  uploads: Record<string, MultipartUpload>
  parts: Record<string, UploadedPart>
  sandboxes: Record<string, Sandbox>
  counters: { keySerial: number }
}

/** @example const state = emptyState() */
export function emptyState(): State {
  return {
    accounts: {},
    users: {},
    accessKeys: {},
    buckets: {},
    policies: {},
    tokens: {},
    objects: {},
    uploads: {},
    parts: {},
    sandboxes: {},
    counters: { keySerial: 0 },
  }
}

/** The id an object is stored under: bucket ids never hold a `/`, so no two (bucket, key) pairs share one. */
export const objectId = (bucketId: string, key: string): string => `${bucketId}/${key}`

/** The id a part is stored under. */
export const partId = (uploadId: string, number: number): string => `${uploadId}/${number}`
