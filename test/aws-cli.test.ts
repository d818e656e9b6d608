import { expect, test } from 'vitest'
import { AWS_KEY_SHAPE, IAM_KEYS } from '../src/protocol/aws/key-shape.js'
import { describeWithAwsCli, runAws, serveForCli } from './support/aws-cli.js'
import { ACCOUNT } from './support/iam-user.js'

// The AWS CLI (botocore), unmodified, against the server on a loopback port.

describeWithAwsCli('aws CLI', () => {
  const emu = serveForCli()

  test('aws sts get-caller-identity names the root of the seeded account', async () => {
    const out = await runAws(emu.url, ['sts', 'get-caller-identity'])
    expect(out.code, out.stderr).toBe(0)
    expect(out.json()).toEqual({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root`, UserId: ACCOUNT })
  })

  test('aws sts get-caller-identity names an IAM user by its key, in any region', async () => {
    const created = await runAws(emu.url, ['iam', 'create-user', '--user-name', 'ci-uploader'])
    expect(created.code, created.stderr).toBe(0)
    const key = (await runAws(emu.url, ['iam', 'create-access-key', '--user-name', 'ci-uploader'])).json<{
      AccessKey: { AccessKeyId: string; SecretAccessKey: string }
    }>().AccessKey
    const credentials = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey }
    const out = await runAws(emu.url, ['sts', 'get-caller-identity'], { credentials, region: 'eu-west-3' })
    expect(out.code, out.stderr).toBe(0)
    expect(out.json()).toMatchObject({
      Account: ACCOUNT,
      Arn: `arn:aws:iam::${ACCOUNT}:user/ci-uploader`,
      UserId: expect.stringMatching(/^AIDA/),
    })
  })

  test('aws sts get-caller-identity with an unknown key fails with InvalidClientTokenId', async () => {
    const credentials = { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'nope' }
    const out = await runAws(emu.url, ['sts', 'get-caller-identity'], { credentials })
    expect(out.code).not.toBe(0)
    expect(out.stderr).toMatch(/\(InvalidClientTokenId\) when calling the GetCallerIdentity operation/)
  })

  test('aws iam list-access-keys lists the keys the emulator holds, without secrets', async () => {
    const user = await emu.emulator.core.createUser({ accountId: ACCOUNT, name: 'alice' })
    const { id } = await emu.emulator.core.createAccessKey({
      namespace: IAM_KEYS,
      accountId: ACCOUNT,
      userId: user.id,
      shape: AWS_KEY_SHAPE,
    })
    const out = await runAws(emu.url, ['iam', 'list-access-keys', '--user-name', 'alice'])
    expect(out.code, out.stderr).toBe(0)
    const listed = out.json<{ AccessKeyMetadata: { AccessKeyId: string; UserName: string; Status: string }[] }>()
    expect(listed.AccessKeyMetadata).toEqual([
      expect.objectContaining({ AccessKeyId: id, UserName: 'alice', Status: 'Active' }),
    ])
    expect(out.stdout).not.toMatch(/Secret/)
  })

  test('never reads the configuration of the user running it', async () => {
    // A profile named in the environment would make the CLI look for it; the temp config has none.
    const out = await runAws(emu.url, ['sts', 'get-caller-identity'], { env: { AWS_PROFILE: 'someone-else' } })
    expect(out.code).not.toBe(0)
    expect(out.stderr).toMatch(/profile \(someone-else\) could not be found/)
  })
})
