import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { AwsCrc32 } from '@aws-crypto/crc32'
import { AwsCrc32c } from '@aws-crypto/crc32c'
import { Crc64Nvme } from '@aws-sdk/crc64-nvme'
import { Hash } from '@smithy/hash-node'
import { readableStreamHasher } from '@smithy/hash-stream-node'
import { getAwsChunkedEncodingStream } from '@smithy/util-stream'
import { describe, expect, it } from 'vitest'
import { chunkSigner, pieces, seedSignature, signChunk, signedChunkedBody } from '../../../test/support/aws-chunked.js'
import { isEmulatorError } from '../../core/errors.js'
import {
  type AwsChunkedOptions,
  awsChunkedOptionsOf,
  type ChunkSigning,
  chunkSigningOf,
  decodeAwsChunked,
  type StreamingPayload,
} from './aws-chunked.js'
import { BodyChecksums, type ChecksumAlgorithm, checksumExpectation, checksumHeaderOf } from './checksums.js'
import { readSigV4, type SigV4Claim } from './sigv4.js'

// The example of https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html ("Example: PUT Object"):
// the AWS example key, 65 KiB of 'a' in a 64 KiB and a 1 KiB chunk. The values are the page's, as quoted by
// the many servers that test against it (minio, s3s, rustfs among them).
const EXAMPLE = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  date: new Date('2013-05-24T00:00:00Z'),
  seed: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
  chunkSignatures: [
    'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
    '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
    'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
  ],
  headers: {
    host: 's3.amazonaws.com',
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '66560',
    'content-length': '66824',
  },
}

const SIGNED: StreamingPayload = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'
const SIGNED_TRAILER: StreamingPayload = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
const UNSIGNED_TRAILER: StreamingPayload = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'
const CREDENTIALS = { accessKeyId: 'AKIDCHUNKED', secretAccessKey: 'chunked/secret+key' }
const NOW = new Date('2026-03-01T12:00:00Z')

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Uint8Array[] = []
  for await (const piece of body) out.push(Buffer.from(piece))
  return Buffer.concat(out)
}

/** What the wire helper does with an upload: decode it, check its checksums. Answers the bytes. */
async function receive(
  encoded: Uint8Array,
  headers: Record<string, string>,
  signing: ChunkSigning | undefined,
  sizes: number[] = [encoded.length],
) {
  const options = awsChunkedOptionsOf(headers, signing) as AwsChunkedOptions
  const checks = new BodyChecksums(checksumExpectation(headers))
  const body = decodeAwsChunked(pieces(encoded, sizes), options)
  const out: Uint8Array[] = []
  for await (const piece of body) {
    checks.update(piece)
    out.push(Buffer.from(piece))
  }
  await checks.verify(body.trailers)
  return { bytes: Buffer.concat(out), trailers: body.trailers }
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    if (isEmulatorError(err)) return err.code
    throw err
  }
  return 'accepted'
}

function signingFor(seed: string, signingDate = NOW): ChunkSigning {
  const claim: SigV4Claim = {
    accessKeyId: CREDENTIALS.accessKeyId,
    region: 'us-east-1',
    service: 's3',
    signedHeaders: ['host'],
    signature: seed,
    amzDate: signingDate.toISOString().replace(/[-:]|\.\d{3}/g, ''),
  }
  return chunkSigningOf(claim, CREDENTIALS.secretAccessKey)
}

/** A signed upload as a client would build it: headers, seed signature, framed body. */
async function signedUpload(data: Buffer, chunkSize: number, trailer?: ChecksumAlgorithm) {
  const signer = chunkSigner(CREDENTIALS, NOW)
  const headers: Record<string, string> = {
    'x-amz-content-sha256': trailer ? SIGNED_TRAILER : SIGNED,
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(data.length),
    ...(trailer && { 'x-amz-trailer': checksumHeaderOf(trailer) }),
  }
  const { signature } = await seedSignature(signer, { method: 'PUT', hostname: 'localhost', path: '/b/k', headers })
  const chunks: Buffer[] = []
  for (let at = 0; at < data.length; at += chunkSize) chunks.push(data.subarray(at, at + chunkSize))
  const trailers: [string, string][] | undefined = trailer && [
    [checksumHeaderOf(trailer), await sdkChecksum(trailer, data)],
  ]
  const encoded = await signedChunkedBody(signer, signature, chunks, trailers)
  return { headers, encoded, signing: signingFor(signature) }
}

