import { unknownPath } from '../../src/protocol/rest/json.js'
import { defineDialect } from '../../src/protocol/route.js'
import { keyRoutes } from './access-keys.js'
import { authenticate, authorization, BIRD_REALM } from './auth.js'
import { renderError } from './render.js'
import { roleRoutes } from './roles.js'

export default defineDialect({
  name: 'bird',
  realm: BIRD_REALM,
  hosts: /^https:\/\/api\.bird\.com$/,
  edge: { pathPrefixes: ['/organizations'], credential: { header: 'authorization', pattern: /^AccessKey\s/i } },
  routes: [...keyRoutes, ...roleRoutes],
  authenticate,
  authorization,
  renderError: (err) => renderError(err),
  unknownOperation: unknownPath((what) => `The Accounts API as keyemu emulates it has no ${what}.`),
})
