import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import type { Seed } from '../../src/core/seed.js'
import { defaultSeedFile } from '../../src/version.js'
import type { Transport } from './transports.js'

export const BIRD = 'https://api.bird.com'
export const ORG = '00000000-0000-4000-8000-000000000001'
export const TOKEN = 'keyemu-bird-token'
export const OWNER_ROLE = '00000000-0000-4000-8000-000000000101'
export const VIEWER_ROLE = '00000000-0000-4000-8000-000000000102'
export const OTHER_ORG = '00000000-0000-4000-8000-000000000002'
export const OTHER_TOKEN = 'keyemu-bird-other-token'
export const OTHER_ROLE = '00000000-0000-4000-8000-000000000301'

/** The default seed plus a second Bird organization with an owner key of its own. */
export function birdSeed(): Seed {
  const seed = JSON.parse(readFileSync(defaultSeedFile, 'utf8')) as Seed
  seed.accounts.push({
    id: OTHER_ORG,
    name: 'other-bird',
    realm: 'bird',
    policies: [
      {
        id: OTHER_ROLE,
        name: 'Owner',
        document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'bird:*', Resource: '*' }] },
      },
    ],
    rootKeys: [
      {
        accessKeyId: '00000000-0000-4000-8000-000000000401',
        secretAccessKey: OTHER_TOKEN,
        label: 'other',
        policies: ['Owner'],
      },
    ],
  })
  return seed
}

export interface BirdAnswer {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are inspected freely by the tests
  body: any
  text: string
  contentType: string | null
}

/** Plain fetch against the Accounts API (no official client exists), as `token` (null: no header). */
export function birdClient(t: Transport) {
  return async function call(
    method: string,
    path: string,
    options: { body?: unknown; raw?: string; token?: string | null; scheme?: string } = {},
  ): Promise<BirdAnswer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    const token = options.token === undefined ? TOKEN : options.token
    if (token !== null) headers.authorization = `${options.scheme ?? 'AccessKey'} ${token}`
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
    const res = await fetch(`${t.endpoint(BIRD)}${path}`, { method, headers, ...(body !== undefined && { body }) })
    const text = await res.text()
    return {
      status: res.status,
      body: text ? JSON.parse(text) : undefined,
      text,
      contentType: res.headers.get('content-type'),
    }
  }
}

/** Bird's error envelope, checked. */
export function expectBirdError(answer: BirdAnswer, status: number, code: string): void {
  expect(answer.status).toBe(status)
  expect(answer.contentType).toBe('application/json')
  expect(Object.keys(answer.body)).toEqual(['code', 'message', 'details'])
  expect(answer.body.code).toBe(code)
  expect(answer.body.message).toEqual(expect.any(String))
}
