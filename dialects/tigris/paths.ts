import { type Route, route } from '../../src/protocol/route.js'

// The spec's paths sit under /v1/providers/{provider_id}; the signing example in the same spec uses
// /provider/{provider_id} without /v1. Every operation is served under both.
const PREFIXES = ['/v1/providers/:providerId/orgs', '/provider/:providerId/orgs']

/**
 * One operation under both prefixes; `suffix` follows `/orgs` (`/:orgId/key`, or '' for the org list).
 *
 * @example ...served('/:orgId/key', { method: 'POST', operation: 'Tigris_CreateAccessKey', ... })
 */
export function served<Input>(suffix: string, definition: Omit<Route<Input>, 'path'>): Route<unknown>[] {
  return PREFIXES.map((prefix) => route<Input>({ ...definition, path: `${prefix}${suffix}` }))
}
