// @linode/api-v4's declarations re-export extensionless directories ('./object-storage'), which
// TypeScript's NodeNext resolution cannot follow, so its exports type as missing here. This declares
// the part the contract tests use, with the signatures of its lib/object-storage/*.d.ts (0.158).
declare module '@linode/api-v4' {
  import type { AxiosInstance } from 'axios'

  export interface ResourcePage<T> {
    data: T[]
    page: number
    pages: number
    results: number
  }
  export interface Params {
    page?: number
    page_size?: number
  }
  export type ObjectStorageEndpointTypes = 'E0' | 'E1' | 'E2' | 'E3'
  export interface ObjectStorageKeyBucketAccess {
    bucket_name: string
    cluster: string
    permissions: 'none' | 'read_only' | 'read_write'
    region?: string
  }
  export interface ObjectStorageKey {
    access_key: string
    bucket_access: null | ObjectStorageKeyBucketAccess[]
    id: number
    label: string
    limited: boolean
    regions: { id: string; s3_endpoint: string; endpoint_type?: ObjectStorageEndpointTypes }[]
    secret_key: string
  }
  export interface ObjectStorageBucket {
    cluster: string
    created: string
    endpoint_type?: ObjectStorageEndpointTypes
    hostname: string
    label: string
    objects: number
    region: string
    s3_endpoint?: string
    size: number
  }
  export interface ObjectStorageCluster {
    domain: string
    id: string
    region: string
    static_site_domain: string
    status: string
  }
  export interface ObjectStorageEndpoint {
    endpoint_type: ObjectStorageEndpointTypes
    region: string
    s3_endpoint: null | string
  }

  export const baseRequest: AxiosInstance
  export function setToken(token: string): number
  export function getObjectStorageKeys(params?: Params): Promise<ResourcePage<ObjectStorageKey>>
  export function createObjectStorageKeys(data: {
    bucket_access: null | ObjectStorageKeyBucketAccess[]
    label: string
    regions?: string[]
  }): Promise<ObjectStorageKey>
  export function updateObjectStorageKey(
    id: number,
    data: { label?: string; regions?: string[] },
  ): Promise<ObjectStorageKey>
  export function revokeObjectStorageKey(id: number): Promise<ObjectStorageKey>
  export function getBuckets(params?: Params): Promise<ResourcePage<ObjectStorageBucket>>
  export function getBucketsInRegion(regionId: string, params?: Params): Promise<ResourcePage<ObjectStorageBucket>>
  export function getBucket(clusterId: string, bucketName: string): Promise<ObjectStorageBucket>
  export function createBucket(data: { label: string; region?: string; cluster?: string }): Promise<ObjectStorageBucket>
  export function deleteBucketWithRegion(data: { label: string; region: string }): Promise<ObjectStorageBucket>
  export function getClusters(params?: Params): Promise<ResourcePage<ObjectStorageCluster>>
  export function getObjectStorageEndpoints(options: { params?: Params }): Promise<ResourcePage<ObjectStorageEndpoint>>
}
