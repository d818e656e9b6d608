import { EmulatorError, echo } from '../../src/core/errors.js'
import { defineDialect } from '../../src/protocol/route.js'
import { keyRoutes } from './access-keys.js'
import { authenticate, authorize, BIRD_REALM } from './auth.js'
import { renderError } from './render.js'
import { roleRoutes } from './roles.js'

export default defineDialect({
  name: 'bird',
  realm: BIRD_REALM,
  hosts: /^https:\/\/api\.bird\.com$/,
  edge: { pathPrefixes: ['/organizations'], credential: { header: 'authorization', pattern: /^AccessKey\s/i } },
  routes: [...keyRoutes, ...roleRoutes],
  authenticate,
  authorize,
  renderError: (err) => renderError(err),
  unknownOperation: (req) =>
    new EmulatorError(
      'UnknownOperation',
      `The Accounts API as keyemu emulates it has no ${req.method} ${echo(req.url.pathname)}.`,
    ),
})
