import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { EmulatorError, echo } from '../../core/errors.js'
import { type SigV4Claim, signingKey } from './sigv4.js'

// `Content-Encoding: aws-chunked` bodies, decoded as they stream in. Framing, chunk and trailer signatures:
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html and sigv4-streaming-trailers.html;
// the unsigned framing is what @smithy/util-stream's getAwsChunkedEncodingStream writes (../shared/dialects/s3.md).
//
//   signed:   <hex size>;chunk-signature=<sig>\r\n<data>\r\n ... 0;chunk-signature=<sig>\r\n
//   unsigned: <hex size>\r\n<data>\r\n ... 0\r\n
//   then trailer lines `name:value\r\n` (+ `x-amz-trailer-signature:<sig>\r\n` when signed), then `\r\n`.

export const STREAMING_PAYLOADS = [
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
] as const
/** An `x-amz-content-sha256` value that announces an aws-chunked body. */
export type StreamingPayload = (typeof STREAMING_PAYLOADS)[number]

/** What chunk signatures chain from: the verified header signature and the key that made it. */
export interface ChunkSigning {
  signingKey: Buffer
  /** X-Amz-Date as signed. */
  amzDate: string
  /** `<day>/<region>/<service>/aws4_request` */
  scope: string
  /** The Authorization header's signature, lower-case hex: the previous signature of the first chunk. */
  seedSignature: string
}

export interface AwsChunkedOptions {
  payload: StreamingPayload
  /** x-amz-decoded-content-length: the bytes the chunks must add up to. */
  decodedLength: number
  /** The trailers x-amz-trailer announces (lower-case names); exactly these must follow the last chunk. */
  trailerNames: readonly string[]
  /**
   * For the signed payloads: how to check chunk signatures, or 'unchecked' when the emulator runs with
   * auth off (the framing is still decoded and the signatures' form still checked).
   */
  signing?: ChunkSigning | 'unchecked'
  /** The largest signed chunk taken; a signed chunk is held whole until its signature is checked. */
  maxChunkBytes?: number
}

/** Signed chunks larger than this are refused: the SDKs that sign chunks send 64 or 128 KiB. */
export const DEFAULT_MAX_CHUNK_BYTES = 16 * 1024 * 1024
/** A chunk header or trailer line is ~100 bytes; a longer one is not aws-chunked. */
const MAX_LINE_BYTES = 1024
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const TRAILER_SIGNATURE = 'x-amz-trailer-signature'
const SIGNED_CHUNK_LINE = /^(0|[1-9a-f][0-9a-f]{0,12});chunk-signature=([0-9a-f]{64})$/
const UNSIGNED_CHUNK_LINE = /^(0|[1-9a-f][0-9a-f]{0,12})$/
const TRAILER_LINE = /^([a-z0-9-]{1,64}):[ \t]*([\x21-\x7e]*)[ \t]*$/

/**
 * The chunk-signing context of a header signature already verified with `secret`.
 *
 * @example const signing = chunkSigningOf(claim, key.secret)
 */
export function chunkSigningOf(claim: SigV4Claim, secret: string): ChunkSigning {
  const day = claim.amzDate.slice(0, 8)
  return {
    signingKey: signingKey(secret, day, claim.region, claim.service),
    amzDate: claim.amzDate,
    scope: `${day}/${claim.region}/${claim.service}/aws4_request`,
    seedSignature: claim.signature,
  }
}

type Headers = Readonly<Record<string, string | undefined>>

/**
 * How to decode the request's body, from its headers: undefined when `x-amz-content-sha256` announces no
 * aws-chunked body. Refuses a streaming form keyemu does not know, a missing or malformed
 * x-amz-decoded-content-length, and a trailer form without x-amz-trailer.
 *
 * @example const options = awsChunkedOptionsOf(req.headers, chunkSigningOf(claim, key.secret))
 */
export function awsChunkedOptionsOf(
  headers: Headers,
  signing?: ChunkSigning | 'unchecked',
): AwsChunkedOptions | undefined {
  const claimed = headers['x-amz-content-sha256']
  if (claimed === undefined || !claimed.startsWith('STREAMING-')) return undefined
  const payload = STREAMING_PAYLOADS.find((p) => p === claimed)
  if (payload === undefined) {
    throw malformed(`x-amz-content-sha256 ${echo(claimed)} is not a payload form keyemu takes.`, 'x-amz-content-sha256')
  }
  const decoded = headers['x-amz-decoded-content-length']
  if (decoded === undefined || !/^\d{1,15}$/.test(decoded)) {
    throw new EmulatorError(
      'InvalidInput',
      'An aws-chunked body needs x-amz-decoded-content-length, the length of the object in bytes.',
      { s3Code: 'MissingContentLength', field: 'x-amz-decoded-content-length' },
    )
  }
  const trailer = headers['x-amz-trailer']
  const trailerNames = trailer === undefined ? [] : trailer.split(',').map((name) => name.trim().toLowerCase())
  if (payload.endsWith('-TRAILER') && trailerNames.length === 0) {
    throw malformed(
      `x-amz-content-sha256 ${payload} needs an x-amz-trailer header naming the trailer.`,
      'x-amz-trailer',
    )
  }
  if (!payload.endsWith('-TRAILER') && trailerNames.length > 0) {
    throw malformed(
      `x-amz-content-sha256 ${payload} carries no trailer; x-amz-trailer says one follows.`,
      'x-amz-trailer',
    )
  }
  return { payload, decodedLength: Number(decoded), trailerNames, signing }
}

