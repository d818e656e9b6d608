import type { BodyLimits, WrittenBody } from './bodies.js'
import { type BucketQuery, requireBucket } from './buckets.js'
import { type CoreContext, nowIso } from './context.js'
import { EmulatorError, echo } from './errors.js'
import { objectKeysOf } from './indexes.js'
import { lowerBound, pastPrefix, upperBound } from './key-order.js'
import { type Checksums, type ObjectHeaders, objectId, type State, type StoredObject } from './model.js'
import {
  type ByteRange,
  type Conditions,
  checkConditions,
  checkKey,
  MAX_BODY_BYTES,
  resolveRange,
  userMetadata,
} from './object-rules.js'
import { entry, type Transaction } from './store.js'

/** An object by bucket and key. */
export interface ObjectRef {
  bucket: BucketQuery
  key: string
}

/** What a write may be conditional on: `ifNoneMatch: '*'` refuses to replace an existing object. */
export interface WriteConditions {
  ifNoneMatch?: '*' | undefined
  ifMatch?: string | undefined
}

export interface NewObject extends ObjectRef, WriteConditions {
  body: AsyncIterable<Uint8Array>
  /** The size the sender declared (Content-Length or the decoded length). */
  expectedSize?: number | undefined
  /** Base64 MD5 the sender declared (Content-MD5). */
  contentMd5?: string | undefined
  headers?: ObjectHeaders | undefined
  /** User metadata; names are lowercased. */
  metadata?: Record<string, string> | undefined
  /**
   * Checksums to store with the object (verified by the caller); a function is called once the body
   * has been read whole, for checksums that arrive after it (a trailer). If it throws, nothing is stored.
   */
  checksums?: Checksums | (() => Checksums | Promise<Checksums>) | undefined
}

export interface ReadQuery extends ObjectRef {
  conditions?: Conditions | undefined
  range?: ByteRange | undefined
  /** Read one part of a multipart object (1 for any other object). */
  partNumber?: number | undefined
}

export interface ObjectRead {
  /** The stored object itself: read it, never change it. */
  object: Readonly<StoredObject>
  /** The bytes answered, inclusive, when a range or part was asked for. */
  range?: { start: number; end: number }
  /** The bytes; consume it or call `return()` on it, or the blobs it reads stay held. */
  body: AsyncIterableIterator<Uint8Array>
}

export interface ListQuery {
  bucket: BucketQuery
  prefix?: string | undefined
  delimiter?: string | undefined
  startAfter?: string | undefined
  continuationToken?: string | undefined
  /** Default and most: 1000. */
  maxKeys?: number | undefined
}

export interface ObjectListing {
  objects: StoredObject[]
  commonPrefixes: string[]
  isTruncated: boolean
  nextContinuationToken?: string
}

export interface CopyInput extends WriteConditions {
  source: ObjectRef
  target: ObjectRef
  /** Conditions on the source (x-amz-copy-source-if-*): a failing one is PreconditionFailed. */
  sourceConditions?: Conditions | undefined
  /** COPY (the default) keeps the source's headers and metadata; REPLACE takes the ones given. */
  metadataDirective?: 'COPY' | 'REPLACE' | undefined
  headers?: ObjectHeaders | undefined
  metadata?: Record<string, string> | undefined
}

export const MAX_LIST_KEYS = 1000
/** The most keys one DeleteObjects call names. */
export const MAX_DELETE_KEYS = 1000

