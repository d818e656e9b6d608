import type { Dialect, Route, WireRequest } from './route.js'

export interface RouteMatch {
  route: Route<unknown>
  params: Record<string, string>
}

const compiled = new WeakMap<Route<unknown>, (path: string) => Record<string, string> | undefined>()

function matcher(route: Route<unknown>): (path: string) => Record<string, string> | undefined {
  let m = compiled.get(route)
  if (!m) {
    const names: string[] = []
    const source = route.path
      .split('/')
      .map((seg) => {
        // A last `*` takes the rest of the path, slashes and all, undecoded (S3's object keys).
        if (seg === '*') {
          names.push('*')
          return '(.*)'
        }
        if (!seg.startsWith(':')) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        names.push(seg.slice(1))
        return '([^/]+)'
      })
      .join('/')
    const re = new RegExp(`^${source}/?$`)
    m = (path) => {
      const found = re.exec(path)
      if (!found) return undefined
      const params: Record<string, string> = {}
      names.forEach((name, i) => {
        const value = found[i + 1] ?? ''
        params[name] = name === '*' ? value : decodeURIComponent(value)
      })
      return params
    }
    compiled.set(route, m)
  }
  return m
}

/**
 * The route of a dialect that serves this request, with its path parameters.
 *
 * @example matchRoute(linode, req)?.params.keyId
 */
export function matchRoute(dialect: Dialect, req: WireRequest): RouteMatch | undefined {
  if (!dialect.operationOf) return matchOne(dialect.routes, req)
  const operation = dialect.operationOf(req)
  return operation === undefined ? undefined : matchOne(byOperation(dialect).get(operation) ?? [], req)
}

const operationIndexes = new WeakMap<Dialect, Map<string, Route<unknown>[]>>()

function byOperation(dialect: Dialect): Map<string, Route<unknown>[]> {
  let index = operationIndexes.get(dialect)
  if (!index) {
    index = new Map()
    for (const route of dialect.routes) index.set(route.operation, [...(index.get(route.operation) ?? []), route])
    operationIndexes.set(dialect, index)
  }
  return index
}

/** @example matchOne([route], req) */
export function matchOne(routes: Route<unknown>[], req: WireRequest): RouteMatch | undefined {
  for (const route of routes) {
    if (route.method !== req.method && !(route.method === 'GET' && req.method === 'HEAD')) continue
    let params: Record<string, string> | undefined
    try {
      params = matcher(route)(req.url.pathname)
    } catch {
      continue // a malformed %-escape in the path cannot name anything
    }
    if (params && (!route.when || route.when(req))) return { route, params }
  }
  return undefined
}

const headMatched = new WeakMap<Dialect, boolean>()

/**
 * Whether a dialect's routes are told apart from a request's head alone: true for a dialect with a
 * route that takes its body as a stream (see `Route.streamBody`).
 *
 * @example if (matchesOnHead(s3)) matchRoute(s3, headOnly)
 */
export function matchesOnHead(dialect: Dialect): boolean {
  let streams = headMatched.get(dialect)
  if (streams === undefined) {
    streams = dialect.routes.some((route) => route.streamBody)
    headMatched.set(dialect, streams)
  }
  return streams
}

/**
 * The route of a request whose body that route takes as a stream, judged from the request's head
 * (its body not read yet), or undefined when the body is to be read whole first.
 *
 * @example const match = streamingMatch(s3, head); if (match) head.stream = incoming
 */
export function streamingMatch(dialect: Dialect, head: WireRequest): RouteMatch | undefined {
  if (!matchesOnHead(dialect)) return undefined
  const match = matchRoute(dialect, head)
  return match?.route.streamBody ? match : undefined
}
