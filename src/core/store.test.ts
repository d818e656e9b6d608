import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { createCore } from './core.js'
import { emptyState } from './model.js'
import { entry, openStore } from './store.js'

const account = { id: 'acct', name: 'a', realm: 'test', regions: [] }

describe('store transactions', () => {
  test('a change that throws half-way is undone whole', async () => {
    const store = await openStore()
    const core = createCore({ store })
    await core.createAccount(account)
    const before = store.snapshot()
    await expect(
      store.update(({ state, put, remove, setCounter }) => {
        put('tokens', 't1', { token: 't1', accountId: 'acct', label: 'x', scopes: ['*'], createdAt: 'now' })
        setCounter('keySerial', 99)
        remove('accounts', 'acct')
        throw new Error(`boom after ${Object.keys(state.tokens).length} token`)
      }),
    ).rejects.toThrow('boom')
    expect(store.snapshot()).toEqual(before)
  })

  test('stored entities are frozen: a change made around the transaction throws and is undone', async () => {
    const store = await openStore()
    const core = createCore({ store })
    await core.createAccount(account)
    const before = store.snapshot()
    await expect(
      store.update(({ state, put }) => {
        put('tokens', 't1', { token: 't1', accountId: 'acct', label: 'x', scopes: ['*'], createdAt: 'now' })
        ;(state.accounts.acct as { name: string }).name = 'changed in place'
      }),
    ).rejects.toThrow(TypeError)
    expect(store.snapshot()).toEqual(before)
  })

  test('a change the disk refuses is not kept in memory either', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyemu-store-'))
    const file = join(dir, 'state.json')
    const store = await openStore({ file, initial: emptyState() })
    const core = createCore({ store })
    await core.createAccount(account)
    const before = store.snapshot()
    rmSync(dir, { recursive: true })
    await expect(core.createAccount({ ...account, id: 'second' })).rejects.toMatchObject({ code: 'Internal' })
    expect(store.snapshot()).toEqual(before)
  })

  test('ids a client sends never reach Object.prototype', async () => {
    const store = await openStore()
    const core = createCore({ store })
    for (const id of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(core.findToken(id)).toBeUndefined()
      expect(core.getAccount(id)).toBeUndefined()
      expect(core.findKeyForAuth(['aws'], id)).toBeUndefined()
    }
    await core.createAccount(account)
    await core.addToken({ token: '__proto__', accountId: 'acct', label: 'odd', scopes: ['*'] })
    expect(core.findToken('__proto__')?.accountId).toBe('acct')
    expect(Object.getPrototypeOf(store.snapshot().tokens)).toBe(Object.prototype)
    expect(store.read((s) => entry(s.tokens, 'constructor'))).toBeUndefined()
  })

  test('the file and its change log hold what memory holds after every change, and the file alone after close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyemu-store-'))
    const file = join(dir, 'state.json')
    const store = await openStore({ file, initial: emptyState() })
    const core = createCore({ store })
    await core.createAccount(account)
    await expect(core.createAccount(account)).rejects.toMatchObject({ code: 'AlreadyExists' })
    await core.addToken({ token: 't1', accountId: 'acct', label: 'x', scopes: ['*'] })
    // A copy of both files is what a restart after SIGKILL would find.
    const copy = mkdtempSync(join(tmpdir(), 'keyemu-store-'))
    copyFileSync(file, join(copy, 'state.json'))
    copyFileSync(`${file}.changes`, join(copy, 'state.json.changes'))
    const restarted = await openStore({ file: join(copy, 'state.json') })
    expect(restarted.snapshot()).toEqual(store.snapshot())
    await restarted.close()

    await store.close()
    expect(existsSync(`${file}.changes`)).toBe(false)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(store.snapshot())
    rmSync(dir, { recursive: true })
    rmSync(copy, { recursive: true })
  })

  test('a change log line cut short by a crash is left out, and the lines before it are kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyemu-store-'))
    const file = join(dir, 'state.json')
    const store = await openStore({ file, initial: emptyState() })
    await createCore({ store }).createAccount(account)
    const kept = store.snapshot()
    appendFileSync(`${file}.changes`, '[["accounts","cut",{"id":"cu')
    const reopened = await openStore({ file })
    expect(reopened.snapshot()).toEqual(kept)
    await reopened.close()
    rmSync(dir, { recursive: true })
  })

  test('a state file written before key namespaces gives each key the realm of its account', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyemu-store-'))
    const file = join(dir, 'state.json')
    const old = emptyState()
    old.accounts.acct = { ...account, realm: 'aws', createdAt: 'then' }
    const key = { id: 'AKIAOLDOLDOLDOLDOLD1', secret: 's', accountId: 'acct', userId: null, status: 'Active' }
    writeFileSync(
      file,
      JSON.stringify({
        ...old,
        accessKeys: { [key.id]: { ...key, createdAt: 'then', updatedAt: 'then', lastUsed: null, serial: 1 } },
      }),
    )
    const core = createCore({ store: await openStore({ file }) })
    expect(core.findKeyForAuth(['aws'], key.id)?.namespace).toBe('aws')
    expect(core.findKeyForAuth(['linode'], key.id)).toBeUndefined()
    rmSync(dir, { recursive: true })
  })

  test('a state file written before objects loads with none, and takes logged objects in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyemu-store-'))
    const file = join(dir, 'state.json')
    const { objects, uploads, parts, sandboxes: _, ...old } = emptyState()
    writeFileSync(file, JSON.stringify(old))
    const object = { bucketId: 'b', key: 'k', size: 0, etag: '"x"', lastModified: 'then', headers: {}, metadata: {} }
    const logged = { ...object, checksums: {}, body: [] }
    appendFileSync(`${file}.changes`, `${JSON.stringify([['objects', 'b/k', logged]])}\n`)
    const store = await openStore({ file })
    expect(store.snapshot()).toMatchObject({ objects: { 'b/k': logged }, uploads: {}, parts: {} })
    expect([objects, uploads, parts]).toEqual([{}, {}, {}])
    await store.close()
    rmSync(dir, { recursive: true })
  })

  test('a state file written before sandboxes loads with none, and keeps those made since', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyemu-store-'))
    const file = join(dir, 'state.json')
    const { sandboxes: _, ...old } = emptyState()
    writeFileSync(file, JSON.stringify(old))
    const store = await openStore({ file })
    expect(store.snapshot().sandboxes).toEqual({})
    await store.update((tx) => tx.put('sandboxes', 'sbx-1', { id: 'sbx-1', createdAt: 'now', seed: {} }))
    await store.close()
    expect((await openStore({ file })).snapshot().sandboxes).toEqual({
      'sbx-1': { id: 'sbx-1', createdAt: 'now', seed: {} },
    })
    rmSync(dir, { recursive: true })
  })
})
