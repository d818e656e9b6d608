import { createHash } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { Crc32c } from '@aws-crypto/crc32c'
import { Crc64Nvme } from '@aws-sdk/crc64-nvme'
import { EmulatorError, echo } from '../../core/errors.js'

// S3's flexible checksums and Content-MD5, computed while an upload streams through and checked at its end.
// Wire facts: ../shared/dialects/s3.md "Flexible checksums"; the PutObject model's x-amz-checksum-* members.

/** The checksum algorithms S3 takes, in the spelling of `x-amz-sdk-checksum-algorithm`. */
export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number]
/** A digest this module computes: a checksum algorithm, or MD5 (Content-MD5, and the ETag of a plain upload). */
export type DigestAlgorithm = ChecksumAlgorithm | 'MD5'

const DIGEST_BYTES: Record<DigestAlgorithm, number> = {
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
  MD5: 16,
}

/** An incremental digest over a body's bytes. */
export interface Digest {
  update(bytes: Uint8Array): void
  /** The big-endian digest, as S3 base64-encodes it. */
  digest(): Promise<Uint8Array>
}

/**
 * A fresh incremental digest of the algorithm.
 *
 * @example const d = createDigest('CRC32'); d.update(bytes); Buffer.from(await d.digest()).toString('base64')
 */
export function createDigest(algorithm: DigestAlgorithm): Digest {
  switch (algorithm) {
    case 'CRC32':
      return crc32Digest()
    case 'CRC32C': {
      const crc = new Crc32c()
      return { update: (bytes) => void crc.update(bytes), digest: async () => uint32BigEndian(crc.digest()) }
    }
    case 'CRC64NVME': {
      const crc = new Crc64Nvme()
      return { update: (bytes) => crc.update(bytes), digest: () => crc.digest() }
    }
    default: {
      const hash = createHash(algorithm === 'SHA1' ? 'sha1' : algorithm === 'SHA256' ? 'sha256' : 'md5')
      return { update: (bytes) => void hash.update(bytes), digest: async () => hash.digest() }
    }
  }
}

// node:zlib's crc32 (Node 20.15+) continues from a previous value, which is all an incremental CRC32 needs.
function crc32Digest(): Digest {
  let value = 0
  return {
    update: (bytes) => {
      value = crc32(bytes, value)
    },
    digest: async () => uint32BigEndian(value),
  }
}

function uint32BigEndian(value: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, value >>> 0)
  return out
}

/** The header (or trailer) that carries an algorithm's value: `x-amz-checksum-crc32`, ... */
export const checksumHeaderOf = (algorithm: ChecksumAlgorithm) => `x-amz-checksum-${algorithm.toLowerCase()}`

const ALGORITHM_OF_HEADER = new Map<string, ChecksumAlgorithm>(CHECKSUM_ALGORITHMS.map((a) => [checksumHeaderOf(a), a]))

/** The algorithm a header or trailer name such as `x-amz-checksum-crc32` names, if any. */
export function checksumAlgorithmOf(name: string): ChecksumAlgorithm | undefined {
  return ALGORITHM_OF_HEADER.get(name.toLowerCase())
}

/** What an upload's headers ask to be checked, before any byte of the body is read. */
export interface ChecksumExpectation {
  /** The flexible checksum the client sends, if any. */
  checksum?:
    | { algorithm: ChecksumAlgorithm; source: 'header'; value: string }
    | { algorithm: ChecksumAlgorithm; source: 'trailer' }
  /** Content-MD5, base64 of the 16-byte MD5, when sent. */
  contentMd5?: string
}

type Headers = Readonly<Record<string, string | undefined>>

/**
 * Read what the request's checksum headers promise: `x-amz-checksum-<alg>` (a value now),
 * `x-amz-trailer: x-amz-checksum-<alg>` (a value after the body), `x-amz-sdk-checksum-algorithm` (which of
 * them must be there) and `Content-MD5`. Refuses a contradiction or a malformed value before the body is read.
 *
 * @example const expectation = checksumExpectation(req.headers)
 */
