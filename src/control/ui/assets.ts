// The dashboard's files as strings, so that the bundled CLI and the library serve them without a
// file lookup. Checked in a real browser by test/control/dashboard.test.ts.

/** The page: structure only; app.js fills it in. */
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>keyemu dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/_emu/ui/app.css">
<script src="/_emu/ui/app.js" defer></script>
</head>
<body>
<header>
  <h1>keyemu</h1>
  <span id="mode"></span>
  <button type="button" id="refresh">Refresh</button>
</header>
<main>
  <form id="token-form" hidden>
    <label>Control token <input id="token" type="password" autocomplete="off" required></label>
    <button>Use it</button>
  </form>
  <p id="problem" role="alert" hidden></p>
  <section id="inventory">
    <h2>Accounts, keys, users and buckets</h2>
    <p class="hint">Per dialect, never a secret. Refreshed every two seconds.</p>
    <div id="inventory-body"></div>
  </section>
  <section id="access">
    <h2>Effective access</h2>
    <p class="hint">What <code>POST /_emu/explain</code> answers for a key: the evaluator the requests meet.</p>
    <form id="explain-form">
      <label>Key <select id="key"></select></label>
      <label>Dialect <select id="dialect"></select></label>
      <label>Action <input id="action" list="actions" placeholder="iam:ListUsers" required></label>
      <label>Resource <input id="resource" placeholder="*"></label>
      <label>Region <input id="region" placeholder="optional" size="10"></label>
      <button>Explain</button>
      <datalist id="actions"></datalist>
    </form>
    <div id="explained"></div>
    <h3>Common actions</h3>
    <div id="summary-body"></div>
  </section>
  <section id="journal">
    <h2>Journal</h2>
    <p class="hint">
      <label>Show <select id="decision">
        <option value="">every request</option>
        <option value="deny">denials</option>
        <option value="would-deny">would-be denials (audit)</option>
        <option value="allow">allowed</option>
      </select></label>
      <label><input type="checkbox" id="pause"> Pause</label>
      <span id="journal-count"></span>
    </p>
    <div id="journal-body"></div>
  </section>
