import { objectKeysOf, partsOf, uploadCountOf, uploadsOf } from './indexes.js'
import { objectId, partId, type State } from './model.js'
import type { Transaction } from './store.js'

/** Whether the bucket holds objects or multipart uploads in progress. */
export const bucketHasContents = (state: Readonly<State>, bucketId: string): boolean =>
  objectKeysOf(state, bucketId).length > 0 || uploadCountOf(state, bucketId) > 0

/**
 * Remove the bucket's objects and uploads (with their parts) inside a larger change, as whatever
 * deletes a bucket (or the account holding it) must; their bodies are freed once the change commits
 * and the core collects them (`ctx.bodies.collect()`).
 *
 * @example ctx.store.update((tx) => { removeBucketContents(tx, bucket.id); tx.remove('buckets', bucket.id) })
 */
export function removeBucketContents({ state, remove }: Transaction, bucketId: string): void {
  for (const key of [...objectKeysOf(state, bucketId)]) remove('objects', objectId(bucketId, key))
  for (const upload of uploadsOf(state, bucketId)) {
    for (const part of partsOf(state, upload.id)) remove('parts', partId(upload.id, part.number))
    remove('uploads', upload.id)
  }
}
