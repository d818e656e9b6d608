import { SortedKeys } from './key-order.js'
import type {
  AccessKey,
  Account,
  ApiToken,
  Bucket,
  ManagedPolicy,
  MultipartUpload,
  State,
  StoredObject,
  UploadedPart,
  User,
} from './model.js'

// What requests look entities up by, so that a lookup costs the same with 100 or 100,000 stored
// entities. The store keeps them: every put and remove of a transaction (and its undo) passes
// through `change`, and a replaced or loaded state gets indexes built afresh.

type Indexed = 'accessKeys' | 'users' | 'buckets' | 'policies' | 'accounts' | 'tokens' | 'uploads' | 'parts'
type EntityIn = {
  accessKeys: AccessKey
  users: User
  buckets: Bucket
  policies: ManagedPolicy
  accounts: Account
  tokens: ApiToken
  uploads: MultipartUpload
  parts: UploadedPart
}

// A group name is a JSON array, so that no id or name a client chose can make two groups collide.
const group = (...parts: (string | null)[]) => JSON.stringify(parts)

/**
 * The groups an entity belongs to, by collection, and the fields they are made of: a change that
 * leaves those fields as they were (a key's last use, a status) leaves the indexes as they are.
 */
const indexing: {
  [C in Indexed]: { fields: readonly (keyof EntityIn[C])[]; groups: (entity: EntityIn[C]) => string[] }
} = {
  accessKeys: {
    fields: ['namespace', 'accountId', 'userId', 'bucketId', 'secret', 'policyIds'],
    groups: (k) => [
      group('account', k.namespace, k.accountId),
      group('owner', k.namespace, k.accountId, k.userId),
      group('bucket', k.namespace, k.accountId, k.bucketId ?? null),
      group('secret', k.namespace, k.secret),
      group('of-account', k.accountId),
      ...(k.userId !== null ? [group('user', k.userId)] : []),
      ...(k.bucketId !== undefined ? [group('in-bucket', k.bucketId)] : []),
      ...(k.policyIds ?? []).map((id) => group('policy', id)),
    ],
  },
  users: {
    fields: ['accountId', 'name', 'attachedPolicyIds'],
    groups: (u) => [
      group('account', u.accountId),
      group('name', u.accountId, u.name.toLowerCase()),
      ...u.attachedPolicyIds.map((id) => group('policy', id)),
    ],
  },
  buckets: { fields: ['accountId', 'name'], groups: (b) => [group('account', b.accountId), group('name', b.name)] },
  policies: {
    fields: ['accountId', 'name'],
    groups: (p) => [group('account', p.accountId), group('name', p.accountId, p.name.toLowerCase())],
  },
  accounts: { fields: ['sandbox'], groups: (a) => (a.sandbox === undefined ? [] : [group('sandbox', a.sandbox)]) },
  tokens: { fields: ['accountId'], groups: (t) => [group('account', t.accountId)] },
  uploads: { fields: ['bucketId'], groups: (u) => [group('bucket', u.bucketId)] },
  parts: { fields: ['uploadId'], groups: (p) => [group('upload', p.uploadId)] },
}

/** The fields the indexes of a collection are made of (for the test that keeps them true). */
export const indexedFields = (collection: Indexed): readonly string[] => indexing[collection].fields as string[]

/** The group names of an entity (for the test that keeps `indexedFields` true). */
export const groupsOf = <C extends Indexed>(collection: C, entity: EntityIn[C]): string[] =>
  indexing[collection].groups(entity)

const sameValue = (a: unknown, b: unknown): boolean =>
  a === b || (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => item === b[i]))

// Most groups hold one member (a key's secret, a user's name), so one is kept as its bare id; many
// hold a few (a user's two keys), kept as an array of exactly their size (a Set of two costs ~250
// bytes, four times as much); only a group past SMALL_GROUP members becomes a Set. Members are ids,
// looked up in the state's record when asked for, so replacing an entity without touching its indexed
// fields costs nothing.
type Members = string | readonly string[] | Set<string>
const SMALL_GROUP = 8

