import type { S3Client } from '@aws-sdk/client-s3'
import type { Explanation } from '../../src/control/explain.js'
import { credentialsOf, S3_ORIGIN, s3Client } from './s3.js'
import {
  ACCOUNT_OPS,
  BUCKET_OPS,
  type BucketOp,
  outcomeOf,
  permissionsOf,
  putFixtureObjects,
  runAccountOp,
  runBucketOp,
  type Target,
} from './s3-operations.js'
import {
  AWS_ACCOUNT,
  FOREIGN_ACCOUNT,
  FOREIGN_BUCKET,
  iamKeys,
  LINODE_ACCOUNT,
  lightsailKeys,
  linodeKeys,
  type StorageKey,
  tigrisKeys,
} from './storage-keys.js'
import { SEEDED_ORG } from './tigris-signing.js'
import type { Transport } from './transports.js'

// The S3 enforcement matrix: every provider's keys, made through that provider's own API, against the
// S3 data plane: what each may do in its own bucket, under a prefix of it, in another bucket of its
// account and in a bucket of another account, and whether it may list and create buckets. Each row is
// written from the provider's documented rules (../../shared/dialects/s3.md, "Authorization per
// provider"), never from keyemu's answers. The enforcement suite runs it strictly, the audit suite
// lets its refusals through.

export type Provider = 'aws' | 'lightsail' | 'linode' | 'tigris'

/** Where each provider's keys are used: the S3 origin and signing region, and their two buckets. */
export const PLACES: Record<
  Provider,
  { origin: string; region: string; bucketRegion: string; own: string; other: string }
> = {
  aws: { origin: S3_ORIGIN.aws, region: 'us-east-1', bucketRegion: 'us-east-1', own: 'aws-own', other: 'aws-other' },
  // A Lightsail key's other bucket is an ordinary bucket of the same AWS account.
  lightsail: { origin: S3_ORIGIN.aws, region: 'us-east-1', bucketRegion: 'us-east-1', own: 'ls-own', other: 'aws-own' },
  linode: {
    origin: S3_ORIGIN.linode('us-east-1'),
    region: 'us-east-1',
    bucketRegion: 'us-east',
    own: 'ln-own',
    other: 'ln-other',
  },
  tigris: { origin: S3_ORIGIN.tigris, region: 'auto', bucketRegion: 'auto', own: 'example-bucket', other: 'tg-other' },
}

export const TARGETS = ['own', 'own-private', 'other', 'foreign'] as const
export type TargetName = (typeof TARGETS)[number]
const LISTS: readonly BucketOp[] = ['ListObjectsV2', 'ListMultipartUploads']
const READS: readonly BucketOp[] = [...LISTS, 'HeadObject', 'GetObject']

/** What a key may do in a bucket: everything, only read, only list (objects and uploads), nothing. */
export type Access = 'all' | 'read' | 'list' | 'none'
const allows = (access: Access, op: BucketOp) =>
  access === 'all' || (access === 'read' && READS.includes(op)) || (access === 'list' && LISTS.includes(op))

export interface Row {
  provider: Provider
  /** Makes the key through the provider's API. */
  make: (t: Transport) => Promise<StorageKey>
  ListBuckets: boolean
  CreateBucket: boolean
  own: Access
  /** Objects under `private/` of the own bucket. */
  private: Access
  other: Access
}

