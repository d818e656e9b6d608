import { createHash } from 'node:crypto'
import type { BlobStore } from './blobs.js'
import { EmulatorError } from './errors.js'
import { blobsOf, indexesOf, refersToBlob } from './indexes.js'
import type { BodySegment, State } from './model.js'

/** The default of `--max-object-bytes`: sized for CI machines. */
export const DEFAULT_MAX_OBJECT_BYTES = 256 * 1024 * 1024

/** A body written to the blob store, not yet referred to by the state. */
export interface WrittenBody {
  blob: string
  size: number
  /** Binary MD5 of the bytes. */
  md5: Buffer
}

export interface BodyLimits {
  /** The most bytes this one body may have (PayloadTooLarge past it). */
  maxSize: number
  /** The size the sender declared: fewer bytes is IncompleteBody, more is InvalidInput. */
  expectedSize?: number | undefined
  /** Base64 MD5 the sender declared (Content-MD5): DigestMismatch when the bytes disagree. */
  contentMd5?: string | undefined
}

/**
 * The object bodies of one core: the blob store plus what says which blobs may go. A blob is kept
 * while the live state or a pinned state (a snapshot) refers to it, while it is being written, and
 * while a read of it is under way; the total bytes kept stay under `maxBytes`.
 *
 * @example const bodies = new Bodies(memoryBlobs(), () => store.read((s) => s), DEFAULT_MAX_OBJECT_BYTES)
 */
export class Bodies {
  readonly #sizes = new Map<string, number>()
  /** Written (or being written) but not yet settled: committed by the state or discarded. */
  readonly #fresh = new Set<string>()
  readonly #readers = new Map<string, number>()
  /** Unreferenced blobs whose deletion waits for their readers. */
  readonly #doomed = new Set<string>()
  readonly #pins = new Set<Readonly<State>>()
  #held = 0
  #reserved = 0

  constructor(
    readonly blobs: BlobStore,
    /** The live state, as it is at the moment of asking (a replaced state is a new object). */
    readonly live: () => Readonly<State>,
    readonly maxBytes: number = DEFAULT_MAX_OBJECT_BYTES,
  ) {}

  /** Bytes of stored bodies (shared blobs counted once), and of bodies being written. */
  get heldBytes(): number {
    return this.#held + this.#reserved
  }