/** Groups of one collection: group name → the ids of its members. */
class Groups<E> {
  readonly #groups = new Map<string, Members>()

  constructor(
    readonly of: (entity: E) => string[],
    readonly fields: readonly string[],
    readonly record: Readonly<Record<string, E>>,
  ) {}

  add(id: string, entity: E): void {
    for (const name of this.of(entity)) {
      const members = this.#groups.get(name)
      if (members instanceof Set) members.add(id)
      else if (members === undefined || members === id) this.#groups.set(name, id)
      else if (typeof members === 'string') this.#groups.set(name, [members, id])
      else if (members.includes(id)) continue
      else this.#groups.set(name, members.length < SMALL_GROUP ? [...members, id] : new Set([...members, id]))
    }
  }

  delete(id: string, entity: E): void {
    for (const name of this.of(entity)) {
      const members = this.#groups.get(name)
      if (members === undefined) continue
      if (typeof members === 'string') {
        if (members === id) this.#groups.delete(name)
        continue
      }
      if (members instanceof Set) {
        if (members.delete(id) && members.size === 1) this.#groups.set(name, members.values().next().value as string)
        continue
      }
      const rest = members.filter((m) => m !== id)
      this.#groups.set(name, rest.length === 1 ? (rest[0] as string) : rest)
    }
  }

  /** Whether the two versions of an entity belong to the same groups. */
  same(before: E, after: E): boolean {
    return this.fields.every((field) =>
      sameValue((before as Record<string, unknown>)[field], (after as Record<string, unknown>)[field]),
    )
  }

  /** The members, in the order they joined (but for a group that was back to one member). */
  get(name: string): E[] {
    const members = this.#groups.get(name)
    if (members === undefined) return []
    if (typeof members === 'string') return [this.record[members] as E]
    const out: E[] = []
    for (const id of members) out.push(this.record[id] as E)
    return out
  }

  size(name: string): number {
    const members = this.#groups.get(name)
    if (members === undefined) return 0
    return typeof members === 'string' ? 1 : members instanceof Set ? members.size : members.length
  }
}

const groupsFor = <C extends Indexed>(state: Readonly<State>, collection: C): Groups<EntityIn[C]> =>
  new Groups(
    indexing[collection].groups as (entity: EntityIn[C]) => string[],
    indexing[collection].fields as readonly string[],
    state[collection] as Readonly<Record<string, EntityIn[C]>>,
  )

/** The indexes of one state. Members are ids of the state's own records. */
export class Indexes {
  readonly accessKeys: Groups<AccessKey>
  readonly users: Groups<User>
  readonly buckets: Groups<Bucket>
  readonly policies: Groups<ManagedPolicy>
  readonly accounts: Groups<Account>
  readonly tokens: Groups<ApiToken>
  readonly uploads: Groups<MultipartUpload>
  readonly parts: Groups<UploadedPart>
  /** Keys of each bucket's objects, sorted for listing. */
  readonly objectKeys = new Map<string, SortedKeys>()
  /** How many objects and parts refer to each blob (copies share blobs). */
  readonly blobRefs = new Map<string, number>()
  /** Blobs whose last reference went since the last `takeReleased`: candidates for freeing. */
  readonly #released = new Set<string>()

  constructor(state: Readonly<State>) {
    this.accessKeys = groupsFor(state, 'accessKeys')
    this.users = groupsFor(state, 'users')
    this.buckets = groupsFor(state, 'buckets')
    this.policies = groupsFor(state, 'policies')
    this.accounts = groupsFor(state, 'accounts')
    this.tokens = groupsFor(state, 'tokens')
    this.uploads = groupsFor(state, 'uploads')
    this.parts = groupsFor(state, 'parts')
    for (const collection of indexed) {
      const groups = this[collection] as Groups<unknown>
      for (const [id, entity] of Object.entries(state[collection])) groups.add(id, entity)
    }
    const keys = new Map<string, string[]>()
    for (const object of Object.values(state.objects)) {
      const of = keys.get(object.bucketId)
      if (of) of.push(object.key)
      else keys.set(object.bucketId, [object.key])
      this.#refer(object, 1)
    }
    for (const [bucketId, of] of keys) this.objectKeys.set(bucketId, SortedKeys.of(of))
    for (const part of Object.values(state.parts)) this.#refer(part, 1)
  }

