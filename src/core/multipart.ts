import { createHash } from 'node:crypto'
import type { BucketQuery } from './buckets.js'
import { requireBucket } from './buckets.js'
import { type CoreContext, nowIso } from './context.js'
import { EmulatorError, echo } from './errors.js'
import { partsOf, uploadsOf } from './indexes.js'
import { compareKeys } from './key-order.js'
import {
  type Checksums,
  type MultipartUpload,
  type ObjectHeaders,
  partId,
  type State,
  type StoredObject,
  type UploadedPart,
} from './model.js'
import {
  type ByteRange,
  type Conditions,
  checkConditions,
  checkKey,
  MAX_BODY_BYTES,
  resolveRange,
  sameEtag,
  userMetadata,
} from './object-rules.js'
import {
  checkWrite,
  collectBodies,
  type ObjectRef,
  requireObject,
  storeObject,
  type WriteConditions,
} from './objects.js'
import { entry } from './store.js'

/** Part numbers run from 1 to this. */
export const MAX_PART_NUMBER = 10_000
/** Every part but the last must be at least this large. */
export const MIN_PART_BYTES = 5 * 1024 * 1024
export const MAX_LIST_PARTS = 1000
export const MAX_LIST_UPLOADS = 1000

export interface NewUpload extends ObjectRef {
  headers?: ObjectHeaders | undefined
  metadata?: Record<string, string> | undefined
  checksumAlgorithm?: string | undefined
}

export interface UploadRef extends ObjectRef {
  uploadId: string
}

export interface NewPart extends UploadRef {
  partNumber: number
  body: AsyncIterable<Uint8Array>
  expectedSize?: number | undefined
  contentMd5?: string | undefined
  checksums?: Checksums | (() => Checksums | Promise<Checksums>) | undefined
}

export interface PartCopy extends UploadRef {
  partNumber: number
  source: ObjectRef
  /** Conditions on the source (x-amz-copy-source-if-*): a failing one is PreconditionFailed. */
  sourceConditions?: Conditions | undefined
  /** The bytes of the source to copy (x-amz-copy-source-range); all of it when absent. */
  range?: ByteRange | undefined
}

export interface PartListing {
  upload: MultipartUpload
  parts: UploadedPart[]
  isTruncated: boolean
  nextPartNumberMarker?: number
}

export interface UploadListing {
  uploads: MultipartUpload[]
  commonPrefixes: string[]
  isTruncated: boolean
  nextKeyMarker?: string
  nextUploadIdMarker?: string
}

export interface CompletedPart {
  partNumber: number
  etag: string
}

