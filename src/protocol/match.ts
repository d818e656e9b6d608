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
        params[name] = decodeURIComponent(found[i + 1] ?? '')
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
