import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser'
import { describe, expect, test } from 'vitest'
import { prng } from '../../../test/fuzz/engine.js'
import { queryError, queryResponse } from './aws-query.js'
import { escapeXml, type XmlObject, type XmlValue, xmlElement } from './xml.js'

// XML 1.0's Char production: what a document may contain at all.
const XML_CHARS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u

const PIECES = ['Bob', 'AKIA0123', ' ', '&', '<', '>', '"', "'", '&amp;', ']]>', 'é', '日本', '😀', '\t', '\n', '1']
const NAMES = ['UserName', 'AccessKeyId', 'Status', 'member', 'Tags', 'Key', 'Value', 'IsTruncated']

describe('escapeXml', () => {
  test('escapes the five markup characters and drops exactly what XML 1.0 cannot carry', () => {
    const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }
    const wrong: string[] = []
    for (let code = 0; code <= 0xffff; code++) {
      const ch = String.fromCharCode(code)
      const expected = entities[ch] ?? (XML_CHARS.test(ch) ? ch : '')
      if (escapeXml(ch) !== expected) wrong.push(code.toString(16))
    }
    expect(wrong).toEqual([])
  })

  test('keeps surrogate pairs and drops lone surrogates wherever they stand', () => {
    expect(escapeXml('a😀b')).toBe('a😀b')
    expect(escapeXml('\uD83Da\uDE00b\uD83D')).toBe('ab')
    expect(escapeXml('\uDE00\uD83D\uDE00\uD83D')).toBe('😀')
  })

  test('leaves an answer well-formed whatever code units a client sent', () => {
    const rng = prng(7)
    const parser = new XMLParser({ parseTagValue: false, trimValues: false })
    for (let i = 0; i < 500; i++) {
      const sent = Array.from({ length: 1 + Math.floor(rng() * 12) }, () =>
        String.fromCharCode(rng() < 0.5 ? Math.floor(rng() * 0x80) : Math.floor(rng() * 0x10000)),
      ).join('')
      const body = queryError('https://iam.amazonaws.com/doc/2010-05-08/', 400, 'ValidationError', sent, 'req-1').body
      expect(XML_CHARS.test(body), JSON.stringify(sent)).toBe(true)
      expect(XMLValidator.validate(body), JSON.stringify(sent)).toBe(true)
      const kept = [...sent].filter((ch) => XML_CHARS.test(ch)).join('')
      // The parser reads CR as a line break, as XML 1.0 says; an empty message is <Message/>.
      const message = parser.parse(body).ErrorResponse.Error.Message
      expect(message, JSON.stringify(sent)).toBe(kept.replace(/\r\n?/g, '\n'))
    }
  })
})

describe('xmlElement', () => {
  // The answers fast-xml-parser's builder wrote before, byte for byte, for the shapes the dialects build.
  test('writes what the general builder wrote for generated answers', () => {
    const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true })
    const rng = prng(11)
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)] as T
    const text = () => Array.from({ length: Math.floor(rng() * 4) }, () => pick(PIECES)).join('')
    const value = (depth: number): XmlValue => {
      const r = rng()
      if (r < 0.1) return undefined
      if (r < 0.2) return Math.floor(rng() * 1000)
      if (r < 0.3) return rng() < 0.5
      if (depth > 2 || r < 0.6) return text()
      if (r < 0.75) return Array.from({ length: Math.floor(rng() * 3) + 1 }, () => object(depth + 1))
      return object(depth + 1)
    }
    const object = (depth: number): XmlObject => {
      const out: XmlObject = rng() < 0.2 ? { '@_xmlns': text() } : {}
      for (let n = Math.floor(rng() * 4); n > 0; n--) out[pick(NAMES)] = value(depth)
      return out
    }
    for (let i = 0; i < 2000; i++) {
      const root = object(0)
      expect(xmlElement('Answer', root)).toBe(builder.build({ Answer: root }))
    }
  })

  test('writes repeated elements for an array and leaves undefined values out', () => {
    expect(xmlElement('A', { B: ['1', { C: 'x' }, undefined], D: undefined, E: '' })).toBe(
      '<A><B>1</B><B><C>x</C></B><E/></A>',
    )
  })
})

describe('queryResponse', () => {
  test('wraps the result in the operation envelope with the request id', () => {
    const res = queryResponse('https://ns/', 'ListThings', { Things: { member: ['a&b'] } }, 'id-1')
    expect(res.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ListThingsResponse xmlns="https://ns/"><ListThingsResult><Things><member>a&amp;b</member></Things></ListThingsResult><ResponseMetadata><RequestId>id-1</RequestId></ResponseMetadata></ListThingsResponse>',
    )
    expect(res.headers).toEqual({ 'content-type': 'text/xml', 'x-amzn-requestid': 'id-1' })
  })
})
