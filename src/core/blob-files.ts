import { type FileHandle, mkdir, open, readdir, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { type BlobStore, newBlobId } from './blobs.js'

const READ_CHUNK = 256 * 1024
const BLOB_NAME = /^[0-9a-f-]{36}$/

/**
 * Blobs as files of one directory, each named by its id. A blob is written straight to its final
 * name and fsync'd with the directory before `finish` resolves; one cut short by a crash is referred
 * to by nothing and swept on the next start.
 *
 * @example const blobs = await fileBlobs('state.json.objects')
 */
export async function fileBlobs(dir: string): Promise<BlobStore> {
  await mkdir(dir, { recursive: true })
  const path = (id: string) => join(dir, id)
  const syncDir = async () => {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  }
  return {
    create() {
      const id = newBlobId()
      let handle: Promise<FileHandle> | undefined
      const file = () => {
        handle ??= open(path(id), 'wx')
        return handle
      }
      return {
        id,
        async write(chunk) {
          const h = await file()
          let done = 0
          while (done < chunk.byteLength) done += (await h.write(chunk, done)).bytesWritten
        },
        async finish() {
          const h = await file()
          await h.datasync()
          await h.close()
          await syncDir()
        },
        async discard() {
          if (!handle) return
          await (await handle).close().catch(() => undefined)
          await unlink(path(id)).catch(() => undefined)
        },
      }
    },
    async *read(id, start, end) {
      const h = await open(path(id), 'r')
      try {
        let at = start
        while (at < end) {
          const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, end - at))
          const { bytesRead } = await h.read(buffer, 0, buffer.byteLength, at)
          if (bytesRead === 0) throw new Error(`blob ${id} is shorter than its object says`)
          yield buffer.subarray(0, bytesRead)
          at += bytesRead
        }
      } finally {
        await h.close()
      }
    },
    async delete(id) {
      await unlink(path(id)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err
      })
    },
    async list() {
      const out = new Map<string, number>()
      for (const name of await readdir(dir)) {
        if (BLOB_NAME.test(name)) out.set(name, (await stat(path(name))).size)
        // Anything else in the folder is not ours to judge; it is left alone.
      }
      return out
    },
  }
}
