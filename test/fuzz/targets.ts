import {
  awsJsonEnvelopeProblem,
  birdEnvelopeProblem,
  type Draft,
  type FuzzTarget,
  linodeEnvelopeProblem,
  sendHmacSigned,
  sendSigned,
  sendWithToken,
  tigrisEnvelopeProblem,
  xmlEnvelopeProblem,
} from './engine.js'

// Each dialect's valid requests, the paths a mutation may swap in, and how it signs and answers.

const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }
const iamCall = (action: string, params: [string, string][] = []): Draft => ({
  method: 'POST',
  path: '/',
  headers: { ...FORM },
  form: [['Action', action], ['Version', '2010-05-08'], ...params],
})
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
})

const AWS_PATHS = ['/', '//', '/%2e%2e/', '/x/../', `/${'a'.repeat(5000)}`, '/%ff', '/?', '/;x']
const AWS_CREDENTIAL_MUTATIONS = [
  'stale-signature',
  'early-signature',
  'unknown-key',
  'wrong-secret',
  'tampered-signature',
  'tampered-header',
  'tampered-body',
  'no-signature',
  'malformed-signature',
]

export const iamTarget: FuzzTarget = {
  dialect: 'iam',
  origin: 'https://iam.amazonaws.com',
  templates: [
    iamCall('CreateUser', [
      ['UserName', 'fuzz-user'],
      ['Path', '/fuzz/'],
      ['Tags.member.1.Key', 'team'],
      ['Tags.member.1.Value', 'a'],
    ]),
    iamCall('ListUsers', [
      ['MaxItems', '10'],
      ['PathPrefix', '/'],
    ]),
    iamCall('GetUser'),
    iamCall('CreateAccessKey'),
    iamCall('ListAccessKeys', [['MaxItems', '5']]),
    iamCall('UpdateAccessKey', [
      ['AccessKeyId', 'test'],
      ['Status', 'Active'],
    ]),
    iamCall('GetAccessKeyLastUsed', [['AccessKeyId', 'test']]),
    iamCall('DeleteUser', [['UserName', 'nobody']]),
    iamCall('CreatePolicy', [
      ['PolicyName', 'fuzz-policy'],
      ['PolicyDocument', POLICY],
    ]),
    iamCall('ListPolicies', [
      ['Scope', 'Local'],
      ['OnlyAttached', 'false'],
    ]),
    iamCall('PutUserPolicy', [
      ['UserName', 'nobody'],
      ['PolicyName', 'inline'],
      ['PolicyDocument', POLICY],
    ]),
    iamCall('AttachUserPolicy', [
      ['UserName', 'nobody'],
      ['PolicyArn', 'arn:aws:iam::000000000000:policy/none'],
    ]),
  ],
  send: (draft, endpoint, how) => sendSigned(draft, endpoint, how, 'iam'),
  envelopeProblem: xmlEnvelopeProblem,
  credentialMutations: AWS_CREDENTIAL_MUTATIONS,
}

export const stsTarget: FuzzTarget = {
  dialect: 'sts',
  origin: 'https://sts.us-east-1.amazonaws.com',
  templates: [
    {
      method: 'POST',
      path: '/',
      headers: { ...FORM },
      form: [
        ['Action', 'GetCallerIdentity'],
        ['Version', '2011-06-15'],
      ],
    },
    {
      method: 'POST',
      path: '/',
      headers: { ...FORM },
      form: [
        ['Action', 'AssumeRole'],
        ['Version', '2011-06-15'],
      ],
    },
  ],
  send: (draft, endpoint, how) => sendSigned(draft, endpoint, how, 'sts'),
  envelopeProblem: xmlEnvelopeProblem,
  credentialMutations: AWS_CREDENTIAL_MUTATIONS,
}

