import { AWS_REALM, authenticateSigV4 } from '../../src/protocol/aws/auth.js'
import { authorizeAws } from '../../src/protocol/aws/authorize.js'
import { defineDialect } from '../../src/protocol/route.js'
import { amzTarget, unknownJsonOperation } from '../../src/protocol/wire/aws-json.js'
import { accessKeyRoutes } from './access-keys.js'
import { bucketRoutes } from './buckets.js'
import { TARGET_PREFIX } from './caller.js'
import { renderError } from './render.js'

export default defineDialect({
  name: 'lightsail',
  realm: AWS_REALM,
  hosts: /^https:\/\/lightsail(-fips)?\.[a-z0-9-]+\.amazonaws\.com$/,
  edge: { sigv4Service: 'lightsail', targetPrefix: TARGET_PREFIX },
  routes: [...bucketRoutes, ...accessKeyRoutes],
  operationOf: amzTarget,
  authenticate: (ctx) => authenticateSigV4(ctx, { service: 'lightsail' }),
  authorize: authorizeAws,
  renderError: (err, _req, requestId) => renderError(err, requestId),
  unknownOperation: unknownJsonOperation,
})
