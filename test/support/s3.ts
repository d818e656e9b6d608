import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3'
import { ROOT } from './aws-signing.js'
import type { Transport } from './transports.js'

/** The real S3 origins the MSW handlers serve, per provider. */
export const S3_ORIGIN = {
  aws: 'https://s3.amazonaws.com',
  awsRegional: (region: string) => `https://s3.${region}.amazonaws.com`,
  linode: (cluster: string) => `https://${cluster}.linodeobjects.com`,
  tigris: 'https://t3.storage.dev',
} as const

export interface S3ClientOptions {
  credentials?: { accessKeyId: string; secretAccessKey: string }
  /** The region the client signs for (us-east-1 unless said; `auto` for Tigris). */
  region?: string
  /** The provider's real origin, where MSW listens; the server's URL replaces it over a port. */
  origin?: string
  /** Anything else the client takes (checksum settings, retries). */
  config?: Partial<S3ClientConfig>
}

/**
 * An unmodified S3Client for a key over a transport: path-style to the server's port (an IP has no
 * virtual hosts), or at the provider's real origin through MSW, virtual-hosted as the SDK picks.
 *
 * @example const s3 = s3Client(t, { credentials: { accessKeyId: key.id, secretAccessKey: key.secret } })
 */
export function s3Client(t: Transport, options: S3ClientOptions = {}): S3Client {
  const origin = options.origin ?? S3_ORIGIN.aws
  return new S3Client({
    region: options.region ?? 'us-east-1',
    credentials: options.credentials ?? ROOT,
    maxAttempts: 1,
    ...(t.kind === 'server'
      ? { endpoint: t.endpoint(origin), forcePathStyle: true }
      : origin !== S3_ORIGIN.aws && { endpoint: origin }),
    ...options.config,
  })
}

/** A key pair as the SDK takes it. */
export const credentialsOf = (key: { id: string; secret: string }) => ({
  accessKeyId: key.id,
  secretAccessKey: key.secret,
})

/**
 * A Linode Object Storage key made through Linode's own API with the seeded token (`bucket_access`
 * omitted: unlimited).
 *
 * @example const key = await linodeKey(t, [{ region: 'us-east', bucket_name: 'example-bucket', permissions: 'read_only' }])
 */
export async function linodeKey(
  t: Transport,
  bucketAccess?: { region: string; bucket_name: string; permissions: 'read_only' | 'read_write' }[],
): Promise<{ id: string; secret: string }> {
  const res = await fetch(`${t.endpoint('https://api.linode.com')}/v4/object-storage/keys`, {
    method: 'POST',
    headers: { authorization: 'Bearer keyemu-linode-token', 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'ci-key', ...(bucketAccess && { bucket_access: bucketAccess }) }),
  })
  const body = (await res.json()) as { access_key: string; secret_key: string }
  if (res.status !== 200) throw new Error(`Linode refused the key: ${JSON.stringify(body)}`)
  return { id: body.access_key, secret: body.secret_key }
}
