import { AWS_REALM, authenticateSigV4 } from '../../src/protocol/aws/auth.js'
import { awsAuthorization } from '../../src/protocol/aws/authorize.js'
import { defineDialect } from '../../src/protocol/route.js'
import { queryAction, unknownQueryOperation } from '../../src/protocol/wire/aws-query.js'
import { callerIdentityRoutes } from './caller-identity.js'
import { renderError, VERSION } from './render.js'

export default defineDialect({
  name: 'sts',
  realm: AWS_REALM,
  // The global endpoint signs for us-east-1, the regional ones (the JS SDK's default) for their region.
  hosts: /^https:\/\/sts(-fips)?(\.[a-z]{2}(-[a-z]+)+-\d+)?\.amazonaws\.com$/,
  edge: { sigv4Service: 'sts' },
  routes: callerIdentityRoutes,
  operationOf: queryAction,
  authenticate: (ctx) => authenticateSigV4(ctx, { service: 'sts' }),
  authorization: awsAuthorization(),
  renderError: (err, _req, requestId) => renderError(err, requestId),
  unknownOperation: (req) => unknownQueryOperation(req, VERSION),
})