/** @example const objects = objectOps(ctx); await objects.putObject({ bucket, key: 'a.txt', body: [bytes] }) */
export function objectOps(ctx: CoreContext) {
  const read = <T>(fn: (state: Readonly<State>) => T) => ctx.store.read(fn)

  return {
    /** Store an object (replacing one with its key), once its bytes are durable. */
    async putObject(input: NewObject): Promise<StoredObject> {
      checkKey(input.key)
      const metadata = userMetadata(input.metadata)
      // Refused before any byte is read when it can be.
      read((state) => checkWrite(state, input.bucket, input.key, input))
      return writeObject(ctx, input, { maxSize: MAX_BODY_BYTES, ...limitsOf(input) }, (written, checksums) => ({
        key: input.key,
        size: written.size,
        etag: `"${written.md5.toString('hex')}"`,
        headers: { ...input.headers },
        metadata,
        checksums,
        body: [{ blob: written.blob, size: written.size }],
      }))
    },

    /** An object's metadata (HeadObject); conditions and part number as for a read. The stored object itself: never change it. */
    headObject(query: ReadQuery): Readonly<StoredObject> {
      return read((state) => {
        const object = requireObject(state, query)
        checkConditions(object, query.conditions ?? {}, 'read')
        if (query.partNumber !== undefined) partRange(object, query.partNumber)
        return object
      })
    },

    /** An object's metadata and bytes (GetObject), whole or a range or one part. */
    readObject(query: ReadQuery): ObjectRead {
      return read((state) => {
        const object = requireObject(state, query)
        checkConditions(object, query.conditions ?? {}, 'read')
        const range =
          query.partNumber !== undefined
            ? partRange(object, query.partNumber)
            : query.range && resolveRange(query.range, object.size)
        const { start, end } = range ?? { start: 0, end: object.size - 1 }
        const body = ctx.bodies.read(object.body, start, end)
        return { object, ...(range && { range }), body }
      })
    },

    /** Delete an object; deleting one that is not there is no error. */
    async deleteObject(ref: ObjectRef): Promise<{ deleted: boolean }> {
      const deleted = await ctx.store.update(({ state, remove }) => {
        const bucket = requireBucket(state, ref.bucket)
        const id = objectId(bucket.id, ref.key)
        const existed = entry(state.objects, id) !== undefined
        remove('objects', id)
        return existed
      })
      await collectBodies(ctx)
      return { deleted }
    },

    /** Delete up to 1000 objects at once (DeleteObjects); keys not there count as deleted. */
    async deleteObjects(input: { bucket: BucketQuery; keys: string[] }): Promise<{ deleted: string[] }> {
      if (input.keys.length > MAX_DELETE_KEYS) {
        throw new EmulatorError('InvalidInput', `At most ${MAX_DELETE_KEYS} keys may be deleted at once.`, {
          field: 'keys',
          reason: 'too-many-keys',
        })
      }
      await ctx.store.update(({ state, remove }) => {
        const bucket = requireBucket(state, input.bucket)
        for (const key of input.keys) remove('objects', objectId(bucket.id, key))
      })
      await collectBodies(ctx)
      return { deleted: [...input.keys] }
    },

    /** One page of a bucket's objects in UTF-8 binary key order (ListObjectsV2). */
    listObjects(query: ListQuery): ObjectListing {
      return read((state) => listObjects(state, query))
    },

    /** Copy an object within or between buckets; the bytes are shared, not duplicated. */
    async copyObject(input: CopyInput): Promise<StoredObject> {
      checkKey(input.target.key)
      const replace = input.metadataDirective === 'REPLACE'
      const metadata = replace ? userMetadata(input.metadata) : undefined
      const copy = await ctx.store.update((tx) => {
        const source = requireObject(tx.state, input.source)
        checkConditions(source, input.sourceConditions ?? {}, 'copy-source')
        const bucket = checkWrite(tx.state, input.target.bucket, input.target.key, input)
        if (source.bucketId === bucket.id && source.key === input.target.key && !replace) {
          throw new EmulatorError(
            'InvalidInput',
            "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata.",
            { reason: 'copy-to-itself' },
          )
        }
        return storeObject(tx, {
          ...source,
          bucketId: bucket.id,
          key: input.target.key,
          lastModified: nowIso(ctx),
          ...(replace && { headers: { ...input.headers }, metadata }),
        })
      })
      await collectBodies(ctx)
      return copy
    },
  }
}

/** The object, or NotFound naming it (entity 'object'); NotFound entity 'bucket' when the bucket is missing. */
export function requireObject(state: Readonly<State>, ref: ObjectRef): StoredObject {
  const bucket = requireBucket(state, ref.bucket)
  const object = entry(state.objects, objectId(bucket.id, ref.key))
  if (!object) {
    throw new EmulatorError('NotFound', `The key ${echo(ref.key)} does not exist.`, { entity: 'object', name: ref.key })
  }
  return object
}

/** The bucket a write goes to, once the write's conditions hold against what is there now. */
export function checkWrite(state: Readonly<State>, bucketQuery: BucketQuery, key: string, c: WriteConditions) {
  const bucket = requireBucket(state, bucketQuery)
  const existing = entry(state.objects, objectId(bucket.id, key))
  if (c.ifNoneMatch === '*' && existing) {
    throw new EmulatorError(
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold: If-None-Match.',
      {
        condition: 'If-None-Match',
      },
    )
  }
  if (c.ifMatch !== undefined) {
    if (!existing) {
      throw new EmulatorError('NotFound', `The key ${echo(key)} does not exist.`, { entity: 'object', name: key })
    }
    checkConditions(existing, { ifMatch: c.ifMatch }, 'copy-source')
  }
  return bucket
}

/** Put an object in place inside a transaction; what it replaces is freed once the change commits. */
export function storeObject({ put }: Transaction, object: StoredObject): StoredObject {
  put('objects', objectId(object.bucketId, object.key), object)
  return structuredClone(object)
}

