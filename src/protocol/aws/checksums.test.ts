import { createHash, randomBytes } from 'node:crypto'
import { AwsCrc32 } from '@aws-crypto/crc32'
import { Hash } from '@smithy/hash-node'
import { describe, expect, it } from 'vitest'
import {
  BodyChecksums,
  CHECKSUM_ALGORITHMS,
  type ChecksumAlgorithm,
  checksumExpectation,
  createDigest,
  type DigestAlgorithm,
} from './checksums.js'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')

async function digestOf(algorithm: DigestAlgorithm, parts: Uint8Array[]): Promise<Uint8Array> {
  const digest = createDigest(algorithm)
  for (const part of parts) digest.update(part)
  return digest.digest()
}

// Bit-at-a-time references from the CRC catalogue's parameters (reflected polynomial, init and xorout all
// ones): independent of the table-driven libraries under test.
function referenceCrc32c(data: Uint8Array): Uint8Array {
  let crc = 0xffffffff
  for (const byte of data) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
  }
  const out = Buffer.alloc(4)
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0)
  return out
}

function referenceCrc64Nvme(data: Uint8Array): Uint8Array {
  let crc = 0xffffffffffffffffn
  for (const byte of data) {
    crc ^= BigInt(byte)
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ 0x9a6c9329ac4bc9b5n : crc >> 1n
  }
  const out = Buffer.alloc(8)
  out.writeBigUInt64BE(crc ^ 0xffffffffffffffffn)
  return out
}

function split(bytes: Uint8Array): Uint8Array[] {
  const cut1 = Math.floor(bytes.length / 3)
  const cut2 = Math.floor((bytes.length * 2) / 3)
  return [bytes.subarray(0, cut1), bytes.subarray(cut1, cut2), new Uint8Array(0), bytes.subarray(cut2)]
}

describe('digests', () => {
  it('match the CRC catalogue check values for "123456789"', async () => {
    const check = [Buffer.from('123456789')]
    expect(hex(await digestOf('CRC32', check))).toBe('cbf43926')
    expect(hex(await digestOf('CRC32C', check))).toBe('e3069283')
    expect(hex(await digestOf('CRC64NVME', check))).toBe('ae8b14860a799888')
  })

  it("match the AWS SDK's CRC32 and SHA implementations, and bitwise CRC32C / CRC64NVME, fed in pieces", async () => {
    for (const size of [0, 1, 7, 8, 9, 1000, 70_001]) {
      const data = randomBytes(size)
      const parts = split(data)
      const sdkCrc32 = new AwsCrc32()
      sdkCrc32.update(data)
      expect(hex(await digestOf('CRC32', parts))).toBe(hex(await sdkCrc32.digest()))
      for (const [algorithm, name] of [
        ['SHA1', 'sha1'],
        ['SHA256', 'sha256'],
        ['MD5', 'md5'],
      ] as const) {
        const sdk = new Hash(name)
        sdk.update(data)
        expect(hex(await digestOf(algorithm, parts))).toBe(hex(await sdk.digest()))
      }
      if (size <= 1000) {
        expect(hex(await digestOf('CRC32C', parts))).toBe(hex(referenceCrc32c(data)))
        expect(hex(await digestOf('CRC64NVME', parts))).toBe(hex(referenceCrc64Nvme(data)))
      }
    }
  })
})

