import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
} from '@aws-sdk/client-iam'
import { describe, expect, test } from 'vitest'
import { openStore } from '../src/core/store.js'
import { createEmulator } from '../src/emulator.js'
import { ROOT } from './support/aws-signing.js'
import { startCli } from './support/cli.js'

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'keyemu-data-')), 'state.json')
const client = (endpoint: string) => new IAMClient({ endpoint, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 })

describe('persistence with --data', () => {
  test('keys and policies survive a restart', async () => {
    const data = tempFile()
    const first = await createEmulator({ data })
    const iam = client(await first.listen())
    await iam.send(new CreateUserCommand({ UserName: 'alice' }))
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))
    const doc = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    })
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'All', PolicyDocument: doc }))
    await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: Policy?.Arn }))
    await first.close()

    const second = await createEmulator({ data })
    const again = client(await second.listen())
    try {
      const keys = await again.send(new ListAccessKeysCommand({ UserName: 'alice' }))
      expect(keys.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([AccessKey?.AccessKeyId])
      const attached = await again.send(new ListAttachedUserPoliciesCommand({ UserName: 'alice' }))
      expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([Policy?.Arn])
      // The old key still signs: its secret was persisted too.
      const alice = new IAMClient({
        endpoint: second.url,
        region: 'us-east-1',
        credentials: {
          accessKeyId: AccessKey?.AccessKeyId as string,
          secretAccessKey: AccessKey?.SecretAccessKey as string,
        },
      })
      await expect(alice.send(new ListAccessKeysCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' })
    } finally {
      await second.close()
    }
  })

  test('a refused write leaves the file as it was', async () => {
    const data = tempFile()
    const emulator = await createEmulator({ data })
    const iam = client(await emulator.listen())
    try {
      await iam.send(new CreateUserCommand({ UserName: 'alice' }))
      const before = readFileSync(data, 'utf8')
      await expect(iam.send(new CreateUserCommand({ UserName: 'ALICE' }))).rejects.toMatchObject({
        name: 'EntityAlreadyExistsException',
      })
      expect(readFileSync(data, 'utf8')).toBe(before)
    } finally {
      await emulator.close()
    }
  })

  test('a process killed with SIGKILL during a burst of writes leaves a file that loads and holds every answered key', async () => {
    const data = tempFile()
    const setup = await startCli(['--data', data, '--log-level', 'silent'])
    const iam = client(setup.url)
    const users = Array.from({ length: 60 }, (_, i) => `user${i}`)
    for (const name of users) await iam.send(new CreateUserCommand({ UserName: name }))

    const answered: string[] = []
    let killed = false
    const burst = users.map(async (name) => {
      try {
        const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }))
        if (AccessKey?.AccessKeyId) answered.push(AccessKey.AccessKeyId)
        if (answered.length === 20 && !killed) {
          killed = true
          setup.child.kill('SIGKILL')
        }
      } catch {
        // in flight when the process died: neither promised nor required
      }
    })
    await Promise.all(burst)
    await setup.stop('SIGKILL')
    expect(killed).toBe(true)
    expect(answered.length).toBeGreaterThanOrEqual(20)

    // Answered changes may still be in the change log beside the file; opening the file takes them in.
    const reopened = await openStore({ file: data })
    const state = reopened.snapshot()
    for (const id of answered) expect(state.accessKeys[id], `key ${id} was answered`).toBeDefined()
    expect(Object.keys(state.users)).toHaveLength(users.length)
    await reopened.close()
    // After a clean stop the file alone is plain JSON holding it all.
    expect(JSON.parse(readFileSync(data, 'utf8'))).toEqual(state)
  })
})
