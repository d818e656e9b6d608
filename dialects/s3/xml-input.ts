import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { EmulatorError } from '../../src/core/errors.js'
import type { WireRequest } from '../../src/protocol/route.js'

const malformed = () =>
  new EmulatorError(
    'InvalidInput',
    'The XML you provided was not well-formed or did not validate against our published schema.',
    { s3Code: 'MalformedXML' },
  )

// Text as text (a key "007" stays a string); only XML's five predefined entities are expanded, and a
// document type declaration (where entity bombs live) is refused before parsing. Made on first use,
// not at every start.
let parser: XMLParser | undefined
const xmlParser = () =>
  (parser ??= new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: false,
    processEntities: true,
    htmlEntities: false,
    removeNSPrefix: true,
    isArray: (name) => name === 'Object' || name === 'Part',
  }))

/**
 * A request's XML body as an object under its root element, or S3's MalformedXML when it is not
 * well-formed, declares a DTD, or has another root. The transport has bounded its size (1 MiB).
 *
 * @example const doc = readXml(req, 'Delete') // { Object: [{ Key: 'a' }], Quiet: 'true' }
 */
export function readXml(req: WireRequest, root: string): Record<string, unknown> {
  const text = req.body.toString('utf8')
  if (text.trim() === '' || /<!DOCTYPE/i.test(text) || XMLValidator.validate(text) !== true) throw malformed()
  const parsed = xmlParser().parse(text) as Record<string, unknown>
  const element = parsed[root]
  if (element === undefined || typeof element !== 'object' || element === null) {
    if (element === '') return {}
    throw malformed()
  }
  return element as Record<string, unknown>
}

/** The text of an optional element, or MalformedXML when it is not text. */
export function textOf(value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw malformed()
  return value
}

/** Repeated elements as a list (one or many). */
export function listOf(value: unknown): Record<string, unknown>[] {
  if (value === undefined) return []
  const list = Array.isArray(value) ? value : [value]
  if (!list.every((item) => typeof item === 'object' && item !== null)) throw malformed()
  return list as Record<string, unknown>[]
}

export { malformed as malformedXml }
