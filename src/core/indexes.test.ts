import { describe, expect, test } from 'vitest'
import { prng } from '../../test/fuzz/engine.js'
import { keysMatching } from './access-keys.js'
import {
  blobsOf,
  bucketsNamed,
  bucketsOf,
  keyCountOfPolicy,
  keyCountOfUser,
  keysOfBucket,
  keyWithSecret,
  objectKeysOf,
  partsOf,
  policiesOf,
  policyNamed,
  uploadsOf,
  userCountOfPolicy,
  userNamed,
  usersOf,
} from './indexes.js'
import { compareKeys } from './key-order.js'
import {
  type AccessKey,
  type Bucket,
  type ManagedPolicy,
  type MultipartUpload,
  objectId,
  partId,
  type State,
  type StoredObject,
  type UploadedPart,
  type User,
} from './model.js'
import { openStore, type Transaction } from './store.js'

// A small universe of values, so that random changes collide often.
const NAMESPACES = ['aws', 'linode']
const ACCOUNTS = ['a1', 'a2']
const USER_IDS = ['u0', 'u1', 'u2']
const BUCKET_IDS = ['b0', 'b1']
const POLICY_IDS = ['p0', 'p1', 'p2']
const NAMES = ['Bob', 'bob', 'ann', 'Ann', 'zed']
const SECRETS = ['s0', 's1', 's2']
const OBJECT_KEYS = ['a', 'b/c', 'é', '\u{1f600}', '\uffef']
const UPLOAD_IDS = ['up0', 'up1']
const BLOBS = ['blob0', 'blob1', 'blob2', 'blob3']