/**
 * Decode an aws-chunked body while it streams: iterate it for the object's bytes; once iteration has
 * finished, `trailers` holds the trailing headers (checksums), their signature already checked.
 * Iteration throws an EmulatorError at the first defect: IncompleteBody when the body ends early,
 * InvalidSignature for a chunk or trailer signature that does not match, InvalidInput for bad framing.
 * Signed chunks are yielded only once their signature holds; unsigned ones pass straight through.
 *
 * @example
 * const body = decodeAwsChunked(request.body, options)
 * for await (const bytes of body) write(bytes)
 * await checks.verify(body.trailers)
 */
export function decodeAwsChunked(source: AsyncIterable<Uint8Array>, options: AwsChunkedOptions): AwsChunkedBody {
  return new AwsChunkedBody(source, options)
}

export class AwsChunkedBody implements AsyncIterable<Uint8Array> {
  private decoded: Map<string, string> | undefined
  private started = false

  constructor(
    private readonly source: AsyncIterable<Uint8Array>,
    private readonly options: AwsChunkedOptions,
  ) {
    if (options.payload !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' && options.signing === undefined) {
      throw new TypeError(`${options.payload} needs options.signing (a ChunkSigning, or 'unchecked').`)
    }
  }

  /** The trailers, by lower-case name (the trailer signature left out); readable once iteration finished. */
  get trailers(): ReadonlyMap<string, string> {
    if (!this.decoded) throw new Error('The aws-chunked body has not been read to its end.')
    return this.decoded
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.started) throw new Error('An aws-chunked body can be read once.')
    this.started = true
    return this.decode()
  }

  private async *decode(): AsyncGenerator<Uint8Array> {
    const { payload, decodedLength, signing } = this.options
    const signed = payload !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'
    const verifier = signing === undefined || signing === 'unchecked' ? undefined : new SignatureChain(signing)
    const maxChunk = this.options.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES
    const reader = new ByteReader(this.source[Symbol.asyncIterator]())
    let remaining = decodedLength
    for (;;) {
      const line = (await reader.line()) ?? truncated()
      const m = (signed ? SIGNED_CHUNK_LINE : UNSIGNED_CHUNK_LINE).exec(line)
      if (!m)
        throw malformed(
          `The chunk header ${echo(line)} is not ${signed ? '<hex size>;chunk-signature=<signature>' : '<hex size>'}.`,
        )
      const size = Number.parseInt(m[1] as string, 16)
      if (size > remaining) {
        throw malformed(
          'The chunks carry more bytes than x-amz-decoded-content-length says.',
          'x-amz-decoded-content-length',
        )
      }
      remaining -= size
      if (signed) {
        if (size > maxChunk) throw malformed(`A chunk of ${size} bytes is over keyemu's limit of ${maxChunk}.`)
        const hash = createHash('sha256')
        const pieces: Uint8Array[] = []
        for await (const piece of reader.take(size)) {
          hash.update(piece)
          pieces.push(piece)
        }
        if (size > 0) await reader.crlf()
        verifier?.chunk(size > 0 ? hash.digest('hex') : EMPTY_SHA256, m[2] as string)
        yield* pieces
      } else {
        yield* reader.take(size)
        if (size > 0) await reader.crlf()
      }
      if (size === 0) break
    }
    if (remaining > 0) {
      throw new EmulatorError(
        'IncompleteBody',
        'You did not provide the number of bytes specified by the x-amz-decoded-content-length HTTP header.',
        { field: 'x-amz-decoded-content-length' },
      )
    }
    const trailers = await this.readTrailers(reader, payload, verifier)
    if (!(await reader.atEnd())) throw malformed('The body goes on after the end of its aws-chunked encoding.')
    this.decoded = trailers
  }

  private async readTrailers(
    reader: ByteReader,
    payload: StreamingPayload,
    verifier: SignatureChain | undefined,
  ): Promise<Map<string, string>> {
    const declared = this.options.trailerNames
    const trailers = new Map<string, string>()
    let signature: string | undefined
    const signedTrailer = payload === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
    for (;;) {
      const line = await reader.line()
      // getAwsChunkedEncodingStream ends a body without trailers right after `0\r\n`.
      if (line === undefined && payload === 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' && declared.length === 0) break
      if (line === undefined) truncated()
      if (line === '') break
      const m = TRAILER_LINE.exec(line)
      if (!m) throw malformed(`The trailer ${echo(line)} is not name:value.`)
      const [, name, value] = m as unknown as [string, string, string]
      if (name === TRAILER_SIGNATURE && signedTrailer && signature === undefined) {
        if (!/^[0-9a-f]{64}$/.test(value)) throw malformed('x-amz-trailer-signature is not 64 lower-case hex digits.')
        signature = value
      } else if (declared.includes(name) && !trailers.has(name)) {
        trailers.set(name, value)
      } else {
        throw malformed(
          `The trailer ${echo(name)} is not one x-amz-trailer announced, or it comes twice.`,
          'x-amz-trailer',
        )
      }
    }
    const missing = declared.find((name) => !trailers.has(name))
    if (missing !== undefined) {
      throw new EmulatorError(
        'IncompleteBody',
        `The body ended without the ${echo(missing)} trailer that x-amz-trailer announced.`,
        {
          field: 'x-amz-trailer',
        },
      )
    }
    if (signedTrailer) {
      if (signature === undefined)
        throw malformed('A STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER body needs x-amz-trailer-signature.')
      verifier?.trailer(trailers, signature)
    }
    return trailers
  }
}

