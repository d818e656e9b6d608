import { AWS_CREDENTIALS } from './aws/key-shape.js'

/** Linode's Object Storage keys: S3 credentials for Linode's clusters, never AWS credentials. */
export const LINODE_KEYS = 'linode'
/** Tigris access keys (tid_/tsec_): S3 credentials for Tigris, managed through its partner API. */
export const TIGRIS_KEYS = 'tigris'

/**
 * The key namespaces whose keys sign S3 requests: AWS credentials, Linode's and Tigris's storage keys.
 * Keys of any other namespace (Bird's) are no storage credentials.
 */
export const STORAGE_CREDENTIALS: readonly string[] = [...AWS_CREDENTIALS, LINODE_KEYS, TIGRIS_KEYS]