const SDK_CHECKSUMS = {
  CRC32: AwsCrc32,
  CRC32C: AwsCrc32c,
  CRC64NVME: Crc64Nvme,
  SHA1: Hash.bind(null, 'sha1'),
  SHA256: Hash.bind(null, 'sha256'),
} as const

async function sdkChecksum(algorithm: ChecksumAlgorithm, data: Uint8Array): Promise<string> {
  const hash = new SDK_CHECKSUMS[algorithm]()
  hash.update(data)
  return Buffer.from(await hash.digest()).toString('base64')
}

/** The unsigned trailer framing exactly as the AWS SDK for JavaScript v3 writes it for a stream body. */
async function sdkUnsignedUpload(parts: Buffer[], algorithm: ChecksumAlgorithm) {
  const name = checksumHeaderOf(algorithm)
  const stream = getAwsChunkedEncodingStream(Readable.from(parts), {
    base64Encoder: (bytes: Uint8Array) => Buffer.from(bytes).toString('base64'),
    bodyLengthChecker: (body: Buffer) => body.length,
    checksumAlgorithmFn: SDK_CHECKSUMS[algorithm],
    checksumLocationName: name,
    streamHasher: readableStreamHasher,
  })
  const encoded = await collect(stream as AsyncIterable<Uint8Array>)
  const headers = {
    'x-amz-content-sha256': UNSIGNED_TRAILER,
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(parts.reduce((n, p) => n + p.length, 0)),
    'x-amz-trailer': name,
    'x-amz-sdk-checksum-algorithm': algorithm,
  }
  return { headers, encoded }
}

