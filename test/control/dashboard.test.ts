import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import { type Browser, chromium, type Locator, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createEmulator, type Emulator } from '../../src/emulator.js'
import { ROOT } from '../support/aws-signing.js'

// The dashboard in a real browser: Debian's chromium, driven by playwright-core. Without chromium the
// browser tests are skipped with the reason printed, except in CI, where .ci/tools.sh installs it
// and its absence is a failure.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const present = existsSync(CHROMIUM)
const missing = `no chromium at ${CHROMIUM} (apt-get install chromium)`
if (!present) console.warn(`dashboard browser tests skipped: ${missing}`)

const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts/dashboard')
const CONTROL_TOKEN = 'dashboard-test-token'
// Without the background-networking flags Chromium keeps calling out to a network this machine does not have.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

let emu: Emulator
let url: string

beforeEach(async () => {
  emu = await createEmulator({ controlToken: CONTROL_TOKEN })
  url = await emu.listen(0)
})
afterEach(() => emu.close())

// The text as laid out, table cells apart.
// biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, not a DOM node
const shown = (locator: Locator) => locator.innerText()

const iam = (credentials = ROOT) => new IAMClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 })

describe('the dashboard over HTTP', () => {
  test('the page and its files are served without the token, with a policy that allows only the emulator', async () => {
    const page = await fetch(`${url}/_emu/ui`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    const html = await page.text()
    expect(html).toContain('/_emu/ui/app.js')
    expect(html).not.toMatch(/https?:\/\//)
    for (const [path, type] of [
      ['/_emu/ui/app.js', 'text/javascript; charset=utf-8'],
      ['/_emu/ui/app.css', 'text/css; charset=utf-8'],
    ]) {
      const res = await fetch(`${url}${path}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe(type)
      expect(await res.text()).not.toMatch(/https?:\/\//)
    }
  })

  test('the data it shows needs the control token', async () => {
    expect((await fetch(`${url}/_emu/ui/dialects`)).status).toBe(401)
    const res = await fetch(`${url}/_emu/ui/dialects`, { headers: { authorization: `Bearer ${CONTROL_TOKEN}` } })
    expect(await res.json()).toMatchObject({
      dialects: expect.arrayContaining([
        { name: 'iam', realm: 'aws' },
        { name: 'lightsail', realm: 'aws' },
        { name: 'linode', realm: 'linode' },
      ]),
    })
    expect((await fetch(`${url}/_emu/ui/app.js`, { method: 'POST' })).status).toBe(401)
  })
})

if (!present && process.env.CI) {
  test('CI has the chromium the dashboard tests need', () => {
    expect.fail(`CI is set but there is ${missing}: .ci/tools.sh installs it`)
  })
}

describe.skipIf(!present)('the dashboard in headless Chromium', () => {
  let browser: Browser

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    // Each launch gets a new empty profile of playwright's own, removed on close.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
  }, 60_000)
  afterAll(() => browser?.close())

  /** A page that records every console error, failed request and error answer it meets. */
  async function open(path: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    const problems: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`)
    })
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
    page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`))
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`)
    })
    await page.goto(`${url}${path}`)
    return { page, problems }
  }

  test('shows a key made through the API, never its secret, and a denial with its explanation', async () => {
    await iam().send(new CreateUserCommand({ UserName: 'dashboard-user' }))
    const { AccessKey } = await iam().send(new CreateAccessKeyCommand({ UserName: 'dashboard-user' }))
    const key = { accessKeyId: AccessKey?.AccessKeyId as string, secretAccessKey: AccessKey?.SecretAccessKey as string }
    // A user without a policy may not list users.
    await expect(iam(key).send(new ListUsersCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' })

    const { page, problems } = await open(`/_emu/ui?token=${CONTROL_TOKEN}`)
    // The token leaves the address once the page has it.
    expect(new URL(page.url()).search).toBe('')

    const row = page.locator(`#inventory tr[data-key="${key.accessKeyId}"]`)
    await row.waitFor()
    expect(await shown(row)).toMatch(/user dashboard-user\s+Active/)
    expect(await shown(row)).toContain("its user's policies")

    const denial = page.locator('#journal tr.refused', { hasText: 'ListUsers' })
    await denial.waitFor()
    const denied = await shown(denial)
    expect(denied).toContain(key.accessKeyId)
    expect(denied).toContain('403')
    expect(denied).toContain("no statement of the user's policies allows it")
    expect(await denial.evaluate((tr) => getComputedStyle(tr).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)')
    // Live: a denial made while the page is open appears without a reload.
    await expect(iam(key).send(new ListUsersCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' })
    await page.locator('#journal tr.refused', { hasText: 'ListUsers' }).nth(1).waitFor()

    // Its effective access, as explain sees it: the common IAM actions, each decided.
    await row.getByRole('button', { name: 'Access' }).click()
    const listUsers = page.locator('#summary-body tr', { hasText: 'iam:ListUsers' })
    await listUsers.waitFor()
    expect(await shown(listUsers)).toMatch(/deny \(implicit\)\s+no statement of the user's policies allows it/)
    expect(await shown(listUsers)).toContain('is not authorized to perform: iam:ListUsers')

    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true })
    expect(await page.content()).not.toContain(key.secretAccessKey)
    expect(problems).toEqual([])
  })

  test('explains one action on one resource for a key picked', async () => {
    const { page, problems } = await open(`/_emu/ui?token=${CONTROL_TOKEN}`)
    await page.locator('#key option[value="test"]').waitFor({ state: 'attached' })
    await page.selectOption('#key', 'test')
    await page.selectOption('#dialect', 'iam')
    await page.fill('#action', 'iam:DeleteUser')
    await page.fill('#resource', 'arn:aws:iam::000000000000:user/anyone')
    await page.getByRole('button', { name: 'Explain' }).click()
    const answer = page.locator('#explained tr', { hasText: 'iam:DeleteUser' })
    await answer.waitFor()
    expect(await shown(answer)).toContain("the account's root identity, which no policy limits")
    await page.locator('#access').screenshot({ path: join(ARTIFACTS, 'explain.png') })
    expect(problems).toEqual([])
  })

  test('without the token the page asks for it, and then shows the state', async () => {
    const { page } = await open('/_emu/ui')
    const form = page.locator('#token-form')
    await form.waitFor()
    await page.fill('#token', CONTROL_TOKEN)
    await form.getByRole('button', { name: 'Use it' }).click()
    await page.locator('#inventory tr[data-key="test"]').waitFor()
    await form.waitFor({ state: 'hidden' })
  })

  test('what the state holds is shown as text, never as markup', async () => {
    await iam().send(new CreateUserCommand({ UserName: 'markup' }))
    await emu.store.update((tx) => {
      const user = Object.values(tx.state.users).find((u) => u.name === 'markup')
      if (user) tx.put('users', user.id, { ...user, name: '<img src=x onerror="document.title=1">' })
    })
    const { page, problems } = await open(`/_emu/ui?token=${CONTROL_TOKEN}`)
    await page.locator('#inventory td', { hasText: '<img src=x' }).waitFor()
    expect(await page.locator('#inventory img').count()).toBe(0)
    expect(await page.title()).toBe('keyemu dashboard')
    expect(problems).toEqual([])
  })
})
