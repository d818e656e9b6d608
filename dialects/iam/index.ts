import { AWS_REALM, authenticateSigV4 } from '../../src/protocol/aws/auth.js'
import { awsAuthorization } from '../../src/protocol/aws/authorize.js'
import { defineDialect } from '../../src/protocol/route.js'
import { queryAction, unknownQueryOperation } from '../../src/protocol/wire/aws-query.js'
import { accessKeyRoutes } from './access-keys.js'
import { policyRoutes } from './policies.js'
import { renderError } from './render.js'
import { userRoutes } from './users.js'

export default defineDialect({
  name: 'iam',
  realm: AWS_REALM,
  // IAM is global and signs for us-east-1 at its real endpoint, but the SDK signs with the client's
  // own region once given a custom endpoint, so any region is accepted (the signature still binds it).
  hosts: /^https:\/\/(iam(-fips)?\.amazonaws\.com|iam\.global\.api\.aws)$/,
  // A SigV4 header too malformed to name its service, on a request no other dialect claims, is IAM's
  // to refuse (the Query wire has no other mark).
  edge: {
    sigv4Service: 'iam',
    credential: { header: 'authorization', pattern: /^AWS4-HMAC-SHA256\b/ },
    contentType: 'application/x-www-form-urlencoded',
  },
  routes: [...userRoutes, ...accessKeyRoutes, ...policyRoutes],
  operationOf: queryAction,
  authenticate: (ctx) => authenticateSigV4(ctx, { service: 'iam' }),
  authorization: awsAuthorization(),
  renderError: (err, _req, requestId) => renderError(err, requestId),
  unknownOperation: (req) => unknownQueryOperation(req, '2010-05-08'),
})
