// XML answers, written directly: the documents are small and their shapes known, so a general
// builder only cost time. Every character of text and attribute values goes through escapeXml.

/** An XML element value: nested objects, arrays of repeated elements, or text. `@_name` keys are attributes. */
export type XmlValue = string | number | boolean | undefined | XmlObject | XmlValue[]
export interface XmlObject {
  [name: string]: XmlValue
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }
// The markup characters, and what XML 1.0 cannot carry at all: C0 controls other than tab, LF and CR,
// U+FFFE, U+FFFF, and (with the u flag, only when unpaired) surrogates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/gu
// The same without g, to test for: most text (ids, names, dates) has nothing to escape and is kept as is.
const UNSAFE_ANY = new RegExp(UNSAFE.source, 'u')

/**
 * Text as XML character data or an attribute value: markup characters escaped, characters XML 1.0
 * cannot carry dropped, so an answer stays well-formed whatever a client sent.
 *
 * @example escapeXml('a<b\u0000') // 'a&lt;b'
 */
export function escapeXml(text: string): string {
  return UNSAFE_ANY.test(text) ? text.replace(UNSAFE, (c) => ENTITIES[c] ?? '') : text
}

/**
 * One element (or, for an array, one element per item) with no whitespace between tags. Undefined
 * values are left out; an empty value is written as `<Name/>`.
 *
 * @example xmlElement('User', { '@_id': '1', Tags: ['a', 'b'] }) // '<User id="1"><Tags>a</Tags><Tags>b</Tags></User>'
 */
export function xmlElement(name: string, value: XmlValue): string {
  if (value === undefined) return ''
  if (Array.isArray(value)) {
    let out = ''
    for (const item of value) out += xmlElement(name, item)
    return out
  }
  if (typeof value === 'object') {
    let attributes = ''
    let children = ''
    for (const key of Object.keys(value)) {
      const child = value[key]
      if (!key.startsWith('@_')) children += xmlElement(key, child)
      else if (child !== undefined) attributes += ` ${key.slice(2)}="${escapeXml(String(child))}"`
    }
    return children === '' ? `<${name}${attributes}/>` : `<${name}${attributes}>${children}</${name}>`
  }
  const text = escapeXml(String(value))
  return text === '' ? `<${name}/>` : `<${name}>${text}</${name}>`
}

/** A whole document: the XML declaration, a line break, then the root element. */
export function xmlDocument(name: string, root: XmlObject): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xmlElement(name, root)}`
}
