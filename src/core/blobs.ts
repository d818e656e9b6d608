import { randomUUID } from 'node:crypto'

/** A blob being written: bytes go in, then it is finished (durable) or discarded (gone). */
export interface BlobWriter {
  readonly id: string
  write(chunk: Uint8Array): Promise<void>
  /** Resolves once every byte written is durable (on disk, for a file store). */
  finish(): Promise<void>
  discard(): Promise<void>
}

/**
 * Where object bodies live, apart from the JSON state: bytes by blob id, nothing else. What refers to
 * a blob, and when one may go, is the business of the core's bodies (bodies.ts).
 */
export interface BlobStore {
  create(): BlobWriter
  /** Bytes `start` (inclusive) to `end` (exclusive) of a blob. */
  read(id: string, start: number, end: number): AsyncIterable<Uint8Array>
  delete(id: string): Promise<void>
  /** Every finished blob with its size (a crash's leftovers included). */
  list(): Promise<Map<string, number>>
}

/** A fresh blob id: internal, never shown to clients, safe as a file name. */
export const newBlobId = (): string => randomUUID()

/**
 * Blobs held in memory, as the chunks they arrived in.
 *
 * @example const blobs = memoryBlobs(); const w = blobs.create(); await w.write(bytes); await w.finish()
 */
export function memoryBlobs(): BlobStore {
  const blobs = new Map<string, { chunks: Uint8Array[]; size: number }>()
  return {
    create() {
      const id = newBlobId()
      const chunks: Uint8Array[] = []
      let size = 0
      return {
        id,
        async write(chunk) {
          // Copied: the caller may reuse its buffer.
          chunks.push(Uint8Array.prototype.slice.call(chunk))
          size += chunk.byteLength
        },
        async finish() {
          blobs.set(id, { chunks, size })
        },
        async discard() {
          chunks.length = 0
        },
      }
    },
    async *read(id, start, end) {
      const blob = blobs.get(id)
      if (!blob) throw new Error(`blob ${id} is missing`)
      let at = 0
      for (const chunk of blob.chunks) {
        const from = Math.max(start - at, 0)
        const to = Math.min(end - at, chunk.byteLength)
        if (from < to) yield from === 0 && to === chunk.byteLength ? chunk : chunk.subarray(from, to)
        at += chunk.byteLength
        if (at >= end) return
      }
    },
    async delete(id) {
      blobs.delete(id)
    },
    async list() {
      return new Map([...blobs].map(([id, blob]) => [id, blob.size]))
    },
  }
}