  /** Take in what the blob store already holds (a file store opened on a previous run's folder). */
  async load(): Promise<void> {
    for (const [blob, size] of await this.blobs.list()) {
      if (this.#sizes.has(blob) || this.#fresh.has(blob)) continue
      this.#sizes.set(blob, size)
      this.#held += size
    }
  }

  /**
   * Write a body to a new blob, hashing it and holding it to the limits on the way. On any failure
   * (the source throws, a limit is passed, the disk refuses) the blob is gone before this rejects.
   * The blob stays fresh (safe from sweeps) until `settle`.
   */
  async write(body: AsyncIterable<Uint8Array>, limits: BodyLimits): Promise<WrittenBody> {
    const writer = this.blobs.create()
    this.#fresh.add(writer.id)
    const md5 = createHash('md5')
    let size = 0
    let reserved = 0
    try {
      for await (const chunk of body) {
        size += chunk.byteLength
        if (size > limits.maxSize) {
          throw new EmulatorError('PayloadTooLarge', `The body is larger than the ${limits.maxSize} bytes allowed.`, {
            reason: 'entity-too-large',
            limit: limits.maxSize,
          })
        }
        this.#reserve(chunk.byteLength)
        reserved += chunk.byteLength
        md5.update(chunk)
        await writer.write(chunk)
      }
      checkBody(size, md5.copy().digest(), limits)
      await writer.finish()
    } catch (err) {
      this.#reserved -= reserved
      this.#fresh.delete(writer.id)
      await writer.discard()
      throw err
    }
    this.#reserved -= size
    this.#held += size
    this.#sizes.set(writer.id, size)
    return { blob: writer.id, size, md5: md5.digest() }
  }

  /** The state has taken the blob in, or never will: from now on it is kept only while referred to. */
  async settle(blob: string): Promise<void> {
    this.#fresh.delete(blob)
    await this.#freeIfUnused(blob)
  }

  /** Bytes `start`..`end` (inclusive) of a body made of segments; its blobs are kept until the read ends. */
  read(body: readonly BodySegment[], start: number, end: number): AsyncIterableIterator<Uint8Array> {
    const blobs = body.map((s) => s.blob)
    for (const blob of blobs) this.#readers.set(blob, (this.#readers.get(blob) ?? 0) + 1)
    let done = false
    const finish = async () => {
      if (done) return
      done = true
      for (const blob of blobs) {
        const left = (this.#readers.get(blob) ?? 1) - 1
        if (left > 0) this.#readers.set(blob, left)
        else this.#readers.delete(blob)
        if (left === 0 && this.#doomed.has(blob)) await this.#delete(blob)
      }
    }
    const source = segmentBytes(this.blobs, body, start, end)
    return {
      [Symbol.asyncIterator]() {
        return this
      },
      async next() {
        if (done) return { done: true, value: undefined }
        try {
          const step = await source.next()
          if (step.done) await finish()
          return step
        } catch (err) {
          await finish()
          throw err
        }
      },
      async return() {
        await source.return(undefined)
        await finish()
        return { done: true, value: undefined }
      },
    }
  }

  /** Free the blobs the live state let go of since last asked, unless still needed. */
  async collect(): Promise<void> {
    for (const blob of indexesOf(this.live()).takeReleased()) await this.#freeIfUnused(blob)
  }

  /** Free every stored blob nothing needs (after a state was replaced, or on start after a crash). */
  async sweep(): Promise<void> {
    await this.load()
    for (const blob of [...this.#sizes.keys()]) await this.#freeIfUnused(blob)
  }

  /** Keep the blobs `state` refers to (a snapshot) until the returned function is called. */
  pin(state: Readonly<State>): () => void {
    // Built now, while nobody changes the state: its indexes answer every later question.
    blobsOf(state)
    this.#pins.add(state)
    return () => this.#pins.delete(state)
  }

  #reserve(bytes: number): void {
    if (this.#held + this.#reserved + bytes > this.maxBytes) {
      throw new EmulatorError(
        'LimitExceeded',
        `Object bodies may take at most ${this.maxBytes} bytes in all (--max-object-bytes); delete objects to make room.`,
        { reason: 'object-bytes', limit: this.maxBytes },
      )
    }
    this.#reserved += bytes
  }

  async #freeIfUnused(blob: string): Promise<void> {
    if (this.#fresh.has(blob) || refersToBlob(this.live(), blob)) return
    for (const pinned of this.#pins) if (refersToBlob(pinned, blob)) return
    if (this.#readers.has(blob)) this.#doomed.add(blob)
    else await this.#delete(blob)
  }

  async #delete(blob: string): Promise<void> {
    this.#doomed.delete(blob)
    const size = this.#sizes.get(blob)
    if (size === undefined) return
    this.#sizes.delete(blob)
    this.#held -= size
    await this.blobs.delete(blob)
  }
}

function checkBody(size: number, md5: Buffer, limits: BodyLimits): void {
  if (limits.expectedSize !== undefined && size < limits.expectedSize) {
    throw new EmulatorError(
      'IncompleteBody',
      `The body ended after ${size} of the ${limits.expectedSize} bytes declared.`,
    )
  }
  if (limits.expectedSize !== undefined && size > limits.expectedSize) {
    throw new EmulatorError('InvalidInput', `The body is longer than the ${limits.expectedSize} bytes declared.`, {
      reason: 'size-mismatch',
    })
  }
  if (limits.contentMd5 !== undefined && md5.toString('base64') !== limits.contentMd5) {
    throw new EmulatorError('DigestMismatch', 'The Content-MD5 you specified did not match what was received.', {
      algorithm: 'md5',
    })
  }
}

async function* segmentBytes(
  blobs: BlobStore,
  body: readonly BodySegment[],
  start: number,
  end: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  let at = 0
  for (const segment of body) {
    const from = Math.max(start - at, 0)
    const to = Math.min(end + 1 - at, segment.size)
    if (from < to) yield* blobs.read(segment.blob, from, to)
    at += segment.size
    if (at > end) return
  }
}
