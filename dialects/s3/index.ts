import { EmulatorError, echo } from '../../src/core/errors.js'
import { AWS_REALM } from '../../src/protocol/aws/auth.js'
import { defineDialect } from '../../src/protocol/route.js'
import { S3_ORIGINS, subresourceOf } from './addressing.js'
import { authenticate, authorization } from './auth.js'
import { bucketRoutes } from './buckets.js'
import { deleteObjectsRoutes } from './delete-objects.js'
import { listingRoutes } from './listing.js'
import { multipartRoutes } from './multipart.js'
import { objectRoutes } from './objects.js'
import { renderError } from './render.js'

export default defineDialect({
  name: 's3',
  // Buckets and keys of every storage provider's accounts; AWS's when no key says which (auth off).
  realm: AWS_REALM,
  hosts: S3_ORIGINS,
  edge: { sigv4Service: 's3' },
  // HEAD routes before GET ones: a GET route also serves HEAD.
  routes: [...bucketRoutes, ...listingRoutes, ...deleteObjectsRoutes, ...objectRoutes, ...multipartRoutes],
  authenticate,
  authorization,
  renderError,
  unknownOperation(req) {
    const sub = subresourceOf(req)
    return new EmulatorError(
      'UnknownOperation',
      `keyemu does not emulate ${req.method} ${sub ? `?${echo(sub)} ` : ''}on this resource.`,
    )
  },
})