describe('the AWS documentation example (sigv4-streaming)', () => {
  it('reproduces the seed and every chunk signature with @smithy/signature-v4', async () => {
    const signer = chunkSigner(EXAMPLE, EXAMPLE.date)
    const { signature } = await seedSignature(signer, {
      method: 'PUT',
      hostname: 's3.amazonaws.com',
      path: '/examplebucket/chunkObject.txt',
      headers: EXAMPLE.headers,
    })
    expect(signature).toBe(EXAMPLE.seed)
    let prior = signature
    const chunks = [Buffer.alloc(65536, 'a'), Buffer.alloc(1024, 'a'), Buffer.alloc(0)]
    for (const [i, chunk] of chunks.entries()) {
      prior = await signChunk(signer, prior, chunk)
      expect(prior).toBe(EXAMPLE.chunkSignatures[i])
    }
    // The example key has a slash where a plus is sometimes misquoted; that key signs something else.
    const misquoted = chunkSigner(
      { ...EXAMPLE, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
      EXAMPLE.date,
    )
    const other = await seedSignature(misquoted, {
      method: 'PUT',
      hostname: 's3.amazonaws.com',
      path: '/examplebucket/chunkObject.txt',
      headers: EXAMPLE.headers,
    })
    expect(other.signature).not.toBe(EXAMPLE.seed)
  })

  it('decodes the example body byte for byte with the signing context of its Authorization header', async () => {
    const [s1, s2, s3] = EXAMPLE.chunkSignatures
    const encoded = Buffer.concat([
      Buffer.from(`10000;chunk-signature=${s1}\r\n`),
      Buffer.alloc(65536, 'a'),
      Buffer.from(`\r\n400;chunk-signature=${s2}\r\n`),
      Buffer.alloc(1024, 'a'),
      Buffer.from(`\r\n0;chunk-signature=${s3}\r\n\r\n`),
    ])
    expect(encoded.length).toBe(66824)
    const authorization = `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=${EXAMPLE.seed}`
    const claim = readSigV4({
      method: 'PUT',
      url: new URL('http://s3.amazonaws.com/examplebucket/chunkObject.txt'),
      headers: { ...EXAMPLE.headers, authorization },
      body: Buffer.alloc(0),
    }) as SigV4Claim
    const signing = chunkSigningOf(claim, EXAMPLE.secretAccessKey)
    const { bytes } = await receive(encoded, EXAMPLE.headers, signing, [1000, 7, 65536])
    expect(bytes.equals(Buffer.alloc(66560, 'a'))).toBe(true)

    const wrongKey = chunkSigningOf(claim, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY')
    expect(await refusal(receive(encoded, EXAMPLE.headers, wrongKey))).toBe('InvalidSignature')
  })
})

describe('decoding what real producers send', () => {
  it.each(['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const)(
    "decodes the AWS SDK's unsigned trailer framing with a %s trailer, and the checksum holds",
    async (algorithm) => {
      const parts = [randomBytes(70_000), randomBytes(1), randomBytes(8192), randomBytes(333)]
      const { headers, encoded } = await sdkUnsignedUpload(parts, algorithm)
      for (const sizes of [[encoded.length], [3, 5000, 17], [65536]]) {
        const { bytes, trailers } = await receive(encoded, headers, undefined, sizes)
        expect(bytes.equals(Buffer.concat(parts))).toBe(true)
        expect(trailers.get(checksumHeaderOf(algorithm))).toBe(await sdkChecksum(algorithm, bytes))
      }
    },
  )

  it("decodes the SDK's framing of an empty stream", async () => {
    const { headers, encoded } = await sdkUnsignedUpload([], 'CRC32')
    expect((await receive(encoded, headers, undefined)).bytes.length).toBe(0)
  })

  it('decodes signed chunks, with and without a signed trailer, however the bytes are split', async () => {
    for (const [size, chunkSize] of [
      [0, 8192],
      [1, 8192],
      [8192, 8192],
      [200_000, 65536],
      [100_001, 8192],
    ] as const) {
      const data = randomBytes(size)
      for (const trailer of [undefined, 'CRC32C', 'SHA256'] as const) {
        const { headers, encoded, signing } = await signedUpload(data, chunkSize, trailer)
        for (const sizes of size <= 8192 ? [[1, 2, 3], [4096]] : [[encoded.length], [4096, 1, 65536 + 87]]) {
          const { bytes } = await receive(encoded, headers, signing, sizes)
          expect(bytes.equals(data)).toBe(true)
        }
      }
    }
  })

  it("decodes signed chunks without checking them when auth is off ('unchecked')", async () => {
    const data = randomBytes(10_000)
    const { headers, encoded } = await signedUpload(data, 8192)
    const body = decodeAwsChunked(
      pieces(encoded, [999]),
      awsChunkedOptionsOf(headers, 'unchecked') as AwsChunkedOptions,
    )
    expect((await collect(body)).equals(data)).toBe(true)
  })
})

describe('tampering and truncation', () => {
  const data = Buffer.from('0123456789abcdefghij'.repeat(50))

  async function everyTamperRefused(encoded: Buffer, headers: Record<string, string>, signing?: ChunkSigning) {
    expect((await receive(encoded, headers, signing)).bytes.equals(data)).toBe(true)
    const accepted: string[] = []
    const codes = new Set<string>()
    for (let at = 0; at < encoded.length; at++) {
      for (const flip of [0x01, 0x20, 0x80, 0xff]) {
        const tampered = Buffer.from(encoded)
        tampered[at] = (tampered[at] as number) ^ flip
        const code = await refusal(receive(tampered, headers, signing))
        if (code === 'accepted') accepted.push(`${at}^${flip}`)
        codes.add(code)
      }
    }
    expect(accepted).toEqual([])
    return codes
  }

  async function everyTruncationRefused(encoded: Buffer, headers: Record<string, string>, signing?: ChunkSigning) {
    const accepted: number[] = []
    for (let length = 0; length < encoded.length; length++) {
      if ((await refusal(receive(encoded.subarray(0, length), headers, signing))) === 'accepted') accepted.push(length)
    }
    expect(accepted).toEqual([])
  }

  it('refuses every single-byte change of a signed body: sizes, signatures, data, trailer', async () => {
    const { headers, encoded, signing } = await signedUpload(data, 300, 'CRC32')
    const codes = await everyTamperRefused(encoded, headers, signing)
    expect(codes).toContain('InvalidSignature')
    expect(
      [...codes].every((c) => ['InvalidSignature', 'InvalidInput', 'IncompleteBody', 'DigestMismatch'].includes(c)),
    ).toBe(true)
  })

  it('refuses every single-byte change of a signed body without trailer', async () => {
    const { headers, encoded, signing } = await signedUpload(data, 256)
    await everyTamperRefused(encoded, headers, signing)
  })

  it("refuses every single-byte change of the SDK's unsigned framing (the trailer checksum catches the data)", async () => {
    const { headers, encoded } = await sdkUnsignedUpload([data.subarray(0, 600), data.subarray(600)], 'CRC32')
    const codes = await everyTamperRefused(encoded, headers)
    expect(codes).toContain('DigestMismatch')
  })

  it('refuses every truncation, signed and unsigned', async () => {
    const signed = await signedUpload(data, 300, 'SHA256')
    await everyTruncationRefused(signed.encoded, signed.headers, signed.signing)
    const plain = await signedUpload(data, 300)
    await everyTruncationRefused(plain.encoded, plain.headers, plain.signing)
    const sdk = await sdkUnsignedUpload([data], 'CRC64NVME')
    await everyTruncationRefused(sdk.encoded, sdk.headers)
  })

  it('names the defect: chunk signature, early end, length, extra bytes, undeclared trailer', async () => {
    const { headers, encoded, signing } = await signedUpload(data, 300, 'CRC32')
    const text = encoded.toString('latin1')
    const first = /chunk-signature=([0-9a-f])/.exec(text)?.[1]
    const other = first === '0' ? '1' : '0'
    const wrongSignature = Buffer.from(text.replace(/chunk-signature=[0-9a-f]/, `chunk-signature=${other}`), 'latin1')
    expect(await refusal(receive(wrongSignature, headers, signing))).toBe('InvalidSignature')
    expect(await refusal(receive(encoded.subarray(0, 400), headers, signing))).toBe('IncompleteBody')
    expect(await refusal(receive(Buffer.concat([encoded, Buffer.from('x')]), headers, signing))).toBe('InvalidInput')
    const longer = { ...headers, 'x-amz-decoded-content-length': String(data.length + 1) }
    expect(await refusal(receive(encoded, longer, signing))).toBe('IncompleteBody')
    const shorter = { ...headers, 'x-amz-decoded-content-length': String(data.length - 1) }
    expect(await refusal(receive(encoded, shorter, signing))).toBe('InvalidInput')
    const otherTrailer = { ...headers, 'x-amz-trailer': 'x-amz-checksum-sha256' }
    expect(await refusal(receive(encoded, otherTrailer, signing))).toBe('InvalidInput')
  })

  it('refuses a wrong trailing checksum with BadDigest words', async () => {
    const { headers, encoded } = await sdkUnsignedUpload([data], 'CRC32')
    const name = 'x-amz-checksum-crc32'
    const good = encoded.toString('latin1')
    const value = new RegExp(`${name}:(\\S+)`).exec(good)?.[1] as string
    const other = await sdkChecksum('CRC32', Buffer.from('something else'))
    const tampered = Buffer.from(good.replace(value, other), 'latin1')
    await expect(receive(tampered, headers, undefined)).rejects.toMatchObject({
      code: 'DigestMismatch',
      message: 'The CRC32 you specified did not match the calculated checksum.',
    })
  })
})

describe('bounded work', () => {
  async function* endless(line: string): AsyncGenerator<Uint8Array> {
    yield Buffer.from(line)
    for (;;) yield Buffer.alloc(4096, 'a')
  }

  const options = (payload: StreamingPayload, decodedLength: number): AwsChunkedOptions => ({
    payload,
    decodedLength,
    trailerNames: payload === SIGNED ? [] : ['x-amz-checksum-crc32'],
    signing: 'unchecked',
    maxChunkBytes: 1024 * 1024,
  })

  it('refuses an endless chunk header line after a bounded read', async () => {
    await expect(collect(decodeAwsChunked(endless(''), options(UNSIGNED_TRAILER, 10)))).rejects.toMatchObject({
      code: 'InvalidInput',
    })
  })

  it('refuses a chunk larger than the decoded length or the signed chunk limit before reading it', async () => {
    await expect(
      collect(decodeAwsChunked(endless('ffffff\r\n'), options(UNSIGNED_TRAILER, 100))),
    ).rejects.toMatchObject({
      code: 'InvalidInput',
    })
    const sig = 'f'.repeat(64)
    const big = decodeAwsChunked(endless(`200000;chunk-signature=${sig}\r\n`), options(SIGNED, 1 << 30))
    await expect(collect(big)).rejects.toMatchObject({ code: 'InvalidInput' })
  })

  it('streams a large body holding at most one chunk, and unsigned bytes as they arrive', async () => {
    const chunkSize = 65536
    const chunks = 1024 // 64 MiB
    let pulled = 0
    const chunk = Buffer.alloc(chunkSize, 7)
    const signature = 'f'.repeat(64)
    async function* source(): AsyncGenerator<Uint8Array> {
      // Signatures go unchecked ('unchecked'): the framing and the streaming are under test here.
      for (let i = 0; i < chunks; i++) {
        pulled++
        yield Buffer.from(`10000;chunk-signature=${signature}\r\n`)
        yield chunk
        yield Buffer.from('\r\n')
      }
      pulled++
      yield Buffer.from(`0;chunk-signature=${signature}\r\n\r\n`)
    }
    let seen = 0
    let maxLead = 0
    const body = decodeAwsChunked(source(), options(SIGNED, chunkSize * chunks))
    for await (const piece of body) {
      seen += piece.length
      maxLead = Math.max(maxLead, pulled - Math.ceil(seen / chunkSize))
    }
    expect(seen).toBe(chunkSize * chunks)
    expect(maxLead).toBeLessThanOrEqual(1)

    let unsignedPulled = 0
    async function* unsigned(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 256; i++) {
        unsignedPulled++
        yield Buffer.concat([Buffer.from('10000\r\n'), chunk, Buffer.from('\r\n')])
      }
      yield Buffer.from(`0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n`)
    }
    const streamed = decodeAwsChunked(unsigned(), options(UNSIGNED_TRAILER, chunkSize * 256))
    let got = 0
    for await (const piece of streamed) {
      got += piece.length
      expect(unsignedPulled).toBe(Math.ceil(got / chunkSize))
    }
    expect(streamed.trailers.get('x-amz-checksum-crc32')).toBe('AAAAAA==')
  })
})

describe('reading the headers', () => {
  const base = { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '5' }

  it('is not aws-chunked without a STREAMING- payload hash', () => {
    expect(awsChunkedOptionsOf({ ...base, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' })).toBeUndefined()
    expect(awsChunkedOptionsOf({})).toBeUndefined()
  })

  it('refuses a streaming form it does not know, a missing decoded length, a trailer form without x-amz-trailer', () => {
    const bad = [
      { ...base, 'x-amz-content-sha256': 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD' },
      { 'x-amz-content-sha256': SIGNED },
      { ...base, 'x-amz-content-sha256': SIGNED, 'x-amz-decoded-content-length': '-1' },
      { ...base, 'x-amz-content-sha256': UNSIGNED_TRAILER },
      { ...base, 'x-amz-content-sha256': SIGNED, 'x-amz-trailer': 'x-amz-checksum-crc32' },
    ]
    for (const headers of bad)
      expect(() => awsChunkedOptionsOf(headers, 'unchecked')).toThrow(expect.objectContaining({ code: 'InvalidInput' }))
    expect(() => awsChunkedOptionsOf({ 'x-amz-content-sha256': SIGNED })).toThrow(
      expect.objectContaining({ detail: expect.objectContaining({ s3Code: 'MissingContentLength' }) }),
    )
  })
})