/**
 * Write a body, then commit the object `make` describes in one transaction (checking the bucket and
 * the write's conditions again, as they stand then). Nothing stays behind when either step fails.
 */
export async function writeObject(
  ctx: CoreContext,
  input: NewObject,
  limits: BodyLimits,
  make: (written: WrittenBody, checksums: Checksums) => Omit<StoredObject, 'bucketId' | 'lastModified'>,
): Promise<StoredObject> {
  await collectBodies(ctx)
  const written = await ctx.bodies.write(input.body, limits)
  try {
    const checksums = typeof input.checksums === 'function' ? await input.checksums() : { ...input.checksums }
    return await ctx.store.update((tx) => {
      const bucket = checkWrite(tx.state, input.bucket, input.key, input)
      return storeObject(tx, { ...make(written, checksums), bucketId: bucket.id, lastModified: nowIso(ctx) })
    })
  } finally {
    await ctx.bodies.settle(written.blob)
    await collectBodies(ctx)
  }
}

/** Free the blobs the last changes let go of. */
export const collectBodies = (ctx: CoreContext): Promise<void> => ctx.bodies.collect()

const limitsOf = (input: NewObject) => ({ expectedSize: input.expectedSize, contentMd5: input.contentMd5 })

function partRange(object: StoredObject, partNumber: number): { start: number; end: number } {
  const count = object.parts ?? 1
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > count) {
    throw new EmulatorError('RangeNotSatisfiable', `The object has ${count} part(s); part ${partNumber} is not one.`, {
      size: object.size,
      reason: 'invalid-part-number',
    })
  }
  if (object.parts === undefined) return { start: 0, end: object.size - 1 }
  let start = 0
  for (const segment of object.body.slice(0, partNumber - 1)) start += segment.size
  return { start, end: start + (object.body[partNumber - 1]?.size ?? 0) - 1 }
}

// A continuation token names where the last page stopped: after a key, or past a common prefix.
type Resume = ['k' | 'p', string]

const encodeToken = (resume: Resume) => Buffer.from(JSON.stringify(resume), 'utf8').toString('base64url')

function decodeToken(token: string): Resume {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      (value[0] === 'k' || value[0] === 'p') &&
      typeof value[1] === 'string' &&
      encodeToken(value as Resume) === token
    ) {
      return value as Resume
    }
  } catch {
    // Refused below, like any other token we did not give.
  }
  throw new EmulatorError('InvalidInput', 'The continuation token provided is incorrect.', {
    field: 'continuation-token',
    reason: 'invalid-continuation-token',
  })
}

function listObjects(state: Readonly<State>, query: ListQuery): ObjectListing {
  const bucket = requireBucket(state, query.bucket)
  const maxKeys = Math.min(query.maxKeys ?? MAX_LIST_KEYS, MAX_LIST_KEYS)
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    throw new EmulatorError('InvalidInput', 'max-keys must be a whole number of 0 or more.', {
      field: 'max-keys',
      reason: 'invalid-max-keys',
    })
  }
  const keys = objectKeysOf(state, bucket.id)
  const prefix = query.prefix ?? ''
  const delimiter = query.delimiter || undefined
  let at = lowerBound(keys, prefix)
  if (query.continuationToken !== undefined) {
    const [kind, after] = decodeToken(query.continuationToken)
    at = Math.max(at, kind === 'k' ? upperBound(keys, after) : pastPrefix(keys, after))
  } else if (query.startAfter !== undefined) {
    at = Math.max(at, upperBound(keys, query.startAfter))
  }
  const objects: StoredObject[] = []
  const commonPrefixes: string[] = []
  let last: Resume | undefined
  const within = (i: number) => i < keys.length && (keys[i] as string).startsWith(prefix)
  while (objects.length + commonPrefixes.length < maxKeys && within(at)) {
    const key = keys[at] as string
    const cut = delimiter === undefined ? -1 : key.indexOf(delimiter, prefix.length)
    if (cut >= 0) {
      const common = key.slice(0, cut + (delimiter as string).length)
      commonPrefixes.push(common)
      last = ['p', common]
      at = pastPrefix(keys, common, at)
    } else {
      objects.push(entry(state.objects, objectId(bucket.id, key)) as StoredObject)
      last = ['k', key]
      at++
    }
  }
  const isTruncated = maxKeys > 0 && last !== undefined && within(at)
  return {
    objects,
    commonPrefixes,
    isTruncated,
    ...(isTruncated && last && { nextContinuationToken: encodeToken(last) }),
  }
}