  /** Record that the entity under `id` went from `before` to `after` (undefined: absent). */
  change(collection: string, id: string, before: unknown, after: unknown): void {
    if (collection === 'objects')
      this.#objectChange(before as StoredObject | undefined, after as StoredObject | undefined)
    if (collection === 'parts' || collection === 'objects') {
      if (after !== undefined) this.#refer(after as StoredObject | UploadedPart, 1)
      if (before !== undefined) this.#refer(before as StoredObject | UploadedPart, -1)
    }
    if (!isIndexed(collection)) return
    const groups = this[collection] as Groups<unknown>
    if (before !== undefined && after !== undefined && groups.same(before, after)) return
    if (before !== undefined) groups.delete(id, before)
    if (after !== undefined) groups.add(id, after)
  }

  /** The blobs released since the last call; the caller frees those still unreferenced. */
  takeReleased(): string[] {
    const out = [...this.#released]
    this.#released.clear()
    return out
  }

  #objectChange(before: StoredObject | undefined, after: StoredObject | undefined): void {
    if (before && !after) {
      const keys = this.objectKeys.get(before.bucketId)
      keys?.delete(before.key)
      if (keys?.size === 0) this.objectKeys.delete(before.bucketId)
    } else if (after && !before) {
      const keys = this.objectKeys.get(after.bucketId) ?? new SortedKeys()
      this.objectKeys.set(after.bucketId, keys)
      keys.add(after.key)
    }
  }

  #refer(holder: StoredObject | UploadedPart, by: 1 | -1): void {
    const blobs = 'body' in holder ? holder.body.map((s) => s.blob) : [holder.blob]
    for (const blob of blobs) {
      const count = (this.blobRefs.get(blob) ?? 0) + by
      if (count > 0) {
        this.blobRefs.set(blob, count)
        this.#released.delete(blob)
      } else {
        this.blobRefs.delete(blob)
        this.#released.add(blob)
      }
    }
  }
}

const indexed: readonly Indexed[] = [
  'accessKeys',
  'users',
  'buckets',
  'policies',
  'accounts',
  'tokens',
  'uploads',
  'parts',
]
const isIndexed = (collection: string): collection is Indexed => (indexed as readonly string[]).includes(collection)

const byState = new WeakMap<object, Indexes>()

/** Make `indexes` the ones lookups in `state` use (the store does this for the state it holds). */
export function attachIndexes(state: Readonly<State>, indexes: Indexes): void {
  byState.set(state, indexes)
}

/**
 * The indexes of a state. A store's state has them kept up to date; any other state (a snapshot)
 * gets them built on first use, and must not be changed after.
 *
 * @example indexesOf(state).users.get(...)
 */
export function indexesOf(state: Readonly<State>): Indexes {
  const known = byState.get(state)
  if (known) return known
  const indexes = new Indexes(state)
  byState.set(state, indexes)
  return indexes
}

/** Keys of a namespace and account, of one owner (`null`: the root) or of one bucket when given. */
export function keysIn(
  state: Readonly<State>,
  namespace: string,
  accountId: string,
  by?: { userId: string | null } | { bucketId: string | null },
): AccessKey[] {
  const keys = indexesOf(state).accessKeys
  if (!by) return keys.get(group('account', namespace, accountId))
  if ('userId' in by) return keys.get(group('owner', namespace, accountId, by.userId))
  return keys.get(group('bucket', namespace, accountId, by.bucketId))
}

/** The key of a namespace with this secret. */
export function keyWithSecret(state: Readonly<State>, namespace: string, secret: string): AccessKey | undefined {
  return indexesOf(state).accessKeys.get(group('secret', namespace, secret))[0]
}

/** How many keys, of any namespace, belong to the user. */
export const keyCountOfUser = (state: Readonly<State>, userId: string): number =>
  indexesOf(state).accessKeys.size(group('user', userId))

