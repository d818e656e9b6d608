import { CreateUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import { describe, expect, test } from 'vitest'
import { createJournal } from '../../src/control/journal.js'
import { AWS_KEY_SHAPE, IAM_KEYS } from '../../src/protocol/aws/key-shape.js'
import type { RequestRecord } from '../../src/protocol/dispatch.js'
import { ROOT } from '../support/aws-signing.js'
import { forEachTransport } from '../support/transports.js'

const IAM = 'https://iam.amazonaws.com'
const ACCOUNT = '000000000000'

const record = (n: number, over: Partial<RequestRecord> = {}): RequestRecord => ({
  dialect: 'iam',
  operation: `Op${n}`,
  status: 200,
  ms: 1,
  requestId: `r${n}`,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  principal: null,
  verdict: null,
  ...over,
})

describe('journal', () => {
  test('keeps only the last N entries, newest first', () => {
    const journal = createJournal(3)
    for (let n = 1; n <= 5; n++) journal.record(record(n))
    expect(journal.list().map((e) => e.requestId)).toEqual(['r5', 'r4', 'r3'])
    expect(journal.list({ limit: '2' }).map((e) => e.requestId)).toEqual(['r5', 'r4'])
  })

  test('filters by time, status and decision, and refuses a bad filter naming it', () => {
    const journal = createJournal()
    for (let n = 1; n <= 5; n++) journal.record(record(n, n === 4 ? { status: 403 } : {}))
    const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString()
    expect(journal.list({ since: at(2), until: at(3) }).map((e) => e.requestId)).toEqual(['r3', 'r2'])
    expect(journal.list({ status: '403' }).map((e) => e.requestId)).toEqual(['r4'])
    expect(journal.list({ decision: 'none' })).toHaveLength(5)
    expect(() => journal.list({ decision: 'maybe' })).toThrow(/decision/)
    expect(() => journal.list({ colour: 'red' })).toThrow(/colour/)
    journal.clear()
    expect(journal.list()).toEqual([])
  })
})

forEachTransport('journal', (t) => {
  const iam = (credentials = ROOT) =>
    new IAMClient({ endpoint: t.endpoint(IAM), region: 'us-east-1', credentials, maxAttempts: 1 })

  test('records each request with its principal and decision, and never a secret or a body', async () => {
    await iam().send(new CreateUserCommand({ UserName: 'journalled' }))
    const user = t.core.getUser(ACCOUNT, 'journalled')
    const key = await t.core.createAccessKey({
      namespace: IAM_KEYS,
      accountId: ACCOUNT,
      userId: user.id,
      shape: AWS_KEY_SHAPE,
    })
    await expect(
      iam({ accessKeyId: key.id, secretAccessKey: key.secret }).send(new ListUsersCommand({})),
    ).rejects.toThrow()
    const [denied, created] = t.controls.journal.list()
    expect(created).toMatchObject({
      dialect: 'iam',
      operation: 'CreateUser',
      status: 200,
      principal: { accountId: ACCOUNT, userId: null, keyId: 'test' },
      verdict: { effect: 'allow', via: 'root' },
    })
    expect(denied).toMatchObject({
      operation: 'ListUsers',
      status: 403,
      principal: { keyId: key.id, userId: user.id },
      verdict: { effect: 'implicit-deny', decidedBy: "no statement of the user's policies allows it" },
    })
    expect(typeof denied?.requestId).toBe('string')
    expect(denied?.ms).toBeGreaterThanOrEqual(0)
    expect(JSON.stringify(t.controls.journal.list())).not.toContain(key.secret)
    expect(JSON.stringify(t.controls.journal.list())).not.toContain('journalled')
    expect(t.controls.journal.list({ key: key.id, decision: 'deny' })).toEqual([denied])
    expect(t.controls.journal.list({ dialect: 'linode' })).toEqual([])
    expect(t.controls.journal.list({ operation: 'CreateUser' })).toEqual([created])
  })

  test('records a request refused before any decision, with no verdict', async () => {
    await expect(
      iam({ accessKeyId: 'AKIAUNKNOWNUNKNOWN12', secretAccessKey: 'x' }).send(new ListUsersCommand({})),
    ).rejects.toThrow()
    expect(t.controls.journal.list({ decision: 'none' })[0]).toMatchObject({
      status: 403,
      principal: null,
      verdict: null,
    })
  })
})