/** Each chunk's signature signs the previous one, from the seed; the trailer's signs the final chunk's. */
class SignatureChain {
  private previous: string

  constructor(private readonly signing: ChunkSigning) {
    this.previous = signing.seedSignature
  }

  chunk(dataSha256: string, given: string): void {
    const { amzDate, scope } = this.signing
    this.check(
      `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${this.previous}\n${EMPTY_SHA256}\n${dataSha256}`,
      given,
    )
    this.previous = given
  }

  trailer(trailers: ReadonlyMap<string, string>, given: string): void {
    const canonical = [...trailers]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, value]) => `${name}:${value}\n`)
      .join('')
    const hashed = createHash('sha256').update(canonical).digest('hex')
    const { amzDate, scope } = this.signing
    this.check(`AWS4-HMAC-SHA256-TRAILER\n${amzDate}\n${scope}\n${this.previous}\n${hashed}`, given)
  }

  private check(stringToSign: string, given: string): void {
    const expected = createHmac('sha256', this.signing.signingKey).update(stringToSign).digest()
    if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) {
      throw new EmulatorError(
        'InvalidSignature',
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      )
    }
  }
}

/** Lines and counted bytes from a stream of pieces, holding no more than the piece it is in. */
class ByteReader {
  private piece: Uint8Array = new Uint8Array(0)
  private offset = 0
  private ended = false

  constructor(private readonly pieces: AsyncIterator<Uint8Array>) {}

  /** The next CRLF-terminated line without its CRLF; undefined at the very end of the stream. */
  async line(): Promise<string | undefined> {
    let text = ''
    for (;;) {
      if (!(await this.fill())) return text === '' ? undefined : truncated()
      const window = this.piece.subarray(this.offset, this.offset + MAX_LINE_BYTES + 2 - text.length)
      const lf = window.indexOf(0x0a)
      text += Buffer.from(window.buffer, window.byteOffset, lf === -1 ? window.length : lf).toString('latin1')
      if (lf === -1) {
        this.offset += window.length
        if (text.length > MAX_LINE_BYTES + 1) throw malformed('A chunk header or trailer line is too long.')
        continue
      }
      this.offset += lf + 1
      if (!text.endsWith('\r')) throw malformed('A chunk header or trailer line does not end with CRLF.')
      return text.slice(0, -1)
    }
  }

  /** Exactly n bytes, as views of the pieces they arrived in. */
  async *take(n: number): AsyncGenerator<Uint8Array> {
    let left = n
    while (left > 0) {
      if (!(await this.fill())) truncated()
      const end = Math.min(this.piece.length, this.offset + left)
      const view = this.piece.subarray(this.offset, end)
      left -= view.length
      this.offset = end
      yield view
    }
  }

  async crlf(): Promise<void> {
    const line = await this.line()
    if (line === undefined) truncated()
    if (line !== '') throw malformed('A chunk is longer than its size says.')
  }

  async atEnd(): Promise<boolean> {
    return !(await this.fill())
  }

  private async fill(): Promise<boolean> {
    while (this.offset >= this.piece.length) {
      if (this.ended) return false
      const next = await this.pieces.next()
      if (next.done) {
        this.ended = true
        return false
      }
      this.piece = next.value
      this.offset = 0
    }
    return true
  }
}

function truncated(): never {
  throw new EmulatorError('IncompleteBody', 'The request body ended before its aws-chunked encoding did.')
}

function malformed(message: string, field?: string): EmulatorError {
  return new EmulatorError(
    'InvalidInput',
    message,
    field === undefined ? { s3Code: 'InvalidRequest' } : { s3Code: 'InvalidRequest', field },
  )
}
