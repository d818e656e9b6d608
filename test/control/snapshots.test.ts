import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import { expect, test } from 'vitest'
import { redactedState } from '../../src/control/control.js'
import { ROOT } from '../support/aws-signing.js'
import { forEachTransport } from '../support/transports.js'

const IAM = 'https://iam.amazonaws.com'

forEachTransport('snapshots', (t) => {
  const iam = (credentials = ROOT) =>
    new IAMClient({ endpoint: t.endpoint(IAM), region: 'us-east-1', credentials, maxAttempts: 1 })

  test('snapshot, change, restore: the state is the snapshot again and a key made since no longer authenticates', async () => {
    await iam().send(new CreateUserCommand({ UserName: 'before' }))
    const taken = t.controls.snapshots.take({ name: 'clean' })
    const saved = redactedState(t.controls.state())
    await iam().send(new CreateUserCommand({ UserName: 'after' }))
    const { AccessKey } = await iam().send(new CreateAccessKeyCommand({ UserName: 'after' }))
    const later = { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' }
    await iam(later)
      .send(new ListUsersCommand({}))
      .catch(() => undefined)
    expect(t.controls.snapshots.list()).toEqual([taken])
    await t.controls.snapshots.restore('clean')
    expect(redactedState(t.controls.state())).toEqual(saved)
    await expect(iam(later).send(new ListUsersCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' })
  })

  test('reset returns to the seed; a deleted or unknown snapshot is NotFound; bad names are refused', async () => {
    const seed = t.controls.state()
    await iam().send(new CreateUserCommand({ UserName: 'gone' }))
    t.controls.snapshots.take({ name: 'one' })
    await t.controls.reset()
    expect(t.controls.state()).toEqual(seed)
    t.controls.snapshots.delete('one')
    await expect(t.controls.snapshots.restore('one')).rejects.toThrow('There is no snapshot one.')
    expect(() => t.controls.snapshots.take({ name: '../x' })).toThrow(/snapshot name/)
    expect(() => t.controls.snapshots.take({})).toThrow()
  })
})