describe('what the headers promise', () => {
  const body = Buffer.from('hello, checksums')

  async function check(headers: Record<string, string>, data: Uint8Array = body, trailers?: Map<string, string>) {
    const checks = new BodyChecksums(checksumExpectation(headers), ['MD5'])
    for (const part of split(data)) checks.update(part)
    return checks.verify(trailers)
  }

  it.each(CHECKSUM_ALGORITHMS)(
    'accepts a right x-amz-checksum-%s header and refuses a wrong one in S3 words',
    async (algorithm) => {
      const name = `x-amz-checksum-${algorithm.toLowerCase()}`
      const value = b64(await digestOf(algorithm, [body]))
      const computed = await check({ [name]: value, 'x-amz-sdk-checksum-algorithm': algorithm })
      expect(computed.get(algorithm)).toBe(value)
      await expect(check({ [name]: value }, Buffer.from('hello, checksumz'))).rejects.toMatchObject({
        code: 'DigestMismatch',
        message: `The ${algorithm} you specified did not match the calculated checksum.`,
        detail: { field: name },
      })
    },
  )

  it('checks a trailer checksum from the trailers, and refuses when it never came', async () => {
    const headers = { 'x-amz-trailer': 'x-amz-checksum-crc32c', 'x-amz-sdk-checksum-algorithm': 'CRC32C' }
    const value = b64(await digestOf('CRC32C', [body]))
    await expect(check(headers, body, new Map([['x-amz-checksum-crc32c', value]]))).resolves.toBeDefined()
    await expect(check(headers, body, new Map([['x-amz-checksum-crc32c', 'AAAAAA==']]))).rejects.toMatchObject({
      code: 'DigestMismatch',
    })
    await expect(check(headers, body, new Map())).rejects.toMatchObject({ code: 'IncompleteBody' })
  })

  it('checks Content-MD5: a mismatch is BadDigest words, a malformed one InvalidDigest', async () => {
    const md5 = createHash('md5').update(body).digest('base64')
    expect((await check({ 'content-md5': md5 })).get('MD5')).toBe(md5)
    await expect(check({ 'content-md5': createHash('md5').update('x').digest('base64') })).rejects.toMatchObject({
      code: 'DigestMismatch',
      message: 'The Content-MD5 you specified did not match what we received.',
    })
    for (const bad of ['', 'abc', md5.slice(0, -2), Buffer.alloc(20).toString('base64'), `${md5} `]) {
      expect(() => checksumExpectation({ 'content-md5': bad })).toThrow(
        expect.objectContaining({ code: 'InvalidInput', detail: expect.objectContaining({ s3Code: 'InvalidDigest' }) }),
      )
    }
  })

  it('computes the extra digests asked for (an ETag MD5) without checking anything', async () => {
    const computed = await check({})
    expect(computed.get('MD5')).toBe(createHash('md5').update(body).digest('base64'))
    expect([...computed.keys()]).toEqual(['MD5'])
  })

  it('refuses contradictions and malformed values as InvalidRequest before the body is read', () => {
    const crc32 = 'AAAAAA=='
    const cases: [Record<string, string>, string][] = [
      [{ 'x-amz-sdk-checksum-algorithm': 'CRC32' }, 'no corresponding x-amz-checksum-*'],
      [{ 'x-amz-sdk-checksum-algorithm': 'CRC32', 'x-amz-checksum-crc32c': crc32 }, 'no corresponding'],
      [{ 'x-amz-sdk-checksum-algorithm': 'MD5', 'x-amz-checksum-crc32': crc32 }, 'x-amz-sdk-checksum-algorithm'],
      [{ 'x-amz-checksum-crc32': crc32, 'x-amz-checksum-crc32c': crc32 }, 'Multiple checksum Types'],
      [{ 'x-amz-checksum-crc32': crc32, 'x-amz-trailer': 'x-amz-checksum-sha256' }, 'Multiple checksum Types'],
      [{ 'x-amz-checksum-crc32': 'AAAA' }, 'Value for x-amz-checksum-crc32 header is invalid.'],
      [{ 'x-amz-checksum-sha256': crc32 }, 'Value for x-amz-checksum-sha256 header is invalid.'],
      [{ 'x-amz-trailer': 'x-amz-meta-foo' }, 'x-amz-trailer'],
    ]
    for (const [headers, words] of cases) {
      expect(() => checksumExpectation(headers)).toThrow(
        expect.objectContaining({
          code: 'InvalidInput',
          message: expect.stringContaining(words),
          detail: expect.objectContaining({ s3Code: 'InvalidRequest' }),
        }),
      )
    }
  })

  it('takes the algorithm name in any case, as the SDKs send it upper-case', () => {
    const algorithm: ChecksumAlgorithm = 'CRC64NVME'
    const expectation = checksumExpectation({
      'x-amz-sdk-checksum-algorithm': 'crc64nvme',
      'x-amz-trailer': 'x-amz-checksum-crc64nvme',
    })
    expect(expectation.checksum).toEqual({ algorithm, source: 'trailer' })
  })
})