type Random = () => number
const pick = <T>(rnd: Random, items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T
const some = <T>(rnd: Random, items: readonly T[]): T[] => items.filter(() => rnd() < 0.3)

function randomKey(rnd: Random): AccessKey {
  const serial = Math.floor(rnd() * 40)
  const bucketId = rnd() < 0.5 ? pick(rnd, BUCKET_IDS) : undefined
  const policyIds = rnd() < 0.5 ? some(rnd, POLICY_IDS) : undefined
  return {
    id: `k${serial}`,
    secret: pick(rnd, SECRETS),
    namespace: pick(rnd, NAMESPACES),
    accountId: pick(rnd, ACCOUNTS),
    userId: rnd() < 0.3 ? null : pick(rnd, USER_IDS),
    status: 'Active',
    createdAt: 'then',
    updatedAt: 'then',
    lastUsed: null,
    serial,
    ...(bucketId && { bucketId }),
    ...(policyIds && { policyIds }),
  }
}

const randomUser = (rnd: Random): User => ({
  id: pick(rnd, USER_IDS),
  accountId: pick(rnd, ACCOUNTS),
  name: pick(rnd, NAMES),
  path: '/',
  createdAt: 'then',
  tags: [],
  inlinePolicies: {},
  attachedPolicyIds: some(rnd, POLICY_IDS),
})

const randomBucket = (rnd: Random): Bucket => ({
  id: pick(rnd, BUCKET_IDS),
  accountId: pick(rnd, ACCOUNTS),
  name: pick(rnd, NAMES).toLowerCase(),
  region: 'r',
  createdAt: 'then',
  tags: [],
  settings: {},
})

const randomPolicy = (rnd: Random): ManagedPolicy => ({
  id: pick(rnd, POLICY_IDS),
  accountId: pick(rnd, ACCOUNTS),
  name: pick(rnd, NAMES),
  path: '/',
  document: '{}',
  createdAt: 'then',
  updatedAt: 'then',
  tags: [],
})

const randomObject = (rnd: Random): StoredObject => ({
  bucketId: pick(rnd, BUCKET_IDS),
  key: pick(rnd, OBJECT_KEYS),
  size: 1,
  etag: '"e"',
  lastModified: 'then',
  headers: {},
  metadata: {},
  checksums: {},
  body: some(rnd, BLOBS).map((blob) => ({ blob, size: 1 })),
})

const randomUpload = (rnd: Random): MultipartUpload => ({
  id: pick(rnd, UPLOAD_IDS),
  bucketId: pick(rnd, BUCKET_IDS),
  key: pick(rnd, OBJECT_KEYS),
  initiatedAt: 'then',
  headers: {},
  metadata: {},
})

const randomPart = (rnd: Random): UploadedPart => ({
  uploadId: pick(rnd, UPLOAD_IDS),
  number: 1 + Math.floor(rnd() * 3),
  size: 1,
  etag: '"e"',
  lastModified: 'then',
  checksums: {},
  blob: pick(rnd, BLOBS),
})

function randomObjectChange(rnd: Random, tx: Transaction): void {
  const roll = rnd()
  if (roll < 0.35) {
    const object = randomObject(rnd)
    tx.put('objects', objectId(object.bucketId, object.key), object)
  } else if (roll < 0.55) tx.remove('objects', objectId(pick(rnd, BUCKET_IDS), pick(rnd, OBJECT_KEYS)))
  else if (roll < 0.65) tx.put('uploads', ...withId(randomUpload(rnd)))
  else if (roll < 0.7) tx.remove('uploads', pick(rnd, UPLOAD_IDS))
  else if (roll < 0.9) {
    const part = randomPart(rnd)
    tx.put('parts', partId(part.uploadId, part.number), part)
  } else tx.remove('parts', partId(pick(rnd, UPLOAD_IDS), 1 + Math.floor(rnd() * 3)))
}

function randomChange(rnd: Random, tx: Transaction): void {
  if (rnd() < 0.3) {
    randomObjectChange(rnd, tx)
    return
  }
  const roll = rnd()
  if (roll < 0.3) tx.put('accessKeys', ...withId(randomKey(rnd)))
  else if (roll < 0.45) tx.remove('accessKeys', `k${Math.floor(rnd() * 40)}`)
  else if (roll < 0.6) tx.put('users', ...withId(randomUser(rnd)))
  else if (roll < 0.65) tx.remove('users', pick(rnd, USER_IDS))
  else if (roll < 0.75) tx.put('buckets', ...withId(randomBucket(rnd)))
  else if (roll < 0.8) tx.remove('buckets', pick(rnd, BUCKET_IDS))
  else if (roll < 0.9) tx.put('policies', ...withId(randomPolicy(rnd)))
  else tx.remove('policies', pick(rnd, POLICY_IDS))
}

const withId = <E extends { id: string }>(entity: E): [string, E] => [entity.id, entity]
const ids = (items: readonly { id: string }[]) => items.map((i) => i.id).sort()

/** Every indexed lookup beside the same question answered by scanning the whole state. */
function lookups(state: Readonly<State>) {
  const keys = Object.values(state.accessKeys)
  const users = Object.values(state.users)
  const buckets = Object.values(state.buckets)
  const policies = Object.values(state.policies)
  const bySerial = (xs: AccessKey[]) => xs.sort((a, b) => a.serial - b.serial).map((k) => k.id)
  const pairs: [string, unknown, unknown][] = []
  for (const namespace of NAMESPACES) {
    for (const accountId of ACCOUNTS) {
      for (const userId of [undefined, null, ...USER_IDS]) {
        for (const bucketId of [undefined, null, ...BUCKET_IDS]) {
          const filter = { namespace, accountId, userId, bucketId }
          const scanned = keys.filter(
            (k) =>
              k.namespace === namespace &&
              k.accountId === accountId &&
              (userId === undefined || k.userId === userId) &&
              (bucketId === undefined || (k.bucketId ?? null) === bucketId),
          )
          pairs.push([
            `keys ${JSON.stringify(filter)}`,
            keysMatching(state, filter).map((k) => k.id),
            bySerial(scanned),
          ])
        }
      }
      for (const secret of SECRETS) {
        const matching = keys.filter((k) => k.namespace === namespace && k.secret === secret)
        pairs.push(oneOf(`secret ${namespace} ${secret}`, keyWithSecret(state, namespace, secret), matching))
      }
    }
  }
  for (const accountId of ACCOUNTS) {
    pairs.push([
      `users of ${accountId}`,
      ids(usersOf(state, accountId)),
      ids(users.filter((u) => u.accountId === accountId)),
    ])
    pairs.push([
      `buckets of ${accountId}`,
      ids(bucketsOf(state, accountId)),
      ids(buckets.filter((b) => b.accountId === accountId)),
    ])
    pairs.push([
      `policies of ${accountId}`,
      ids(policiesOf(state, accountId)),
      ids(policies.filter((p) => p.accountId === accountId)),
    ])
    for (const name of NAMES) {
      const same = (n: string) => n.toLowerCase() === name.toLowerCase()
      const mine = <T extends { accountId: string; name: string }>(xs: T[]) =>
        xs.filter((x) => x.accountId === accountId && same(x.name))
      pairs.push(oneOf(`user ${accountId} ${name}`, userNamed(state, accountId, name), mine(users)))
      pairs.push(oneOf(`policy ${accountId} ${name}`, policyNamed(state, accountId, name), mine(policies)))
    }
  }
  for (const name of NAMES) {
    pairs.push([`buckets named ${name}`, ids(bucketsNamed(state, name)), ids(buckets.filter((b) => b.name === name))])
  }
  for (const userId of USER_IDS) {
    pairs.push([
      `keys of user ${userId}`,
      keyCountOfUser(state, userId),
      keys.filter((k) => k.userId === userId).length,
    ])
  }
  for (const bucketId of BUCKET_IDS) {
    pairs.push([
      `keys in ${bucketId}`,
      ids(keysOfBucket(state, bucketId)),
      ids(keys.filter((k) => k.bucketId === bucketId)),
    ])
  }
  const objects = Object.values(state.objects)
  for (const bucketId of BUCKET_IDS) {
    pairs.push([
      `object keys of ${bucketId}`,
      [...objectKeysOf(state, bucketId)],
      objects
        .filter((o) => o.bucketId === bucketId)
        .map((o) => o.key)
        .sort(compareKeys),
    ])
    pairs.push([
      `uploads in ${bucketId}`,
      ids(uploadsOf(state, bucketId)),
      ids(Object.values(state.uploads).filter((u) => u.bucketId === bucketId)),
    ])
  }
  for (const uploadId of UPLOAD_IDS) {
    const numbers = (parts: UploadedPart[]) => parts.map((p) => p.number).sort()
    pairs.push([
      `parts of ${uploadId}`,
      numbers(partsOf(state, uploadId)),
      numbers(Object.values(state.parts).filter((p) => p.uploadId === uploadId)),
    ])
  }
  const referred = new Set([
    ...objects.flatMap((o) => o.body.map((s) => s.blob)),
    ...Object.values(state.parts).map((p) => p.blob),
  ])
  pairs.push(['blobs referred to', [...blobsOf(state)].sort(), [...referred].sort()])
  for (const policyId of POLICY_IDS) {
    const withPolicy = (xs: { policyIds?: string[] }[]) => xs.filter((x) => x.policyIds?.includes(policyId)).length
    pairs.push([`keys with ${policyId}`, keyCountOfPolicy(state, policyId), withPolicy(keys)])
    pairs.push([
      `users with ${policyId}`,
      userCountOfPolicy(state, policyId),
      users.filter((u) => u.attachedPolicyIds.includes(policyId)).length,
    ])
  }
  return pairs
}

/** A lookup of one entity agrees with a scan when it finds one of the scan's matches, or none when there are none. */
function oneOf<T>(what: string, found: T | undefined, scanned: T[]): [string, unknown, unknown] {
  return [what, found !== undefined && scanned.includes(found), scanned.length > 0]
}

function expectIndexesAgreeWithScans(state: Readonly<State>, step: string): void {
  for (const [what, indexed, scanned] of lookups(state)) expect(indexed, `${step}: ${what}`).toEqual(scanned)
}

describe('state indexes', () => {
  test.each([1, 2, 3, 4, 5])(
    'agree with a scan of the whole state after random puts, removes, rollbacks and replaces (seed %i)',
    async (seed) => {
      const rnd = prng(seed)
      const store = await openStore()
      const saved: State[] = []
      for (let step = 0; step < 200; step++) {
        const roll = rnd()
        if (roll < 0.7) {
          await store.update((tx) => {
            for (let i = Math.floor(rnd() * 4); i >= 0; i--) randomChange(rnd, tx)
          })
        } else if (roll < 0.9) {
          await expect(
            store.update((tx) => {
              for (let i = Math.floor(rnd() * 6); i >= 0; i--) randomChange(rnd, tx)
              throw new Error('rolled back')
            }),
          ).rejects.toThrow('rolled back')
        } else if (roll < 0.95 || saved.length === 0) {
          saved.push(store.snapshot())
        } else {
          await store.replace(pick(rnd, saved))
        }
        store.read((state) => expectIndexesAgreeWithScans(state, `seed ${seed} step ${step}`))
      }
    },
  )
})
