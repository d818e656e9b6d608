import { readFileSync } from 'node:fs'
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam'
import {
  CreateBucketAccessKeyCommand,
  CreateBucketCommand as CreateLightsailBucketCommand,
  DeleteBucketAccessKeyCommand,
  LightsailClient,
} from '@aws-sdk/client-lightsail'
import {
  baseRequest,
  createObjectStorageKeys,
  type ObjectStorageKeyBucketAccess,
  revokeObjectStorageKey,
  setToken,
} from '@linode/api-v4'
import type { Seed } from '../../src/core/seed.js'
import { defaultSeedFile } from '../../src/version.js'
import { ROOT } from './aws-signing.js'
import { SEEDED_ORG, TIGRIS, tigrisClient } from './tigris-signing.js'
import type { Transport } from './transports.js'

// Keys of every storage provider, each made through that provider's own management API and client,
// for suites that prove what the keys may do on the S3 data plane.

export interface StorageKey {
  id: string
  secret: string
}

export const AWS_ACCOUNT = '000000000000'
export const LINODE_ACCOUNT = 'linode-account'
export const FOREIGN_ACCOUNT = '111111111111'
export const FOREIGN_BUCKET = 'foreign-bucket'
export const BIRD_KEY: StorageKey = { id: '00000000-0000-4000-8000-000000000201', secret: 'keyemu-bird-token' }

/** The default seed plus a second AWS account holding a bucket nobody else's key may touch. */
export function seedWithForeignAccount(): Seed {
  const seed = JSON.parse(readFileSync(defaultSeedFile, 'utf8')) as Seed
  seed.accounts.push({
    id: FOREIGN_ACCOUNT,
    name: 'someone-else',
    realm: 'aws',
    regions: [{ id: 'us-east-1' }],
    buckets: [{ name: FOREIGN_BUCKET, region: 'us-east-1' }],
  })
  return seed
}

/** IAM users and their keys, through @aws-sdk/client-iam as the root of the default account. */
export function iamKeys(t: Transport) {
  const iam = new IAMClient({
    endpoint: t.endpoint('https://iam.amazonaws.com'),
    region: 'us-east-1',
    credentials: ROOT,
    maxAttempts: 1,
  })
  return {
    iam,
    /** A new user with these inline policy statements (none: no policy at all) and one key. */
    async user(name: string, statements?: unknown[]): Promise<StorageKey> {
      await iam.send(new CreateUserCommand({ UserName: name }))
      if (statements) {
        const document = JSON.stringify({ Version: '2012-10-17', Statement: statements })
        await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: document }))
      }
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }))
      return { id: AccessKey?.AccessKeyId as string, secret: AccessKey?.SecretAccessKey as string }
    },
    deactivate: (user: string, id: string) =>
      iam.send(new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: id, Status: 'Inactive' })),
  }
}

/** Lightsail buckets and bucket keys, through @aws-sdk/client-lightsail in us-east-1. */
export function lightsailKeys(t: Transport) {
  const ls = new LightsailClient({
    endpoint: t.endpoint('https://lightsail.us-east-1.amazonaws.com'),
    region: 'us-east-1',
    credentials: ROOT,
    maxAttempts: 1,
  })
  return {
    ls,
    async bucketWithKey(bucketName: string): Promise<StorageKey> {
      await ls.send(new CreateLightsailBucketCommand({ bucketName, bundleId: 'small_1_0' }))
      const { accessKey } = await ls.send(new CreateBucketAccessKeyCommand({ bucketName }))
      return { id: accessKey?.accessKeyId as string, secret: accessKey?.secretAccessKey as string }
    },
    delete: (bucketName: string, accessKeyId: string) =>
      ls.send(new DeleteBucketAccessKeyCommand({ bucketName, accessKeyId })),
  }
}

const LINODE = 'https://api.linode.com'

/**
 * Linode Object Storage keys through @linode/api-v4 with the seeded full token. The client is a module
 * singleton: call `release` after the test to remove the interceptors this adds.
 */
export function linodeKeys(t: Transport) {
  const endpoint = t.endpoint(LINODE)
  const interceptors = [
    baseRequest.interceptors.request.use((config) => ({ ...config, url: config.url?.replace(LINODE, endpoint) })),
    setToken('keyemu-linode-token'),
  ]
  return {
    /** A key limited to one bucket of us-east (`bucket` undefined: an unlimited key). */
    async key(label: string, bucket?: string, permissions?: 'read_only' | 'read_write') {
      const bucket_access =
        bucket === undefined
          ? null
          : [{ region: 'us-east', bucket_name: bucket, permissions } as ObjectStorageKeyBucketAccess]
      const key = await createObjectStorageKeys({ label, bucket_access })
      return { id: key.access_key, secret: key.secret_key, linodeId: key.id }
    },
    revoke: (linodeId: number) => revokeObjectStorageKey(linodeId),
    release() {
      for (const id of interceptors) baseRequest.interceptors.request.eject(id)
    },
  }
}

const ORG = `/${SEEDED_ORG}`

/** Tigris keys of the seeded org, through the partner API (test/support/tigris-signing.ts). */
export function tigrisKeys(t: Transport) {
  const tigris = tigrisClient(t.endpoint(TIGRIS))
  const ok = <T>(res: { status: number; body: T }): T => {
    if (res.status !== 200) throw new Error(`Tigris answered ${res.status}: ${JSON.stringify(res.body)}`)
    return res.body
  }
  return {
    async key(body: Record<string, unknown>): Promise<StorageKey> {
      const made = ok(
        await tigris.call<{ id: string; secret_key: string }>({
          method: 'POST',
          path: `${ORG}/key`,
          body: { user_id: 'u-matrix', ...body },
        }),
      )
      return { id: made.id, secret: made.secret_key }
    },
    async rotate(id: string): Promise<string> {
      const body = { user_id: 'u-matrix', id }
      return ok(await tigris.call<{ new_secret: string }>({ method: 'POST', path: `${ORG}/key/rotate`, body }))
        .new_secret
    },
    async delete(id: string): Promise<void> {
      ok(await tigris.call({ method: 'DELETE', path: `${ORG}/key`, body: { user_id: 'u-matrix', id } }))
    },
    async deactivateOrg(): Promise<void> {
      const body = { user_id: 'u-matrix', user_role: 'Admin', active: false }
      ok(await tigris.call({ method: 'PUT', path: ORG, body }))
    },
  }
}
