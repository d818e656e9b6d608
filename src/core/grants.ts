import type { NamedPolicy } from './evaluator.js'
import { memoByIdentity } from './memo.js'
import type { BucketAccess, BucketGrant, KeyScope } from './model.js'
import type { PolicyStatement } from './policy-document.js'

// The S3 action vocabulary is the core's lingua franca for storage rights: every provider's
// notion of bucket access is written as IAM-style statements and judged by the one evaluator.
const READ = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:GetObjectTagging',
  's3:ListBucket',
  's3:ListBucketVersions',
  's3:GetBucketLocation',
  // Listing a bucket's uploads in progress is a read (Linode read_only, Tigris ReadOnly: s3.md).
  's3:ListBucketMultipartUploads',
]
const WRITE = [
  's3:PutObject',
  's3:PutObjectTagging',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
]
// Configuration of one bucket (not its deletion, which stays with full access).
const CONFIGURE = [
  's3:GetBucketCORS',
  's3:PutBucketCORS',
  's3:GetBucketTagging',
  's3:PutBucketTagging',
  's3:GetBucketVersioning',
  's3:PutBucketVersioning',
  's3:GetLifecycleConfiguration',
  's3:PutLifecycleConfiguration',
  's3:GetBucketPolicy',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:GetBucketAcl',
  's3:PutBucketAcl',
  's3:GetBucketNotification',
  's3:PutBucketNotification',
  's3:GetBucketWebsite',
  's3:PutBucketWebsite',
  's3:DeleteBucketWebsite',
]
const actionsFor: Record<BucketAccess, string[]> = {
  read: READ,
  'read-write': [...READ, ...WRITE],
  manage: [...READ, ...WRITE, ...CONFIGURE],
  full: ['s3:*'],
}

/**
 * Whether a scope grants every action on every bucket of its account anywhere: such a key is its
 * account's administrator, and policies attached to it do not narrow it.
 *
 * @example grantsEverything({ grants: [{ bucket: '*', access: 'full' }], accountActions: [] }) // true
 */
export function grantsEverything(scope: KeyScope | undefined): boolean {
  return scope?.grants.some((g) => g.bucket === '*' && g.access === 'full' && g.region === undefined) === true
}

/** The ARNs of a bucket and of every object in it. @example bucketResources('photos') */
export function bucketResources(bucket: string): string[] {
  return [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`]
}

// Bucket names are unique only per region with some providers, and S3 ARNs carry no region: a grant
// with a region holds only for requests made in that region.
function grantStatement(grant: BucketGrant, index: number): PolicyStatement {
  return {
    Sid: `Grant${index}`,
    Effect: 'Allow',
    Action: actionsFor[grant.access],
    Resource: bucketResources(grant.bucket),
    ...(grant.region && { Condition: { StringEquals: { 'aws:RequestedRegion': [grant.region] } } }),
  }
}
/**
 * A key scope written as the policy the evaluator judges it by.
 *
 * @example scopePolicy({ grants: [{ bucket: 'b', access: 'read' }], accountActions: ['list-buckets'] })
 */
export const scopePolicy: (scope: KeyScope) => NamedPolicy = memoByIdentity((scope: KeyScope) => {
  const statements = scope.grants.map(grantStatement)
  if (scope.accountActions.includes('list-buckets')) {
    statements.push({ Sid: 'ListBuckets', Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: ['*'] })
  }
  if (scope.accountActions.includes('create-bucket')) {
    statements.push({ Sid: 'CreateBuckets', Effect: 'Allow', Action: ['s3:CreateBucket'], Resource: ['*'] })
  }
  return { name: 'key-scope', document: { Version: '2012-10-17', Statement: statements } }
})

/**
 * The OAuth-style scopes of a token written as the policy the evaluator judges them by: a scope is an
 * action (`object_storage:read_only`); `<area>:read_write` also grants `<area>:read_only`; `*` grants all.
 *
 * @example tokenScopePolicy(['object_storage:read_write']) // allows object_storage:read_only too
 */
export const tokenScopePolicy: (scopes: readonly string[]) => NamedPolicy = memoByIdentity(
  (scopes: readonly string[]) => {
    const statements: PolicyStatement[] = scopes.map((scope) => ({
      Sid: scope,
      Effect: 'Allow',
      Action: scope.endsWith(':read_write') ? [scope, scope.replace(/:read_write$/, ':read_only')] : [scope],
      Resource: ['*'],
    }))
    return { name: 'token-scopes', document: { Version: '2012-10-17', Statement: statements } }
  },
)

/** The grant a key-scope statement stands for (its Sid is `Grant<index>`), if it is one. */
export function grantOfStatement(scope: KeyScope | undefined, sid: string | undefined): BucketGrant | undefined {
  const index = /^Grant(\d+)$/.exec(sid ?? '')?.[1]
  return index === undefined ? undefined : scope?.grants[Number(index)]
}