/** @example const mp = multipartOps(ctx); const { id } = await mp.createMultipartUpload({ bucket, key }) */
export function multipartOps(ctx: CoreContext) {
  // Write a part's body, then commit it, unless its upload went meanwhile.
  async function storePart(input: NewPart): Promise<UploadedPart> {
    await collectBodies(ctx)
    const written = await ctx.bodies.write(input.body, {
      maxSize: MAX_BODY_BYTES,
      expectedSize: input.expectedSize,
      contentMd5: input.contentMd5,
    })
    try {
      const checksums = typeof input.checksums === 'function' ? await input.checksums() : { ...input.checksums }
      return await ctx.store.update(({ state, put }) => {
        const upload = requireUpload(state, input)
        const part: UploadedPart = {
          uploadId: upload.id,
          number: input.partNumber,
          size: written.size,
          etag: `"${written.md5.toString('hex')}"`,
          lastModified: nowIso(ctx),
          checksums,
          blob: written.blob,
        }
        put('parts', partId(upload.id, part.number), part)
        return structuredClone(part)
      })
    } finally {
      await ctx.bodies.settle(written.blob)
      await collectBodies(ctx)
    }
  }

  return {
    async createMultipartUpload(input: NewUpload): Promise<MultipartUpload> {
      checkKey(input.key)
      const metadata = userMetadata(input.metadata)
      return ctx.store.update(({ state, put }) => {
        const bucket = requireBucket(state, input.bucket)
        const upload: MultipartUpload = {
          id: ctx.ids.token('', 64, 'base62'),
          bucketId: bucket.id,
          key: input.key,
          initiatedAt: nowIso(ctx),
          headers: { ...input.headers },
          metadata,
          ...(input.checksumAlgorithm !== undefined && { checksumAlgorithm: input.checksumAlgorithm }),
        }
        put('uploads', upload.id, upload)
        return structuredClone(upload)
      })
    },

    /** Store a part; a part sent again under its number replaces the earlier one. */
    async uploadPart(input: NewPart): Promise<UploadedPart> {
      checkPartNumber(input.partNumber)
      ctx.store.read((state) => requireUpload(state, input))
      return storePart(input)
    },

    /** Store a part copied from an object, whole or a range of it (UploadPartCopy). */
    async uploadPartCopy(input: PartCopy): Promise<UploadedPart> {
      checkPartNumber(input.partNumber)
      const body = ctx.store.read((state) => {
        requireUpload(state, input)
        const source = requireObject(state, input.source)
        checkConditions(source, input.sourceConditions ?? {}, 'copy-source')
        const { start, end } = input.range ? resolveRange(input.range, source.size) : { start: 0, end: source.size - 1 }
        return ctx.bodies.read(source.body, start, end)
      })
      try {
        return await storePart({ ...input, body })
      } finally {
        // Ends the read if the write stopped before the last byte.
        await body.return?.()
      }
    },

    /** Parts uploaded so far, by number, after `partNumberMarker` (ListParts). */
    listParts(
      query: UploadRef & { partNumberMarker?: number | undefined; maxParts?: number | undefined },
    ): PartListing {
      return ctx.store.read((state) => {
        const upload = requireUpload(state, query)
        const max = pageSize(query.maxParts, MAX_LIST_PARTS, 'max-parts')
        const after = query.partNumberMarker ?? 0
        const all = partsOf(state, upload.id)
          .filter((p) => p.number > after)
          .sort((a, b) => a.number - b.number)
        const parts = all.slice(0, max).map((p) => structuredClone(p))
        const isTruncated = all.length > max
        const last = parts[parts.length - 1]
        return {
          upload: structuredClone(upload),
          parts,
          isTruncated,
          ...(isTruncated && last && { nextPartNumberMarker: last.number }),
        }
      })
    },

    /** Uploads in progress in a bucket, by key then initiation (ListMultipartUploads). */
    listMultipartUploads(query: {
      bucket: BucketQuery
      prefix?: string | undefined
      delimiter?: string | undefined
      keyMarker?: string | undefined
      uploadIdMarker?: string | undefined
      maxUploads?: number | undefined
    }): UploadListing {
      return ctx.store.read((state) => listUploads(state, query))
    },

    /** Assemble the listed parts into the object, replacing any object with its key, and end the upload. */
    async completeMultipartUpload(
      input: UploadRef & WriteConditions & { parts: CompletedPart[] },
    ): Promise<StoredObject> {
      const object = await ctx.store.update((tx) => {
        const upload = requireUpload(tx.state, input)
        const bucket = checkWrite(tx.state, input.bucket, input.key, input)
        const chosen = chosenParts(tx.state, upload, input.parts)
        const digest = createHash('md5')
        for (const part of chosen) digest.update(Buffer.from(part.etag.replace(/"/g, ''), 'hex'))
        for (const part of partsOf(tx.state, upload.id)) tx.remove('parts', partId(upload.id, part.number))
        tx.remove('uploads', upload.id)
        return storeObject(tx, {
          bucketId: bucket.id,
          key: upload.key,
          size: chosen.reduce((n, p) => n + p.size, 0),
          etag: `"${digest.digest('hex')}-${chosen.length}"`,
          lastModified: nowIso(ctx),
          headers: upload.headers,
          metadata: upload.metadata,
          checksums: {},
          body: chosen.map((p) => ({ blob: p.blob, size: p.size })),
          parts: chosen.length,
        })
      })
      await collectBodies(ctx)
      return object
    },

    /** End an upload and free its parts. */
    async abortMultipartUpload(input: UploadRef): Promise<void> {
      await ctx.store.update(({ state, remove }) => {
        const upload = requireUpload(state, input)
        for (const part of partsOf(state, upload.id)) remove('parts', partId(upload.id, part.number))
        remove('uploads', upload.id)
      })
      await collectBodies(ctx)
    },
  }
}

/** The upload, or NotFound (entity 'upload') when it is not one of this bucket and key. */
export function requireUpload(state: Readonly<State>, ref: UploadRef): MultipartUpload {
  const bucket = requireBucket(state, ref.bucket)
  const upload = entry(state.uploads, ref.uploadId)
  if (!upload || upload.bucketId !== bucket.id || upload.key !== ref.key) {
    throw new EmulatorError(
      'NotFound',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      { entity: 'upload', name: ref.uploadId },
    )
  }
  return upload
}

function checkPartNumber(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_PART_NUMBER) {
    throw new EmulatorError(
      'InvalidInput',
      `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive.`,
      {
        field: 'partNumber',
        reason: 'invalid-part-number',
      },
    )
  }
}

function pageSize(given: number | undefined, most: number, field: string): number {
  const size = Math.min(given ?? most, most)
  if (!Number.isInteger(size) || size < 0) {
    throw new EmulatorError('InvalidInput', `${field} must be a whole number of 0 or more.`, {
      field,
      reason: 'invalid-page-size',
    })
  }
  return size
}

// The parts a Complete names, checked as S3 checks them: ascending, each uploaded with that ETag, all
// but the last at least 5 MiB.
function chosenParts(state: Readonly<State>, upload: MultipartUpload, listed: CompletedPart[]): UploadedPart[] {
  if (listed.length === 0) {
    throw new EmulatorError('InvalidInput', 'You must specify at least one part.', {
      field: 'parts',
      reason: 'no-parts',
    })
  }
  const chosen: UploadedPart[] = []
  let previous = 0
  for (const wanted of listed) {
    if (wanted.partNumber <= previous) {
      throw new EmulatorError(
        'InvalidInput',
        'The list of parts was not in ascending order. Parts must be ordered by part number.',
        {
          field: 'parts',
          reason: 'invalid-part-order',
        },
      )
    }
    previous = wanted.partNumber
    const part = entry(state.parts, partId(upload.id, wanted.partNumber))
    if (!part || !sameEtag(part.etag, wanted.etag)) {
      throw new EmulatorError(
        'InvalidInput',
        `One or more of the specified parts could not be found: part ${wanted.partNumber} with ETag ${echo(wanted.etag)}. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.`,
        { field: 'parts', reason: 'invalid-part', partNumber: wanted.partNumber },
      )
    }
    chosen.push(part)
  }
  chosen.forEach((part, i) => {
    if (i < chosen.length - 1 && part.size < MIN_PART_BYTES) {
      throw new EmulatorError('InvalidInput', 'Your proposed upload is smaller than the minimum allowed size.', {
        field: 'parts',
        reason: 'entity-too-small',
        partNumber: part.number,
        size: part.size,
        minSize: MIN_PART_BYTES,
      })
    }
  })
  return chosen
}

function listUploads(
  state: Readonly<State>,
  query: Parameters<ReturnType<typeof multipartOps>['listMultipartUploads']>[0],
): UploadListing {
  const bucket = requireBucket(state, query.bucket)
  const max = pageSize(query.maxUploads, MAX_LIST_UPLOADS, 'max-uploads')
  const prefix = query.prefix ?? ''
  const delimiter = query.delimiter || undefined
  const order = (a: MultipartUpload, b: MultipartUpload) =>
    compareKeys(a.key, b.key) || a.initiatedAt.localeCompare(b.initiatedAt) || compareKeys(a.id, b.id)
  const all = uploadsOf(state, bucket.id)
    .filter((u) => u.key.startsWith(prefix))
    .sort(order)
  // After the key marker; with an upload id marker, after that upload of the marker's key.
  const marker = query.keyMarker
  const markerUpload =
    marker !== undefined && query.uploadIdMarker !== undefined ? entry(state.uploads, query.uploadIdMarker) : undefined
  const after = (u: MultipartUpload) => {
    if (marker === undefined) return true
    // A marker that is a common prefix (it ends with the delimiter) is past every key under it.
    if (delimiter !== undefined && marker.endsWith(delimiter) && u.key.startsWith(marker)) return false
    const byKey = compareKeys(u.key, marker)
    if (byKey !== 0) return byKey > 0
    return markerUpload !== undefined && order(u, markerUpload) > 0
  }
  const uploads: MultipartUpload[] = []
  const commonPrefixes: string[] = []
  let lastKey: string | undefined
  let lastUpload: string | undefined
  let truncated = false
  for (const upload of all.filter(after)) {
    const cut = delimiter === undefined ? -1 : upload.key.indexOf(delimiter, prefix.length)
    const common = cut >= 0 ? upload.key.slice(0, cut + (delimiter as string).length) : undefined
    if (common !== undefined && commonPrefixes[commonPrefixes.length - 1] === common) continue
    if (uploads.length + commonPrefixes.length >= max) {
      truncated = true
      break
    }
    if (common !== undefined) {
      commonPrefixes.push(common)
      lastKey = common
      lastUpload = undefined
    } else {
      uploads.push(structuredClone(upload))
      lastKey = upload.key
      lastUpload = upload.id
    }
  }
  return {
    uploads,
    commonPrefixes,
    isTruncated: truncated,
    ...(truncated && lastKey !== undefined && { nextKeyMarker: lastKey }),
    ...(truncated && lastUpload !== undefined && { nextUploadIdMarker: lastUpload }),
  }
}
