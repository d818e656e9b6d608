import { CreateAccessKeyCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam'
import { CreateBucketAccessKeyCommand, CreateBucketCommand, LightsailClient } from '@aws-sdk/client-lightsail'
import { expect, test } from 'vitest'
import { ROOT } from './support/aws-signing.js'
import { forEachTransport } from './support/transports.js'

forEachTransport('one AWS account across dialects', (t) => {
  test("Lightsail bucket keys are not root's IAM keys: not listed, not counted toward IAM's quota", async () => {
    const lightsail = new LightsailClient({
      endpoint: t.endpoint('https://lightsail.us-east-1.amazonaws.com'),
      region: 'us-east-1',
      credentials: ROOT,
    })
    await lightsail.send(new CreateBucketCommand({ bucketName: 'shared-account-bucket', bundleId: 'small_1_0' }))
    const { accessKey } = await lightsail.send(
      new CreateBucketAccessKeyCommand({ bucketName: 'shared-account-bucket' }),
    )
    expect(accessKey?.accessKeyId).toBeDefined()

    const iam = new IAMClient({
      endpoint: t.endpoint('https://iam.amazonaws.com'),
      region: 'us-east-1',
      credentials: ROOT,
    })
    const listed = await iam.send(new ListAccessKeysCommand({}))
    expect(listed.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual(['test'])
    const second = await iam.send(new CreateAccessKeyCommand({}))
    expect(second.AccessKey?.AccessKeyId).toMatch(/^AKIA/)
  })

  test('a Lightsail bucket key cannot manage IAM', async () => {
    const lightsail = new LightsailClient({
      endpoint: t.endpoint('https://lightsail.us-east-1.amazonaws.com'),
      region: 'us-east-1',
      credentials: ROOT,
    })
    await lightsail.send(new CreateBucketCommand({ bucketName: 'scoped-bucket', bundleId: 'small_1_0' }))
    const { accessKey } = await lightsail.send(new CreateBucketAccessKeyCommand({ bucketName: 'scoped-bucket' }))
    const credentials = {
      accessKeyId: accessKey?.accessKeyId as string,
      secretAccessKey: accessKey?.secretAccessKey as string,
    }
    const iam = new IAMClient({ endpoint: t.endpoint('https://iam.amazonaws.com'), region: 'us-east-1', credentials })
    await expect(iam.send(new ListAccessKeysCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' })
  })
})