export function checksumExpectation(headers: Headers): ChecksumExpectation {
  const expectation: ChecksumExpectation = {}
  const contentMd5 = headers['content-md5']
  if (contentMd5 !== undefined) {
    if (!isDigestBase64(contentMd5, 'MD5')) {
      throw new EmulatorError('InvalidInput', 'The Content-MD5 you specified was invalid.', {
        s3Code: 'InvalidDigest',
        field: 'Content-MD5',
      })
    }
    expectation.contentMd5 = contentMd5
  }
  const sent = CHECKSUM_ALGORITHMS.filter((a) => headers[checksumHeaderOf(a)] !== undefined)
  if (sent.length > 1) {
    throw invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.')
  }
  const trailed = trailerChecksum(headers['x-amz-trailer'])
  if (sent[0] !== undefined && trailed !== undefined) {
    throw invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.')
  }
  if (sent[0] !== undefined) {
    const algorithm = sent[0]
    const value = headers[checksumHeaderOf(algorithm)] as string
    if (!isDigestBase64(value, algorithm)) throw invalidChecksumValue(algorithm)
    expectation.checksum = { algorithm, source: 'header', value }
  } else if (trailed !== undefined) {
    expectation.checksum = { algorithm: trailed, source: 'trailer' }
  }
  const declared = headers['x-amz-sdk-checksum-algorithm']
  if (declared !== undefined) {
    const algorithm = CHECKSUM_ALGORITHMS.find((a) => a === declared.toUpperCase())
    if (algorithm === undefined) throw invalidRequest('Value for x-amz-sdk-checksum-algorithm header is invalid.')
    if (expectation.checksum?.algorithm !== algorithm) {
      throw invalidRequest(
        'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.',
      )
    }
  }
  return expectation
}

// x-amz-trailer names the trailing headers to come; only a checksum is one S3 takes.
function trailerChecksum(header: string | undefined): ChecksumAlgorithm | undefined {
  if (header === undefined) return undefined
  const names = header.split(',').map((name) => name.trim())
  const algorithm = names.length === 1 ? checksumAlgorithmOf(names[0] as string) : undefined
  if (algorithm === undefined) {
    throw invalidRequest(`The value specified in the x-amz-trailer header is not supported: ${echo(header)}.`)
  }
  return algorithm
}

/**
 * The digests of one upload, fed as its bytes pass and checked against what the client promised once
 * they have all passed. Also computes digests asked for without being checked (MD5 for an ETag).
 *
 * @example
 * const checks = new BodyChecksums(checksumExpectation(req.headers), ['MD5'])
 * for await (const bytes of body) checks.update(bytes)
 * const digests = await checks.verify(body.trailers)
 */
export class BodyChecksums {
  private readonly digests = new Map<DigestAlgorithm, Digest>()

  constructor(
    readonly expectation: ChecksumExpectation,
    extra: readonly DigestAlgorithm[] = [],
  ) {
    const wanted = new Set<DigestAlgorithm>(extra)
    if (expectation.checksum) wanted.add(expectation.checksum.algorithm)
    if (expectation.contentMd5 !== undefined) wanted.add('MD5')
    for (const algorithm of wanted) this.digests.set(algorithm, createDigest(algorithm))
  }

  update(bytes: Uint8Array): void {
    for (const digest of this.digests.values()) digest.update(bytes)
  }

  /**
   * Check every promised digest; the trailers are the aws-chunked body's (a trailer checksum is read
   * from them). Answers every computed digest, base64, by algorithm.
   */
  async verify(trailers: ReadonlyMap<string, string> = new Map()): Promise<Map<DigestAlgorithm, string>> {
    const computed = new Map<DigestAlgorithm, string>()
    for (const [algorithm, digest] of this.digests) {
      computed.set(algorithm, Buffer.from(await digest.digest()).toString('base64'))
    }
    const { checksum, contentMd5 } = this.expectation
    if (contentMd5 !== undefined && computed.get('MD5') !== contentMd5) {
      throw new EmulatorError('DigestMismatch', 'The Content-MD5 you specified did not match what we received.', {
        field: 'Content-MD5',
      })
    }
    if (checksum) {
      const name = checksumHeaderOf(checksum.algorithm)
      const value = checksum.source === 'header' ? checksum.value : trailers.get(name)
      if (value === undefined) {
        throw new EmulatorError(
          'IncompleteBody',
          `The body ended without the ${name} trailer that x-amz-trailer announced.`,
          {
            field: name,
          },
        )
      }
      if (!isDigestBase64(value, checksum.algorithm)) throw invalidChecksumValue(checksum.algorithm)
      if (computed.get(checksum.algorithm) !== value) {
        throw new EmulatorError(
          'DigestMismatch',
          `The ${checksum.algorithm} you specified did not match the calculated checksum.`,
          { field: name },
        )
      }
    }
    return computed
  }
}

/** Canonical base64 of exactly the algorithm's digest length. */
function isDigestBase64(value: string, algorithm: DigestAlgorithm): boolean {
  const bytes = Buffer.from(value, 'base64')
  return bytes.length === DIGEST_BYTES[algorithm] && bytes.toString('base64') === value
}

function invalidChecksumValue(algorithm: ChecksumAlgorithm): EmulatorError {
  return invalidRequest(`Value for ${checksumHeaderOf(algorithm)} header is invalid.`)
}

function invalidRequest(message: string): EmulatorError {
  return new EmulatorError('InvalidInput', message, { s3Code: 'InvalidRequest' })
}