const ALLOW_OWN_BUCKET = [
  { Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::aws-own', 'arn:aws:s3:::aws-own/*'] },
]
const ALLOW_ALL_BUT = [
  { Effect: 'Allow', Action: '*', Resource: '*' },
  { Effect: 'Deny', Action: 's3:*', Resource: ['arn:aws:s3:::aws-other', 'arn:aws:s3:::aws-other/*'] },
  { Effect: 'Deny', Action: 's3:*Object', Resource: 'arn:aws:s3:::aws-own/private/*' },
]
const tigrisPolicy = (actions: string[]) => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: actions, Resource: ['arn:aws:s3:::example-bucket', 'arn:aws:s3:::example-bucket/*'] },
  ],
})
const tigrisRole = (role: string, bucket = 'example-bucket') => [{ bucket_name: bucket, role }]

export const MATRIX: Record<string, Row> = {
  // IAM: identity policies decide, an explicit Deny wins, no policy is an implicit deny; the root
  // identity may do everything in its account (IAM policy evaluation logic).
  root: {
    provider: 'aws',
    make: async () => ({ id: 'test', secret: 'test' }),
    ListBuckets: true,
    CreateBucket: true,
    own: 'all',
    private: 'all',
    other: 'all',
  },
  'iam-one-bucket': {
    provider: 'aws',
    make: (t) => iamKeys(t).user('one-bucket', ALLOW_OWN_BUCKET),
    ListBuckets: false,
    CreateBucket: false,
    own: 'all',
    private: 'all',
    other: 'none',
  },
  'iam-deny': {
    provider: 'aws',
    make: (t) => iamKeys(t).user('all-but', ALLOW_ALL_BUT),
    ListBuckets: true,
    CreateBucket: true,
    own: 'all',
    // The Deny names objects only: listing the prefix (its objects, its uploads) is an action on
    // the bucket, still allowed.
    private: 'list',
    other: 'none',
  },
  'iam-no-policy': {
    provider: 'aws',
    make: (t) => iamKeys(t).user('nobody'),
    ListBuckets: false,
    CreateBucket: false,
    own: 'none',
    private: 'none',
    other: 'none',
  },
  // Lightsail: a bucket key has "full read and write access to a bucket and its objects" [LS] and
  // nothing else; listing and creating buckets through S3 is unconfirmed, keyemu refuses both.
  lightsail: {
    provider: 'lightsail',
    make: (t) => lightsailKeys(t).bucketWithKey('ls-own'),
    ListBuckets: false,
    CreateBucket: false,
    own: 'all',
    private: 'all',
    other: 'none',
  },
  // Linode: every key may list and create buckets; read_only reads, read_write also writes, in the
  // buckets of its bucket_access only; an unlimited key may do everything [LN access-keys].
  'linode-read-only': {
    provider: 'linode',
    make: async (t) => withLinode(t, (l) => l.key('read-only', 'ln-own', 'read_only')),
    ListBuckets: true,
    CreateBucket: true,
    own: 'read',
    private: 'read',
    other: 'none',
  },
  'linode-read-write': {
    provider: 'linode',
    make: async (t) => withLinode(t, (l) => l.key('read-write', 'ln-own', 'read_write')),
    ListBuckets: true,
    CreateBucket: true,
    own: 'all',
    private: 'all',
    other: 'none',
  },
  'linode-unlimited': {
    provider: 'linode',
    make: async (t) => withLinode(t, (l) => l.key('unlimited')),
    ListBuckets: true,
    CreateBucket: true,
    own: 'all',
    private: 'all',
    other: 'all',
  },
  // Tigris [TG authnz.md]: ReadOnly reads, Editor reads and writes, Admin on `*` may do everything;
  // a standard key may also list and create buckets (whether ReadOnly may create is unconfirmed:
  // keyemu lets the default allow hold), no_default_allow takes both away [TG api.yaml]; policies
  // run after the roles and only narrow them, so what a policy does not name is refused [TG
  // access-control.mdx].
  'tigris-read-only': {
    provider: 'tigris',
    make: (t) => tigrisKeys(t).key({ buckets_roles: tigrisRole('ReadOnly') }),
    ListBuckets: true,
    CreateBucket: true,
    own: 'read',
    private: 'read',
    other: 'none',
  },
  'tigris-editor': {
    provider: 'tigris',
    make: (t) => tigrisKeys(t).key({ buckets_roles: tigrisRole('Editor') }),
    ListBuckets: true,
    CreateBucket: true,
    own: 'all',
    private: 'all',
    other: 'none',
  },
  'tigris-admin': {
    provider: 'tigris',
    make: (t) => tigrisKeys(t).key({ user_role: 'Admin', buckets_roles: tigrisRole('Admin', '*') }),
    ListBuckets: true,
    CreateBucket: true,
    own: 'all',
    private: 'all',
    other: 'all',
  },
  'tigris-member-narrowed': {
    provider: 'tigris',
    make: (t) =>
      tigrisKeys(t).key({
        user_role: 'Member',
        buckets_roles: tigrisRole('Editor'),
        create_policies: [
          {
            name: 'reads-only',
            document: tigrisPolicy(['s3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads']),
          },
        ],
      }),
    ListBuckets: false,
    CreateBucket: false,
    own: 'read',
    private: 'read',
    other: 'none',
  },
  'tigris-no-default-allow': {
    provider: 'tigris',
    make: (t) => tigrisKeys(t).key({ buckets_roles: tigrisRole('Editor'), access_key_scope: 'no_default_allow' }),
    ListBuckets: false,
    CreateBucket: false,
    own: 'all',
    private: 'all',
    other: 'none',
  },
}

async function withLinode<T>(t: Transport, body: (l: ReturnType<typeof linodeKeys>) => Promise<T>): Promise<T> {
  const linode = linodeKeys(t)
  try {
    return await body(linode)
  } finally {
    linode.release()
  }
}

const BUCKETS = [
  { accountId: AWS_ACCOUNT, name: 'aws-own', region: 'us-east-1' },
  { accountId: AWS_ACCOUNT, name: 'aws-other', region: 'us-east-1' },
  { accountId: LINODE_ACCOUNT, name: 'ln-own', region: 'us-east' },
  { accountId: LINODE_ACCOUNT, name: 'ln-other', region: 'us-east' },
  { accountId: SEEDED_ORG, name: 'tg-other', region: 'auto' },
]

/** Buckets of every provider, made through the core before the keys that name them. */
export async function fixtureBuckets(t: Transport): Promise<void> {
  for (const b of BUCKETS) await t.core.createBucket({ ...b, uniqueIn: 'region' })
}

/** The objects the operations expect, in every bucket there is now (a Lightsail key brings its own). */
export async function fixtureObjects(t: Transport): Promise<void> {
  const buckets = [
    ...BUCKETS,
    ...t.core.listBucketsNamed('ls-own'),
    { accountId: SEEDED_ORG, name: 'example-bucket', region: 'auto' },
    { accountId: FOREIGN_ACCOUNT, name: FOREIGN_BUCKET, region: 'us-east-1' },
  ]
  for (const b of buckets) for (const prefix of ['', 'private/']) await putFixtureObjects(t.core, b, prefix)
}

export function targetOf(provider: Provider, name: TargetName): Target {
  const place = PLACES[provider]
  if (name === 'foreign') return { bucket: FOREIGN_BUCKET, prefix: '' }
  return { bucket: name === 'other' ? place.other : place.own, prefix: name === 'own-private' ? 'private/' : '' }
}

/** The row as a table of `operation target` → allow | deny. A bucket of another account is always refused. */
export function expectedTable(row: Row): Record<string, string> {
  const table: Record<string, string> = {}
  for (const op of ACCOUNT_OPS) table[op] = row[op] ? 'allow' : 'deny'
  const access: Record<TargetName, Access> = {
    own: row.own,
    'own-private': row.private,
    other: row.other,
    foreign: 'none',
  }
  for (const target of TARGETS)
    for (const op of BUCKET_OPS) table[`${op} ${target}`] = allows(access[target], op) ? 'allow' : 'deny'
  return table
}

/** One case of a row: its name in the table, the call, and the permissions it needs, as explain is asked them. */
export interface Case {
  name: string
  run: (s3: S3Client) => Promise<void>
  permissions: [string, string][]
  /** The region explain is told the call is made in. */
  region: string
  /** How many requests the call makes. */
  requests: number
}

/** Every case of a row, in the table's order. Bucket cases come before CreateBucket, which adds one. */
export function casesOf(name: string, row: Row): Case[] {
  const place = PLACES[row.provider]
  const cases: Case[] = []
  for (const target of TARGETS)
    for (const op of BUCKET_OPS) {
      const where = targetOf(row.provider, target)
      cases.push({
        name: `${op} ${target}`,
        run: (s3) => runBucketOp(s3, op, where),
        permissions: permissionsOf(op, where),
        region: place.bucketRegion,
        requests: op === 'MultipartUpload' ? 3 : 1,
      })
    }
  for (const op of ACCOUNT_OPS)
    cases.push({
      name: op,
      run: (s3) => runAccountOp(s3, op, `new-${name}`),
      permissions: permissionsOf(op, `new-${name}`),
      region: place.region,
      requests: 1,
    })
  return cases
}

/** An S3 client signing with the key where its provider serves S3. */
export function clientOf(t: Transport, row: Row, key: StorageKey): S3Client {
  const place = PLACES[row.provider]
  return s3Client(t, { credentials: credentialsOf(key), region: place.region, origin: place.origin })
}

/** Every case run with the key, in the table's shape. */
export async function actualTable(
  t: Transport,
  name: string,
  row: Row,
  key: StorageKey,
): Promise<Record<string, string>> {
  const s3 = clientOf(t, row, key)
  const table: Record<string, string> = {}
  for (const c of casesOf(name, row)) table[c.name] = await outcomeOf(c.run(s3))
  return table
}

/** What explain says of each permission a case needs, in the order the dispatcher asks them. */
export function explanationsOf(t: Transport, key: StorageKey, c: Case): Explanation[] {
  return c.permissions.map(([action, resource]) =>
    t.controls.explain({
      dialect: 's3',
      credential: { accessKeyId: key.id },
      action,
      resource,
      context: { region: c.region },
    }),
  )
}

/** What explain says of every case, a bucket of another account's too. */
export function explainedTable(t: Transport, name: string, row: Row, key: StorageKey): Record<string, string> {
  const table: Record<string, string> = {}
  for (const c of casesOf(name, row)) {
    table[c.name] = explanationsOf(t, key, c).every((e) => e.decision === 'allow') ? 'allow' : 'deny'
  }
  return table
}