</main>
</body>
</html>
`

/** Its style sheet. */
export const DASHBOARD_STYLE = `:root { color-scheme: light; --ink: #1d2430; --muted: #5b6576; --line: #d9dee7; --bg: #f6f7f9; --allow: #1f7a3a; --deny: #b42318; --warn: #9a6700; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; gap: 1rem; align-items: baseline; padding: .6rem 1.2rem; background: #1d2430; color: #fff; }
header h1 { margin: 0; font-size: 1.2rem; }
#mode { color: #c9d1dd; flex: 1; }
main { padding: 0 1.2rem 2rem; max-width: 1400px; }
section { margin-top: 1.2rem; }
h2 { font-size: 1.1rem; margin: 0 0 .2rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: .8rem 0 .3rem; }
h4 { font-size: .85rem; margin: .6rem 0 .2rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.hint, .empty, small { color: var(--muted); }
.realm-name { text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.account { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .4rem .8rem .6rem; margin-bottom: .6rem; }
.account h3 { display: flex; gap: .5rem; align-items: center; margin-top: .2rem; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; font-size: .8rem; color: var(--muted); }
td.num { text-align: right; white-space: nowrap; }
code { font: 12px/1.3 ui-monospace, "SFMono-Regular", Menlo, monospace; overflow-wrap: anywhere; }
.badge { display: inline-block; white-space: nowrap; padding: 0 .45rem; border-radius: 9px; font-size: .75rem; font-weight: 600; color: #fff; background: var(--muted); }
.badge.allow { background: var(--allow); }
.badge.deny { background: var(--deny); }
tr.refused { background: #fdecea; }
tr.refused.would-deny { background: #fff4d6; }
tr.refused.would-deny .badge { background: var(--warn); }
tr.deny td:first-child { box-shadow: inset 3px 0 var(--deny); }
.denial { color: var(--deny); font-size: .85rem; }
form { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin: .4rem 0; }
label { display: inline-flex; flex-direction: column; font-size: .8rem; color: var(--muted); gap: .1rem; }
.hint label { display: inline; margin-right: 1rem; }
input, select, button { font: inherit; padding: .25rem .4rem; }
button { cursor: pointer; border: 1px solid #8893a5; border-radius: 4px; background: #fff; }
#problem { background: #fdecea; color: var(--deny); padding: .5rem .8rem; border-radius: 4px; }
`

/** Its script: plain browser JavaScript, no build step, no dependency. Written inside String.raw, so it holds no backtick and no dollar-brace. */
export const DASHBOARD_SCRIPT = String.raw`'use strict'
;(() => {
  const TOKEN_KEY = 'keyemu.controlToken'
  const JOURNAL_LIMIT = 100
  const POLL_MS = 2000
  // Rows shown per table, however many the state holds.
  const MAX_ROWS = 200
  // Common actions per dialect, with the resource they are asked on: {account}, {user}, {bucket}
  // are filled in from the key picked.
  const PRESETS = {
    iam: [
      ['iam:ListUsers', '*'],
      ['iam:GetUser', 'arn:aws:iam::{account}:user/{user}'],
      ['iam:CreateUser', 'arn:aws:iam::{account}:user/new-user'],
      ['iam:CreateAccessKey', 'arn:aws:iam::{account}:user/{user}'],
      ['iam:ListAccessKeys', 'arn:aws:iam::{account}:user/{user}'],
      ['s3:ListAllMyBuckets', '*'],
      ['s3:GetObject', 'arn:aws:s3:::{bucket}/*'],
      ['s3:PutObject', 'arn:aws:s3:::{bucket}/*'],
    ],
    lightsail: [
      ['lightsail:GetBuckets', '*'],
      ['lightsail:CreateBucketAccessKey', '*'],
      ['s3:ListBucket', 'arn:aws:s3:::{bucket}'],
      ['s3:GetObject', 'arn:aws:s3:::{bucket}/*'],
      ['s3:PutObject', 'arn:aws:s3:::{bucket}/*'],
    ],
    linode: [
      ['s3:ListBucket', 'arn:aws:s3:::{bucket}'],
      ['s3:GetObject', 'arn:aws:s3:::{bucket}/*'],
      ['s3:PutObject', 'arn:aws:s3:::{bucket}/*'],
    ],
    tigris: [
      ['tigris:ListAccessKeys', 'tigris:org/{account}/keys'],
      ['s3:ListBucket', 'arn:aws:s3:::{bucket}'],
      ['s3:GetObject', 'arn:aws:s3:::{bucket}/*'],
      ['s3:PutObject', 'arn:aws:s3:::{bucket}/*'],
    ],
    bird: [
      ['bird:ListAccessKeys', 'access-key/*'],
      ['bird:CreateAccessKey', 'access-key/*'],
      ['bird:DeleteAccessKey', 'access-key/*'],
      ['bird:ListRoles', 'role/*'],
    ],
  }

  const $ = (id) => document.getElementById(id)
  const view = { dialects: [], state: null, seen: '', keyIds: '', paused: false, timer: 0 }

  // Every node is built with text nodes: nothing the emulator holds is ever parsed as HTML.
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag)
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue
      if (name === 'class') node.className = value
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value)
      else node.setAttribute(name, value === true ? '' : String(value))
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue
      node.append(child instanceof Node ? child : document.createTextNode(String(child)))
    }
    return node
  }

  // The control token arrives once in the address (?token=), is kept for this tab only, and leaves the address.
  function takeTokenFromAddress() {
    const url = new URL(location.href)
    const token = url.searchParams.get('token')
    if (token === null) return
    sessionStorage.setItem(TOKEN_KEY, token)
    url.searchParams.delete('token')
    history.replaceState(null, '', url.pathname + url.search + url.hash)
  }

  async function api(method, path, body) {
    const headers = { accept: 'application/json' }
    const token = sessionStorage.getItem(TOKEN_KEY)
    if (token) headers.authorization = 'Bearer ' + token
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const answer = await res.json().catch(() => ({}))
    if (res.status === 401) {
      $('token-form').hidden = false
      throw new Error(answer.message || 'The control plane needs its token.')
    }
    if (!res.ok) throw new Error(answer.message || method + ' ' + path + ' answered ' + res.status)
    return answer
  }

  function problem(err) {
    const node = $('problem')
    node.hidden = !err
    node.textContent = err ? String(err.message || err) : ''
  }

  const when = (iso) => (iso ? new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '')
  const byId = (record, id) => (id ? record[id] : undefined)

  // A table of the first MAX_ROWS items, saying how many there are when there are more.
  function table(headings, items, toRow, empty) {
    if (!items.length) return h('p', { class: 'empty' }, empty)
    return h(
      'table',
      {},
      items.length > MAX_ROWS ? h('caption', {}, 'The first ' + MAX_ROWS + ' of ' + items.length) : null,
      h('thead', {}, h('tr', {}, headings.map((x) => h('th', {}, x)))),
      h('tbody', {}, items.slice(0, MAX_ROWS).map(toRow)),
    )
  }

  function scopeOf(key, state) {
    const parts = []
    if (key.bucketId) parts.push('bucket ' + (byId(state.buckets, key.bucketId)?.name ?? key.bucketId))
    for (const g of key.scope?.grants ?? []) parts.push(g.bucket + (g.region ? ' (' + g.region + ')' : '') + ': ' + g.access)
    for (const a of key.scope?.accountActions ?? []) parts.push(a)
    for (const id of key.policyIds ?? []) parts.push('policy ' + (byId(state.policies, id)?.name ?? id))
    if (key.regions?.length) parts.push('regions ' + key.regions.join(', '))
    if (parts.length) return parts.join('; ')
    return key.userId ? "its user's policies" : 'root: unlimited'
  }

  function ownerOf(key, state) {
    if (key.userId) return 'user ' + (byId(state.users, key.userId)?.name ?? key.userId)
    return key.holder ? 'holder ' + key.holder : 'root'
  }

  function accountCard(account, state) {
    const users = Object.values(state.users).filter((u) => u.accountId === account.id)
    const buckets = Object.values(state.buckets).filter((b) => b.accountId === account.id)
    const keys = Object.values(state.accessKeys).filter((k) => k.accountId === account.id)
    const tokens = Object.values(state.tokens).filter((t) => t.accountId === account.id)
    const policyName = (id) => byId(state.policies, id)?.name ?? id
    return h(
      'article',
      { class: 'account' },
      h(
        'h3',
        {},
        account.name,
        ' ',
        h('code', {}, account.id),
        account.disabled ? h('span', { class: 'badge deny' }, 'disabled') : h('span', { class: 'badge allow' }, 'enabled'),
      ),
      h('h4', {}, 'Keys'),
      table(
        ['Key id', 'Namespace', 'Owner', 'Status', 'Scope', 'Last use', ''],
        keys,
        (k) =>
          h(
            'tr',
            { 'data-key': k.id },
            h('td', {}, h('code', {}, k.id)),
            h('td', {}, k.namespace),
            h('td', {}, ownerOf(k, state)),
            h('td', {}, h('span', { class: 'badge ' + (k.status === 'Active' ? 'allow' : 'deny') }, k.status)),
            h('td', {}, scopeOf(k, state)),
            h('td', {}, k.lastUsed ? when(k.lastUsed.at) + ' \u00b7 ' + k.lastUsed.service + ' ' + k.lastUsed.region : 'never'),
            h('td', {}, h('button', { type: 'button', onclick: () => pickKey(k.id) }, 'Access')),
          ),
        'No keys.',
      ),
      users.length
        ? [
            h('h4', {}, 'Users'),
            table(
              ['Name', 'Path', 'Policies', 'Created'],
              users,
              (u) =>
                h(
                  'tr',
                  {},
                  h('td', {}, u.name),
                  h('td', {}, u.path),
                  h('td', {}, [...Object.keys(u.inlinePolicies), ...u.attachedPolicyIds.map(policyName)].join(', ') || 'none'),
                  h('td', {}, when(u.createdAt)),
                ),
              '',
            ),
          ]
        : null,
      buckets.length
        ? [
            h('h4', {}, 'Buckets'),
            table(
              ['Name', 'Region', 'Created'],
              buckets,
              (b) => h('tr', {}, h('td', {}, b.name), h('td', {}, b.region), h('td', {}, when(b.createdAt))),
              '',
            ),
          ]
        : null,
      tokens.length
        ? [
            h('h4', {}, 'Tokens'),
            table(
              ['Label', 'Scopes', 'Created'],
              tokens,
              (t) => h('tr', {}, h('td', {}, t.label), h('td', {}, t.scopes.join(' ')), h('td', {}, when(t.createdAt))),
              '',
            ),
          ]
        : null,
    )
  }

  function renderInventory() {
    const state = view.state
    const realms = []
    for (const d of view.dialects) if (!realms.includes(d.realm)) realms.push(d.realm)
    const accounts = Object.values(state.accounts)
    const sections = realms.map((realm) =>
      h(
        'section',
        { class: 'realm' },
        h('h3', { class: 'realm-name' }, view.dialects.filter((d) => d.realm === realm).map((d) => d.name).join(' \u00b7 ')),
        accounts.filter((a) => a.realm === realm).map((a) => accountCard(a, state)),
      ),
    )
    $('inventory-body').replaceChildren(...sections)
    const select = $('key')
    const chosen = select.value
    const ids = Object.keys(state.accessKeys).join(' ')
    if (ids === view.keyIds) return
    view.keyIds = ids
    select.replaceChildren(
      ...realms.map((realm) =>
        h(
          'optgroup',
          { label: realm },
          Object.values(state.accessKeys)
            .filter((k) => byId(state.accounts, k.accountId)?.realm === realm)
            .map((k) => h('option', { value: k.id }, k.id + ' \u00b7 ' + ownerOf(k, state))),
        ),
      ),
    )
    if (chosen && state.accessKeys[chosen]) select.value = chosen
    fillDialects()
  }

  function fillDialects() {
    const key = view.state?.accessKeys[$('key').value]
    const realm = key && byId(view.state.accounts, key.accountId)?.realm
    const select = $('dialect')
    const chosen = select.value
    const names = view.dialects.filter((d) => d.realm === realm).map((d) => d.name)
    if (names.join(' ') !== [...select.options].map((o) => o.value).join(' ')) {
      select.replaceChildren(...names.map((n) => h('option', { value: n }, n)))
      if (names.includes(chosen)) select.value = chosen
    }
    const list = $('actions')
    list.replaceChildren(...(PRESETS[select.value] ?? []).map(([action]) => h('option', { value: action })))
  }

  // A preset's resource for a key: its account, its user, the bucket it is confined to or else the account's first.
  function presetFor(key, [action, template]) {
    const state = view.state
    const grant = key.scope?.grants.find((g) => g.bucket !== '*')
    const bucket =
      byId(state.buckets, key.bucketId) ?? Object.values(state.buckets).find((b) => b.accountId === key.accountId)
    const bucketName = grant?.bucket ?? bucket?.name ?? 'example-bucket'
    const region = grant?.region ?? bucket?.region
    const resource = template
      .replace('{account}', key.accountId)
      .replace('{user}', byId(state.users, key.userId)?.name)
      .replace('{bucket}', bucketName)
    return { action, resource, region: template.includes('{bucket}') ? region : undefined }
  }

  function explainQuery(key, dialect, ask) {
    return {
      dialect,
      credential: { accessKeyId: key.id },
      action: ask.action,
      resource: ask.resource,
      ...(ask.region && { context: { region: ask.region } }),
    }
  }

  function verdictCells(answer) {
    const where = [answer.policy && 'policy ' + answer.policy, answer.sid && 'Sid ' + answer.sid].filter(Boolean)
    return [
      h('td', {}, h('span', { class: 'badge ' + answer.decision }, answer.decision + (answer.decision === 'deny' ? (answer.explicit ? ' (explicit)' : ' (implicit)') : ''))),
      h('td', {}, answer.decidedBy, where.length ? h('small', {}, ' \u2014 ' + where.join(', ')) : null,
        answer.denial ? h('div', { class: 'denial' }, answer.denial.status + ' ' + answer.denial.code + ': ' + answer.denial.message) : null),
    ]
  }

  function explainedRow(answer) {
    return h('tr', { class: answer.decision }, h('td', {}, h('code', {}, answer.action)), h('td', {}, h('code', {}, answer.resource)), verdictCells(answer))
  }

  async function summarize() {
    const key = view.state?.accessKeys[$('key').value]
    const dialect = $('dialect').value
    const body = $('summary-body')
    if (!key || !dialect) return body.replaceChildren(h('p', { class: 'empty' }, 'Pick a key.'))
    // A key of no user (a root key) has no user of its own to ask about.
    const presets = (PRESETS[dialect] ?? []).filter(([, template]) => key.userId || !template.includes('{user}'))
    const asks = presets.map((p) => presetFor(key, p))
    const rows = await Promise.all(
      asks.map(async (ask) => {
        try {
          return explainedRow(await api('POST', '/_emu/explain', explainQuery(key, dialect, ask)))
        } catch (err) {
          return h('tr', {}, h('td', {}, h('code', {}, ask.action)), h('td', {}, h('code', {}, ask.resource)), h('td', { colspan: 2 }, err.message))
        }
      }),
    )
    body.replaceChildren(table(['Action', 'Resource', 'Decision', 'Decided by'], rows, (row) => row, 'No common actions known for ' + dialect + '.'))
  }

  async function explainOne(event) {
    event.preventDefault()
    const key = view.state?.accessKeys[$('key').value]
    const region = $('region').value.trim()
    const ask = { action: $('action').value.trim(), resource: $('resource').value.trim() || '*', region }
    try {
      const answer = await api('POST', '/_emu/explain', explainQuery(key, $('dialect').value, ask))
      $('explained').replaceChildren(table(['Action', 'Resource', 'Decision', 'Decided by'], [answer], explainedRow, ''))
    } catch (err) {
      $('explained').replaceChildren(h('p', { class: 'problem' }, err.message))
    }
  }

  function pickKey(id) {
    $('key').value = id
    fillDialects()
    summarize()
    $('access').scrollIntoView()
  }

  function journalRow(e) {
    const decision = e.wouldDeny ? 'would-deny' : e.verdict ? (e.verdict.effect === 'allow' ? 'allow' : 'deny') : 'none'
    const refused = decision === 'deny' || decision === 'would-deny'
    const v = e.verdict
    const where = v ? [v.policy && 'policy ' + v.policy, v.sid && 'Sid ' + v.sid].filter(Boolean).join(', ') : ''
    return h(
      'tr',
      { class: refused ? 'refused ' + decision : decision },
      h('td', {}, when(e.at)),
      h('td', {}, e.dialect),
      h('td', {}, e.operation),
      h('td', {}, String(e.status)),
      h('td', {}, e.principal ? h('code', {}, e.principal.keyId ?? e.principal.accountId) : '\u2014'),
      h('td', {}, h('span', { class: 'badge ' + (refused ? 'deny' : decision) }, decision)),
      h(
        'td',
        {},
        v ? v.decidedBy : '',
        where ? h('small', {}, ' \u2014 ' + where) : null,
        e.wouldDeny ? h('div', { class: 'denial' }, e.wouldDeny.code + ': ' + e.wouldDeny.message) : null,
        e.fault ? h('div', {}, 'fault ' + e.fault) : null,
      ),
      h('td', { class: 'num' }, e.ms + ' ms'),
    )
  }

  // The journal and the state, again every POLL_MS while not paused.
  async function poll() {
    clearTimeout(view.timer)
    if (view.paused) return
    await Promise.all([pollJournal(), refresh()])
    view.timer = setTimeout(poll, POLL_MS)
  }

  async function pollJournal() {
    try {
      const query = new URLSearchParams({ limit: String(JOURNAL_LIMIT) })
      if ($('decision').value) query.set('decision', $('decision').value)
      const { entries } = await api('GET', '/_emu/journal?' + query)
      $('journal-body').replaceChildren(
        table(['Time', 'Dialect', 'Operation', 'Status', 'Key', 'Decision', 'Why', 'Took'], entries, journalRow, 'No requests yet.'),
      )
      $('journal-count').textContent = entries.length + ' newest (of at most ' + JOURNAL_LIMIT + ')'
      problem(null)
    } catch (err) {
      problem(err)
    }
  }

  async function refresh() {
    try {
      if (!view.dialects.length) {
        const [health, catalog] = await Promise.all([api('GET', '/_emu/health'), api('GET', '/_emu/ui/dialects')])
        $('mode').textContent = 'auth ' + health.auth + ' \u00b7 keyemu ' + health.version
        view.dialects = catalog.dialects
      }
      const state = await api('GET', '/_emu/state')
      const seen = JSON.stringify(state)
      if (seen !== view.seen) {
        view.seen = seen
        view.state = state
        renderInventory()
      }
      problem(null)
      $('token-form').hidden = true
    } catch (err) {
      problem(err)
    }
  }

  function start() {
    takeTokenFromAddress()
    $('refresh').addEventListener('click', () => refresh().then(summarize))
    $('key').addEventListener('change', () => {
      fillDialects()
      summarize()
    })
    $('dialect').addEventListener('change', () => {
      fillDialects()
      summarize()
    })
    $('explain-form').addEventListener('submit', explainOne)
    $('decision').addEventListener('change', pollJournal)
    $('pause').addEventListener('change', (event) => {
      view.paused = event.target.checked
      poll()
    })
    $('token-form').addEventListener('submit', (event) => {
      event.preventDefault()
      sessionStorage.setItem(TOKEN_KEY, $('token').value)
      $('token').value = ''
      load()
    })
    load()
  }

  function load() {
    refresh().then(summarize)
    pollJournal()
    clearTimeout(view.timer)
    view.timer = setTimeout(poll, POLL_MS)
  }

  start()
})()
`
