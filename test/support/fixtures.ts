import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** One wire exchange taken from a provider's documented example: a request, then the expected response. */
export interface Fixture {
  name: string
  source: string
  request: { method: string; path: string; headers: Record<string, string>; body: string }
  response: { status: number; headers: Record<string, string>; body: string }
}

// What each placeholder in an expected body stands for.
const SHAPES: Record<string, string> = {
  AccessKeyId: 'AKIA[A-Z2-7]{16}',
  SecretAccessKey: '[A-Za-z0-9+/]{40}',
  Date: '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ',
  RequestId: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
}

function parseMessage(text: string): { start: string; headers: Record<string, string>; body: string } {
  const [head = '', ...rest] = text.split(/\r?\n\r?\n/)
  const [start = '', ...headerLines] = head.split(/\r?\n/)
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const at = line.indexOf(':')
      return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()]
    }),
  )
  return { start: start.trim(), headers, body: rest.join('\n\n').trim() }
}

/** Every `*.http` fixture of a folder. Lines starting with `#` name the source. */
export function loadFixtures(dir: string): Fixture[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.http'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8')
      const source = text
        .split('\n')
        .filter((l) => l.startsWith('#'))
        .map((l) => l.slice(1).trim())
        .join(' ')
      const lines = text.split('\n').filter((l) => !l.startsWith('#'))
      const split = lines.findIndex((l) => l.startsWith('HTTP/1.1 '))
      const request = parseMessage(lines.slice(0, split).join('\n').trim())
      const response = parseMessage(lines.slice(split).join('\n').trim())
      const [method = 'GET', path = '/'] = request.start.split(' ')
      return {
        name: file,
        source,
        request: { method, path, headers: request.headers, body: request.body },
        response: { status: Number(response.start.split(' ')[1]), headers: response.headers, body: response.body },
      }
    })
}

const squeeze = (xml: string) =>
  xml
    .replace(/^<\?xml[^>]*\?>/, '')
    .replace(/>\s+</g, '><')
    .trim()

/** Does an actual body match the expected one, placeholders standing for their shapes? */
export function matchesTemplate(actual: string, expected: string): boolean {
  const pattern = squeeze(expected)
    .split(/(\{\{\w+\}\})/)
    .map((part) => {
      const name = /^\{\{(\w+)\}\}$/.exec(part)?.[1]
      return name ? `(?:${SHAPES[name] ?? '[^<"]+'})` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('')
  return new RegExp(`^${pattern}$`).test(squeeze(actual))
}
