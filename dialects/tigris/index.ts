import { unknownPath } from '../../src/protocol/rest/json.js'
import { defineDialect } from '../../src/protocol/route.js'
import { keyRoutes } from './access-keys.js'
import { authenticate, authorization, TIGRIS_REALM } from './auth.js'
import { bucketRoutes } from './buckets.js'
import { orgRoutes } from './orgs.js'
import { policyRoutes } from './policies.js'
import { renderError } from './render.js'

export default defineDialect({
  name: 'tigris',
  realm: TIGRIS_REALM,
  hosts: /^https:\/\/mgmt\.storage\.dev$/,
  edge: { pathPrefixes: ['/v1/providers', '/provider'], credential: { header: 'x-tigris-signature' } },
  // Provision, policies and buckets before the org routes: /:orgId must not swallow /:orgId/... paths.
  routes: [...keyRoutes, ...policyRoutes, ...bucketRoutes, ...orgRoutes],
  authenticate,
  authorization,
  renderError: (err) => renderError(err),
  unknownOperation: unknownPath((what) => `keyemu does not emulate ${what} of the Tigris partner API.`),
})