/** Keys, of any namespace, that belong to the bucket. */
export const keysOfBucket = (state: Readonly<State>, bucketId: string): AccessKey[] =>
  indexesOf(state).accessKeys.get(group('in-bucket', bucketId))

/** How many keys carry the managed policy. */
export const keyCountOfPolicy = (state: Readonly<State>, policyId: string): number =>
  indexesOf(state).accessKeys.size(group('policy', policyId))

/** Users of the account. */
export const usersOf = (state: Readonly<State>, accountId: string): User[] =>
  indexesOf(state).users.get(group('account', accountId))

/** How many users the account has. */
export const userCountOf = (state: Readonly<State>, accountId: string): number =>
  indexesOf(state).users.size(group('account', accountId))

/** The user of the account with this name, regardless of case. */
export const userNamed = (state: Readonly<State>, accountId: string, name: string): User | undefined =>
  indexesOf(state).users.get(group('name', accountId, name.toLowerCase()))[0]

/** How many users the managed policy is attached to. */
export const userCountOfPolicy = (state: Readonly<State>, policyId: string): number =>
  indexesOf(state).users.size(group('policy', policyId))

/** Buckets of the account. */
export const bucketsOf = (state: Readonly<State>, accountId: string): Bucket[] =>
  indexesOf(state).buckets.get(group('account', accountId))

/** Buckets of any account with this name (one per region at most). */
export const bucketsNamed = (state: Readonly<State>, name: string): Bucket[] =>
  indexesOf(state).buckets.get(group('name', name))

/** How many buckets the account has. */
export const bucketCountOf = (state: Readonly<State>, accountId: string): number =>
  indexesOf(state).buckets.size(group('account', accountId))

/** Managed policies of the account. */
export const policiesOf = (state: Readonly<State>, accountId: string): ManagedPolicy[] =>
  indexesOf(state).policies.get(group('account', accountId))

/** The managed policy of the account with this name, regardless of case. */
export const policyNamed = (state: Readonly<State>, accountId: string, name: string): ManagedPolicy | undefined =>
  indexesOf(state).policies.get(group('name', accountId, name.toLowerCase()))[0]

/** Keys of the account, of every namespace. */
export const keysOfAccount = (state: Readonly<State>, accountId: string): AccessKey[] =>
  indexesOf(state).accessKeys.get(group('of-account', accountId))

/** Bearer tokens of the account. */
export const tokensOf = (state: Readonly<State>, accountId: string): ApiToken[] =>
  indexesOf(state).tokens.get(group('account', accountId))

/** Accounts of the sandbox. */
export const accountsInSandbox = (state: Readonly<State>, sandboxId: string): Account[] =>
  indexesOf(state).accounts.get(group('sandbox', sandboxId))
const NO_KEYS: readonly string[] = []

/** Keys of the bucket's objects, in UTF-8 binary order (the index's own array: do not change it). */
export const objectKeysOf = (state: Readonly<State>, bucketId: string): readonly string[] =>
  indexesOf(state).objectKeys.get(bucketId)?.keys ?? NO_KEYS

/** Multipart uploads in progress in the bucket. */
export const uploadsOf = (state: Readonly<State>, bucketId: string): MultipartUpload[] =>
  indexesOf(state).uploads.get(group('bucket', bucketId))

/** How many multipart uploads are in progress in the bucket. */
export const uploadCountOf = (state: Readonly<State>, bucketId: string): number =>
  indexesOf(state).uploads.size(group('bucket', bucketId))

/** Parts uploaded so far to the upload, in no particular order. */
export const partsOf = (state: Readonly<State>, uploadId: string): UploadedPart[] =>
  indexesOf(state).parts.get(group('upload', uploadId))

/** Whether any object or part of the state refers to the blob. */
export const refersToBlob = (state: Readonly<State>, blob: string): boolean => indexesOf(state).blobRefs.has(blob)

/** Every blob the state refers to. */
export const blobsOf = (state: Readonly<State>): Iterable<string> => indexesOf(state).blobRefs.keys()