const lightsailCall = (operation: string, body: unknown): Draft => ({
  method: 'POST',
  path: '/',
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Lightsail_20161128.${operation}` },
  json: body,
})

export const lightsailTarget: FuzzTarget = {
  dialect: 'lightsail',
  origin: 'https://lightsail.us-east-1.amazonaws.com',
  templates: [
    lightsailCall('GetBuckets', {}),
    lightsailCall('GetBuckets', { bucketName: 'fuzz-bucket', includeConnectedResources: true }),
    lightsailCall('CreateBucket', {
      bucketName: 'fuzz-bucket',
      bundleId: 'small_1_0',
      tags: [{ key: 'k', value: 'v' }],
    }),
    lightsailCall('UpdateBucket', {
      bucketName: 'fuzz-bucket',
      accessRules: { getObject: 'public' },
      versioning: 'Enabled',
    }),
    lightsailCall('CreateBucketAccessKey', { bucketName: 'fuzz-bucket' }),
    lightsailCall('GetBucketAccessKeys', { bucketName: 'fuzz-bucket' }),
    lightsailCall('DeleteBucketAccessKey', { bucketName: 'fuzz-bucket', accessKeyId: 'AKIAAAAAAAAAAAAAAAAA' }),
    lightsailCall('DeleteBucket', { bucketName: 'no-such-bucket', forceDelete: false }),
    lightsailCall('GetBucketBundles', { includeInactive: true }),
  ],
  send: (draft, endpoint, how) => sendSigned(draft, endpoint, how, 'lightsail'),
  envelopeProblem: awsJsonEnvelopeProblem,
  credentialMutations: AWS_CREDENTIAL_MUTATIONS,
}

const JSON_TYPE = { 'content-type': 'application/json' }
const linodeCall = (method: string, path: string, json?: unknown): Draft => ({
  method,
  path: `/v4/object-storage${path}`,
  headers: { ...JSON_TYPE },
  ...(json !== undefined && { json }),
})

export const linodeTarget: FuzzTarget = {
  dialect: 'linode',
  origin: 'https://api.linode.com',
  templates: [
    linodeCall('GET', '/keys?page=1&page_size=25'),
    linodeCall('POST', '/keys', {
      label: 'fuzz-key',
      bucket_access: [{ region: 'us-east', bucket_name: 'example-bucket', permissions: 'read_only' }],
      regions: ['us-east'],
    }),
    linodeCall('POST', '/keys', { label: 'fuzz-unlimited' }),
    linodeCall('GET', '/keys/1'),
    linodeCall('PUT', '/keys/1', { label: 'renamed', regions: ['us-east'] }),
    linodeCall('DELETE', '/keys/99999'),
    linodeCall('GET', '/buckets'),
    linodeCall('POST', '/buckets', { label: 'fuzz-bucket', region: 'us-east', acl: 'private', cors_enabled: true }),
    linodeCall('GET', '/buckets/us-east/example-bucket'),
    linodeCall('DELETE', '/buckets/us-east/no-such-bucket'),
    linodeCall('GET', '/clusters'),
    linodeCall('GET', '/endpoints'),
  ],
  send: (draft, endpoint, how) => sendWithToken(draft, endpoint, how, 'keyemu-linode-token'),
  envelopeProblem: linodeEnvelopeProblem,
  credentialMutations: ['unknown-token', 'aws-key-as-token', 'token-with-spaces', 'no-token', 'other-scheme'],
}

const BIRD_ORG = '/organizations/00000000-0000-4000-8000-000000000001'
const BIRD_OWNER_ROLE = '00000000-0000-4000-8000-000000000101'
const birdCall = (method: string, path: string, json?: unknown): Draft => ({
  method,
  path: `${BIRD_ORG}${path}`,
  headers: { ...JSON_TYPE },
  ...(json !== undefined && { json }),
})

// Bird takes `Bearer <token>` as well as `AccessKey <token>`, so the shared token sender serves it.
export const birdTarget: FuzzTarget = {
  dialect: 'bird',
  origin: 'https://api.bird.com',
  templates: [
    birdCall('GET', '/access-keys?limit=10&reverse=false'),
    birdCall('GET', '/access-keys?limit=2&reverse=true'),
    birdCall('POST', '/access-keys', { name: 'fuzz-key', description: 'fuzz', roleIds: [BIRD_OWNER_ROLE] }),
    birdCall('POST', '/access-keys', {
      name: 'fuzz-ref',
      description: 'fuzz',
      roleRefs: [{ id: BIRD_OWNER_ROLE, type: 'organization' }],
    }),
    birdCall('GET', '/access-keys/00000000-0000-4000-8000-000000000201'),
    birdCall('PATCH', '/access-keys/00000000-0000-4000-8000-000000000201', { description: 'renamed' }),
    birdCall('DELETE', '/access-keys/00000000-0000-4000-8000-000000009999'),
    birdCall('GET', '/iam-roles?limit=1'),
  ],
  send: (draft, endpoint, how) => sendWithToken(draft, endpoint, how, 'keyemu-bird-token'),
  envelopeProblem: birdEnvelopeProblem,
  credentialMutations: ['unknown-token', 'aws-key-as-token', 'token-with-spaces', 'no-token', 'other-scheme'],
}

const TIGRIS_ORG = '/v1/providers/keyemu/orgs/keyemu-org'
const tigrisCall = (method: string, path: string, json?: unknown): Draft => ({
  method,
  path: `${TIGRIS_ORG}${path}`,
  headers: { ...JSON_TYPE },
  ...(json !== undefined && { json }),
})
const TIGRIS_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::example-bucket/*'] }],
}

export const tigrisTarget: FuzzTarget = {
  dialect: 'tigris',
  origin: 'https://mgmt.storage.dev',
  templates: [
    tigrisCall('POST', '/key', {
      name: 'fuzz',
      user_id: 'u',
      user_role: 'Member',
      buckets_roles: [{ bucket_name: 'example-bucket', role: 'Editor' }],
      create_policies: [{ name: 'fuzz-policy', document: TIGRIS_POLICY, description: 'd' }],
      access_key_scope: 'standard',
    }),
    tigrisCall('POST', '/keys', { user_id: 'u', user_role: 'Admin', limit: 10, key_id_prefix: 'tid_' }),
    tigrisCall('POST', '/key/get', { user_id: 'u', id: 'tid_none' }),
    tigrisCall('PUT', '/key', {
      user_id: 'u',
      id: 'tid_none',
      add_policies: ['p'],
      access_key_scope: 'no_default_allow',
    }),
    tigrisCall('POST', '/key/rotate', { user_id: 'u', id: 'tid_none' }),
    tigrisCall('DELETE', '/key', { user_id: 'u', user_role: 'Admin', id: 'tid_none' }),
    tigrisCall('POST', '/policies', { name: 'fuzz-policy', document: TIGRIS_POLICY }),
    tigrisCall('GET', '/policies?limit=5'),
    tigrisCall('PUT', '/policies/fuzz-policy', { document: TIGRIS_POLICY }),
    tigrisCall('POST', '/provision', { bucket_name: 'fuzz-bucket', org_name: 'Fuzz', user_id: 'u' }),
    tigrisCall('PUT', '', { user_id: 'u', user_role: 'Admin', org_quota: { limit_bytes: 10 } }),
    tigrisCall('GET', '/buckets?limit=10'),
    tigrisCall('PUT', '/buckets/example-bucket', { public: false }),
  ],
  send: (draft, endpoint, how) => sendHmacSigned(draft, endpoint, how, 'keyemu-tigris-signing-key'),
  envelopeProblem: tigrisEnvelopeProblem,
  credentialMutations: ['stale-time', 'wrong-key', 'no-signature', 'no-nonce', 'malformed-time'],
}

/** Paths a `path` mutation may put in place of a dialect's own. */
export const PATHS: Record<string, readonly string[]> = {
  iam: AWS_PATHS,
  sts: AWS_PATHS,
  lightsail: AWS_PATHS,
  linode: [
    '/v4//object-storage/keys',
    '/v4/object-storage/keys/%zz',
    `/v4/object-storage/keys/${'9'.repeat(400)}`,
    `/v4/object-storage/keys/${'a'.repeat(3000)}`,
    '/v4/object-storage/keys/1/../2',
    '/v4/object-storage/buckets/%2e%2e/x',
    '/v4/object-storage/buckets/us-east/%00',
    '/v4',
    '/v4/',
  ],
  bird: [
    '/organizations',
    '/organizations/',
    '/organizations//access-keys',
    `${BIRD_ORG}/access-keys/%zz`,
    `${BIRD_ORG}/access-keys/${'a'.repeat(3000)}`,
    `${BIRD_ORG}/access-keys/__proto__`,
    '/organizations/00000000-0000-4000-8000-000000000002/access-keys',
    `${BIRD_ORG}/access-keys/../iam-roles`,
  ],
  tigris: [
    '/v1/providers/keyemu/orgs/keyemu-org//key',
    '/v1/providers/keyemu/orgs/%zz/key',
    '/v1/providers/%zz/orgs/keyemu-org/key',
    '/v1/providers/nobody/orgs/keyemu-org/key',
    `/v1/providers/keyemu/orgs/${'o'.repeat(3000)}/key`,
    '/v1/providers/keyemu/orgs/keyemu-org/policies/%00',
    '/v1/providers/keyemu/orgs/__proto__/key',
    '/provider/keyemu/orgs/keyemu-org/keys',
    '/v1/providers',
  ],
}

export const targets: FuzzTarget[] = [iamTarget, stsTarget, lightsailTarget, linodeTarget, birdTarget, tigrisTarget]
