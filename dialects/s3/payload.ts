import { createHash } from 'node:crypto'
import { EmulatorError } from '../../src/core/errors.js'
import {
  type AwsChunkedBody,
  awsChunkedOptionsOf,
  chunkSigningOf,
  decodeAwsChunked,
} from '../../src/protocol/aws/aws-chunked.js'
import { BodyChecksums, checksumExpectation, type DigestAlgorithm } from '../../src/protocol/aws/checksums.js'
import { sigV4ClaimOf } from '../../src/protocol/aws/claim.js'
import type { RouteContext } from '../../src/protocol/route.js'
import { STORAGE_CREDENTIALS } from '../../src/protocol/storage-keys.js'
import { contentSha256Mismatch } from './auth.js'

/** An upload's bytes as they arrive, proven only once read to the end. */
export interface Upload {
  /** The decoded bytes. Reading past the last one checks every promise made about them, and throws if one fails. */
  body: AsyncIterable<Uint8Array>
  /** The size the sender declared (the decoded length of an aws-chunked body, else Content-Length). */
  expectedSize: number | undefined
  /** The checksums computed, by lower-case algorithm (crc32 …), base64: known once `body` has been read. */
  checksums(): Record<string, string>
}

const HEX_SHA256 = /^[0-9a-f]{64}$/
const NO_BYTES: AsyncIterable<Uint8Array> = (async function* () {})()

/**
 * The body of an upload (PutObject, UploadPart), decoded and checked as it streams: aws-chunked
 * framing and chunk signatures, a signed payload hash, Content-MD5 and the flexible checksums (header or
 * trailer). Headers that cannot hold are refused before a byte is read; a body that breaks a promise
 * throws from its last read, so the core never commits it.
 *
 * @example const upload = receiveUpload(ctx); await ctx.core.putObject({ ..., body: upload.body, checksums: upload.checksums })
 */
export function receiveUpload(ctx: RouteContext<unknown>): Upload {
  const { req } = ctx
  const expectation = checksumExpectation(req.headers)
  const claim = sigV4ClaimOf(req)
  const signed = typeof claim === 'object' ? claim : undefined
  const presigned = signed?.expiresIn !== undefined
  const payload = presigned ? undefined : req.headers['x-amz-content-sha256']
  if (presigned && req.url.searchParams.get('X-Amz-Content-Sha256')?.startsWith('STREAMING-')) {
    throw new EmulatorError('InvalidInput', 'A presigned request cannot carry an aws-chunked body.', {
      s3Code: 'InvalidRequest',
    })
  }
  const key =
    signed && ctx.principal.keyId ? ctx.core.findKeyForAuth(STORAGE_CREDENTIALS, ctx.principal.keyId) : undefined
  const signing = payload?.startsWith('STREAMING-')
    ? key && signed
      ? chunkSigningOf(signed, key.secret)
      : ('unchecked' as const)
    : undefined
  const chunked = awsChunkedOptionsOf(req.headers, signing)
  const stream = req.stream ?? NO_BYTES
  const source = chunked ? decodeAwsChunked(stream, chunked) : stream
  const declared = req.headers['content-length']
  const expectedSize = chunked ? chunked.decodedLength : declared === undefined ? undefined : Number(declared)
  const checks = new BodyChecksums(expectation)
  const sha256 = payload !== undefined && HEX_SHA256.test(payload) ? createHash('sha256') : undefined
  let digests: Map<DigestAlgorithm, string> | undefined
  async function* verified(): AsyncIterable<Uint8Array> {
    for await (const bytes of source) {
      checks.update(bytes)
      sha256?.update(bytes)
      yield bytes
    }
    const computed = sha256?.digest('hex')
    if (computed !== undefined && computed !== payload) throw contentSha256Mismatch(payload as string, computed)
    digests = await checks.verify(chunked ? (source as AwsChunkedBody).trailers : undefined)
  }
  return {
    body: verified(),
    expectedSize,
    checksums: () =>
      Object.fromEntries(
        [...(digests ?? [])].filter(([alg]) => alg !== 'MD5').map(([alg, value]) => [alg.toLowerCase(), value]),
      ),
  }
}
