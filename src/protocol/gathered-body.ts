import type { WireBody, WireResponse } from './route.js'

/** Streamed answers up to this size are gathered and sent at once. */
export const GATHER_BYTES = 64 * 1024

/**
 * An answer whose body is a stream of at most GATHER_BYTES (as its content-length says) with the body
 * gathered into one buffer; any other answer as it is. A small object read costs less written once
 * than through a stream's machinery, on a socket or as a fetch Response.
 *
 * @example const answer = await gathered(await dispatch(dialect, req, deps))
 */
export async function gathered(answer: WireResponse): Promise<WireResponse> {
  const { body } = answer
  if (!isStream(body)) return answer
  const length = Number(answer.headers['content-length'] ?? Number.NaN)
  if (!(length <= GATHER_BYTES)) return answer
  const chunks: Uint8Array[] = []
  for await (const chunk of body) chunks.push(chunk)
  return { ...answer, body: Buffer.concat(chunks) }
}

export const isStream = (body: WireBody): body is AsyncIterable<Uint8Array> =>
  typeof body !== 'string' && !(body instanceof Uint8Array)
