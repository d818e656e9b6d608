import { bucketHasContents, removeBucketContents } from './bucket-contents.js'
import { type CoreContext, nowIso, requireAccount } from './context.js'
import { EmulatorError, echo } from './errors.js'
import { bucketCountOf, bucketsNamed, bucketsOf, keysOfBucket } from './indexes.js'
import type { Bucket, State, Tag } from './model.js'
import { sandboxOf } from './sandboxes.js'
import type { Transaction } from './store.js'

export interface NewBucket {
  accountId: string
  name: string
  region: string
  tags?: Tag[]
  settings?: Record<string, unknown>
  /** Whether a name must be unique among all buckets (of the sandbox), or only within its region. */
  uniqueIn: 'everywhere' | 'region'
  /** The most buckets one account may hold. */
  maxBuckets?: number
}

export interface BucketQuery {
  accountId: string
  name: string
  region?: string
}

/** @example const buckets = bucketOps(ctx); await buckets.createBucket({ accountId, name, region, uniqueIn: 'region' }) */
export function bucketOps(ctx: CoreContext) {
  return {
    async createBucket(input: NewBucket): Promise<Bucket> {
      return ctx.store.update((tx) => structuredClone(insertBucket(ctx, tx, input)))
    },

    // Reads answer the stored (frozen) buckets themselves: read them, never change them.
    getBucket(query: BucketQuery): Readonly<Bucket> {
      return ctx.store.read((state) => requireBucket(state, query))
    },

    findBucket(query: BucketQuery): Readonly<Bucket> | undefined {
      return ctx.store.read((state) => findBucket(state, query))
    },

    /**
     * Every bucket of this name, of any account; with `seenBy`, only those of that account's sandbox (a
     * caller never learns of another sandbox's buckets). Whose it is decides how a data-plane call is refused.
     */
    listBucketsNamed(name: string, seenBy?: string): Readonly<Bucket>[] {
      return ctx.store.read((state) => {
        const sandbox = seenBy === undefined ? undefined : sandboxOf(state, seenBy)
        return bucketsNamed(state, name).filter(
          (b) => seenBy === undefined || sandboxOf(state, b.accountId) === sandbox,
        )
      })
    },

    /** Buckets of the account (of one region when given), oldest first. */
    listBuckets(accountId: string, region?: string): Readonly<Bucket>[] {
      return ctx.store.read((state) =>
        bucketsOf(state, accountId)
          .filter((b) => region === undefined || b.region === region)
          .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name)),
      )
    },

    /** Merge `settings` into the bucket's settings (and replace its tags when given). */
    async updateBucket(
      query: BucketQuery,
      change: { settings?: Record<string, unknown>; tags?: Tag[] },
    ): Promise<Bucket> {
      return ctx.store.update(({ state, put }) => {
        const current = requireBucket(state, query)
        const bucket = {
          ...current,
          settings: { ...current.settings, ...structuredClone(change.settings ?? {}) },
          ...(change.tags && { tags: structuredClone(change.tags) }),
        }
        put('buckets', bucket.id, bucket)
        return structuredClone(bucket)
      })
    },

    /**
     * Refused while objects, multipart uploads (InUse, reason 'not-empty') or keys (InUse) belong to
     * the bucket, unless `force`, which deletes them with it.
     */
    async deleteBucket(query: BucketQuery, options: { force?: boolean } = {}): Promise<Bucket> {
      const deleted = await ctx.store.update((tx) => {
        const bucket = requireBucket(tx.state, query)
        if (!options.force && bucketHasContents(tx.state, bucket.id)) {
          throw new EmulatorError('InUse', `The bucket ${bucket.name} is not empty; delete its objects first.`, {
            entity: 'bucket',
            reason: 'not-empty',
          })
        }
        const keys = keysOfBucket(tx.state, bucket.id)
        if (keys.length > 0 && !options.force) {
          throw new EmulatorError('InUse', `The bucket ${bucket.name} still has access keys; delete them first.`, {
            entity: 'bucket',
          })
        }
        removeBucketContents(tx, bucket.id)
        for (const key of keys) tx.remove('accessKeys', key.id)
        tx.remove('buckets', bucket.id)
        return structuredClone(bucket)
      })
      await ctx.bodies.collect()
      return deleted
    },
  }
}

/**
 * Create a bucket inside a larger change (an account provisioned with its first bucket).
 *
 * @example ctx.store.update((tx) => insertBucket(ctx, tx, { accountId, name, region, uniqueIn: 'everywhere' }))
 */
export function insertBucket(ctx: CoreContext, { state, put }: Transaction, input: NewBucket): Bucket {
  const account = requireAccount(state, input.accountId)
  if (!account.regions.some((r) => r.id === input.region)) {
    throw new EmulatorError('InvalidInput', `Region ${echo(input.region)} does not exist.`, { field: 'region' })
  }
  // Names are unique among the buckets of the account's sandbox (or of the emulator's own accounts):
  // a bucket of another sandbox neither collides nor shows that it exists.
  const sandbox = sandboxOf(state, input.accountId)
  const taken = bucketsNamed(state, input.name).some(
    (b) => (input.uniqueIn === 'everywhere' || b.region === input.region) && sandboxOf(state, b.accountId) === sandbox,
  )
  if (taken) {
    throw new EmulatorError('AlreadyExists', `A bucket named ${echo(input.name)} already exists.`, { entity: 'bucket' })
  }
  if (input.maxBuckets !== undefined && bucketCountOf(state, input.accountId) >= input.maxBuckets) {
    throw new EmulatorError('LimitExceeded', `Cannot exceed quota for buckets: ${input.maxBuckets}`)
  }
  const bucket: Bucket = {
    id: ctx.ids.uuid(),
    accountId: input.accountId,
    name: input.name,
    region: input.region,
    createdAt: nowIso(ctx),
    tags: input.tags ?? [],
    settings: structuredClone(input.settings ?? {}),
  }
  put('buckets', bucket.id, bucket)
  return bucket
}

export function findBucket(state: Readonly<State>, query: BucketQuery): Bucket | undefined {
  return bucketsNamed(state, query.name).find(
    (b) => b.accountId === query.accountId && (!query.region || b.region === query.region),
  )
}

export function requireBucket(state: Readonly<State>, query: BucketQuery): Bucket {
  const bucket = findBucket(state, query)
  if (!bucket) {
    throw new EmulatorError('NotFound', `The bucket ${echo(query.name)} does not exist.`, {
      entity: 'bucket',
      name: query.name,
    })
  }
  return bucket
}
