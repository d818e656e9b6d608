import { unknownPath } from '../../src/protocol/rest/json.js'
import { defineDialect } from '../../src/protocol/route.js'
import { authenticate, authorization, LINODE_REALM } from './auth.js'
import { bucketRoutes } from './buckets.js'
import { keyRoutes } from './keys.js'
import { regionRoutes } from './regions.js'
import { renderError } from './render.js'

export default defineDialect({
  name: 'linode',
  realm: LINODE_REALM,
  hosts: /^https:\/\/api\.linode\.com$/,
  edge: { pathPrefixes: ['/v4'] },
  routes: [...keyRoutes, ...bucketRoutes, ...regionRoutes],
  authenticate,
  authorization,
  renderError: (err) => renderError(err),
  // Linode answers a path it does not serve with 404; the reason says what keyemu does not emulate.
  unknownOperation: unknownPath((what) => `Not found: keyemu does not emulate ${what}.`),
})
