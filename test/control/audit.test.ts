import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import { expect, test } from 'vitest'
import { BIRD, ORG } from '../support/bird.js'
import { userWithKey } from '../support/iam-user.js'
import { forEachTransport } from '../support/transports.js'

const IAM = 'https://iam.amazonaws.com'
const ACCOUNT = '000000000000'

forEachTransport(
  'audit mode',
  (t) => {
    test('lets a denied IAM call through and records it as a would-be denial with the explanation explain gives', async () => {
      const { key } = await userWithKey(t, 'audited')
      const iam = new IAMClient({
        endpoint: t.endpoint(IAM),
        region: 'us-east-1',
        credentials: { accessKeyId: key.id, secretAccessKey: key.secret },
        maxAttempts: 1,
      })
      const { Users } = await iam.send(new ListUsersCommand({}))
      expect(Users?.map((u) => u.UserName)).toContain('audited')
      const explained = t.controls.explain({
        dialect: 'iam',
        credential: { accessKeyId: key.id },
        action: 'iam:ListUsers',
        resource: `arn:aws:iam::${ACCOUNT}:user/`,
      })
      const [entry] = t.controls.journal.list({ decision: 'would-deny' })
      expect(entry).toMatchObject({
        operation: 'ListUsers',
        status: 200,
        verdict: { effect: explained.effect, decidedBy: explained.decidedBy },
        wouldDeny: { code: 'Forbidden', message: explained.denial?.message },
      })
    })

    test('still refuses a credential it does not know: authentication is as strict', async () => {
      const res = await fetch(`${t.endpoint(BIRD)}/organizations/${ORG}/access-keys`, {
        headers: { authorization: 'AccessKey not-a-token' },
      })
      expect(res.status).toBe(401)
      expect(t.controls.journal.list({ decision: 'would-deny' })).toEqual([])
    })
  },
  { auth: 'audit' },
)
