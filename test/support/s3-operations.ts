import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import type { BucketQuery } from '../../src/core/buckets.js'
import type { Core } from '../../src/core/core.js'

// The S3 calls an enforcement suite makes with a key, each named by the operation a policy author
// thinks of, and the permissions each needs (for asking explain the same question).

export const OBJECT_BODY = 'hello from keyemu'

export const BUCKET_OPS = [
  'ListObjectsV2',
  'ListMultipartUploads',
  'HeadObject',
  'GetObject',
  'PutObject',
  'DeleteObject',
  'CopyObject',
  'MultipartUpload',
] as const
export type BucketOp = (typeof BUCKET_OPS)[number]
export const ACCOUNT_OPS = ['ListBuckets', 'CreateBucket'] as const
export type AccountOp = (typeof ACCOUNT_OPS)[number]

/** Where a bucket operation points: a bucket and the prefix of the objects it touches. */
export interface Target {
  bucket: string
  prefix: string
}

/** The objects every bucket operation expects under a prefix: one to read, one to delete. */
export async function putFixtureObjects(core: Core, bucket: BucketQuery, prefix: string): Promise<void> {
  for (const name of ['obj.txt', 'del.txt']) {
    await core.putObject({ bucket, key: `${prefix}${name}`, body: chunks(OBJECT_BODY) })
  }
}

async function* chunks(text: string): AsyncIterable<Uint8Array> {
  yield new TextEncoder().encode(text)
}

/** Run one bucket operation; throws what the client threw. */
export async function runBucketOp(s3: S3Client, op: BucketOp, { bucket, prefix }: Target): Promise<void> {
  const Bucket = bucket
  switch (op) {
    case 'ListObjectsV2':
      await s3.send(new ListObjectsV2Command({ Bucket, Prefix: prefix }))
      return
    case 'ListMultipartUploads':
      await s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: prefix }))
      return
    case 'HeadObject':
      await s3.send(new HeadObjectCommand({ Bucket, Key: `${prefix}obj.txt` }))
      return
    case 'GetObject': {
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: `${prefix}obj.txt` }))
      const text = await got.Body?.transformToString()
      if (text !== OBJECT_BODY) throw new Error(`GetObject answered ${JSON.stringify(text)}`)
      return
    }
    case 'PutObject':
      await s3.send(new PutObjectCommand({ Bucket, Key: `${prefix}put.txt`, Body: 'new' }))
      return
    case 'DeleteObject':
      await s3.send(new DeleteObjectCommand({ Bucket, Key: `${prefix}del.txt` }))
      return
    case 'CopyObject':
      await s3.send(
        new CopyObjectCommand({ Bucket, Key: `${prefix}copy.txt`, CopySource: `${bucket}/${prefix}obj.txt` }),
      )
      return
    case 'MultipartUpload': {
      const Key = `${prefix}multi.txt`
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }))
      const { ETag } = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: 'part' }))
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key,
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] },
        }),
      )
      return
    }
  }
}

/** Run one account-level operation; CreateBucket makes `newBucket`. */
export async function runAccountOp(s3: S3Client, op: AccountOp, newBucket: string): Promise<void> {
  if (op === 'ListBuckets') await s3.send(new ListBucketsCommand({}))
  else await s3.send(new CreateBucketCommand({ Bucket: newBucket }))
}

/** The permissions an operation needs, as the S3 action vocabulary names them, in the order keyemu asks them. */
export function permissionsOf(op: BucketOp | AccountOp, target: Target | string): [string, string][] {
  if (typeof target === 'string') {
    return op === 'ListBuckets' ? [['s3:ListAllMyBuckets', '*']] : [['s3:CreateBucket', `arn:aws:s3:::${target}`]]
  }
  const object = (name: string) => `arn:aws:s3:::${target.bucket}/${target.prefix}${name}`
  switch (op) {
    case 'ListObjectsV2':
      return [['s3:ListBucket', `arn:aws:s3:::${target.bucket}`]]
    case 'ListMultipartUploads':
      return [['s3:ListBucketMultipartUploads', `arn:aws:s3:::${target.bucket}`]]
    case 'HeadObject':
    case 'GetObject':
      return [['s3:GetObject', object('obj.txt')]]
    case 'PutObject':
      return [['s3:PutObject', object('put.txt')]]
    case 'DeleteObject':
      return [['s3:DeleteObject', object('del.txt')]]
    // Its target is judged first, then its source.
    case 'CopyObject':
      return [
        ['s3:PutObject', object('copy.txt')],
        ['s3:GetObject', object('obj.txt')],
      ]
    default:
      return [['s3:PutObject', object('multi.txt')]]
  }
}

/**
 * What a call came to: `allow`, `deny` (403 AccessDenied, or a bodiless 403 to a HEAD), or the error's name and status for anything else, so a table shows the surprise.
 */
export async function outcomeOf(call: Promise<void>): Promise<string> {
  try {
    await call
    return 'allow'
  } catch (err) {
    if (!(err instanceof S3ServiceException)) return `not an S3 answer: ${String(err)}`
    const status = err.$metadata.httpStatusCode
    // A HEAD refusal has no body to name its code: the SDK calls it Forbidden or Unknown.
    if (status === 403 && ['AccessDenied', 'Forbidden', 'Unknown'].includes(err.name)) return 'deny'
    return `${err.name} ${status}`
  }
}
