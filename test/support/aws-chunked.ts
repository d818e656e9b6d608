import { createHash } from 'node:crypto'
import { Hash } from '@smithy/hash-node'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'

// A producer of signed aws-chunked bodies for tests. No AWS SDK for JavaScript sends signed chunks, so the
// signatures come from @smithy/signature-v4's event signing: an event with no headers is signed over
// `AWS4-HMAC-SHA256-PAYLOAD\n<date>\n<scope>\n<prior>\n<sha256("")>\n<sha256(payload)>`, which is the chunk
// string to sign of https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html. The trailer's string
// to sign (sigv4-streaming-trailers.html) is built here from the AWS text and signed by the same signer.

export interface ChunkSigner {
  signer: SignatureV4
  signingDate: Date
  region: string
  service: string
}

export function chunkSigner(
  credentials: { accessKeyId: string; secretAccessKey: string },
  signingDate: Date,
  region = 'us-east-1',
  service = 's3',
): ChunkSigner {
  const signer = new SignatureV4({
    credentials,
    region,
    service,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
  })
  return { signer, signingDate, region, service }
}

/** Sign a request's headers (the seed signature): x-amz-content-sha256 names the streaming form. */
export async function seedSignature(
  { signer, signingDate }: ChunkSigner,
  request: { method: string; hostname: string; path: string; headers: Record<string, string> },
): Promise<{ authorization: string; signature: string }> {
  const signed = await signer.sign(new HttpRequest({ protocol: 'https:', ...request }), { signingDate })
  const authorization = signed.headers.authorization as string
  return { authorization, signature: /Signature=([0-9a-f]{64})/.exec(authorization)?.[1] as string }
}

/** The signature of one chunk, chained from the previous one. */
export function signChunk({ signer, signingDate, region, service }: ChunkSigner, prior: string, data: Uint8Array) {
  return signer.sign(
    { headers: new Uint8Array(0), payload: data },
    { priorSignature: prior, signingDate, signingRegion: region, signingService: service },
  )
}

export function signTrailer(
  { signer, signingDate, region, service }: ChunkSigner,
  prior: string,
  trailers: [name: string, value: string][],
) {
  const longDate = signingDate.toISOString().replace(/[-:]|\.\d{3}/g, '')
  const scope = `${longDate.slice(0, 8)}/${region}/${service}/aws4_request`
  const canonical = trailers.map(([name, value]) => `${name}:${value}\n`).join('')
  const hashed = createHash('sha256').update(canonical).digest('hex')
  return signer.sign(`AWS4-HMAC-SHA256-TRAILER\n${longDate}\n${scope}\n${prior}\n${hashed}`, {
    signingDate,
    signingRegion: region,
    signingService: service,
  })
}

/**
 * The whole signed aws-chunked body of the chunks: each chunk's line carries its signature, a zero chunk
 * ends the data, and trailers (with their signature) follow when given.
 */
export async function signedChunkedBody(
  signing: ChunkSigner,
  seed: string,
  chunks: Uint8Array[],
  trailers?: [name: string, value: string][],
): Promise<Buffer> {
  const parts: Buffer[] = []
  let prior = seed
  for (const chunk of [...chunks, new Uint8Array(0)]) {
    prior = await signChunk(signing, prior, chunk)
    parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${prior}\r\n`), Buffer.from(chunk))
    if (chunk.length > 0) parts.push(Buffer.from('\r\n'))
  }
  if (trailers) {
    for (const [name, value] of trailers) parts.push(Buffer.from(`${name}:${value}\r\n`))
    parts.push(Buffer.from(`x-amz-trailer-signature:${await signTrailer(signing, prior, trailers)}\r\n`))
  }
  parts.push(Buffer.from('\r\n'))
  return Buffer.concat(parts)
}

/** Split bytes into pieces of the given sizes (repeated), as a socket might deliver them. */
export async function* pieces(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length] as number)
    yield bytes.subarray(at, at + size)
    at += size
  }
}
