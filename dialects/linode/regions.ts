import { EmulatorError, echo } from '../../src/core/errors.js'
import { pageNumber } from '../../src/core/pagination.js'
import { jsonResponse } from '../../src/protocol/rest/json.js'
import type { NumberedPageQuery } from '../../src/protocol/rest/paging.js'
import { route } from '../../src/protocol/route.js'
import { accountOf, reads } from './auth.js'
import { renderCluster, renderEndpoint, renderPage } from './render.js'
import { pageQuery } from './schemas.js'

// Clusters are the legacy region names (getClusters is deprecated in @linode/api-v4 in favour of
// regions), so only regions with a cluster id are listed; endpoints cover every region.
export const regionRoutes = [
  route<NumberedPageQuery>({
    method: 'GET',
    path: '/v4/object-storage/clusters',
    operation: 'GET /v4/object-storage/clusters',
    authorize: reads,
    parse: (req) => pageQuery(req),
    handle(ctx) {
      const clusters = accountOf(ctx).regions.filter((r) => r.alias !== undefined)
      return jsonResponse(200, renderPage(pageNumber(clusters, ctx.input.page, ctx.input.pageSize), renderCluster))
    },
  }),
  route({
    method: 'GET',
    path: '/v4/object-storage/clusters/:clusterId',
    operation: 'GET /v4/object-storage/clusters/{clusterId}',
    authorize: reads,
    handle(ctx) {
      const region = accountOf(ctx).regions.find((r) => r.alias !== undefined && r.alias === ctx.params.clusterId)
      if (!region) throw new EmulatorError('NotFound', `Cluster ${echo(ctx.params.clusterId ?? '')} does not exist.`)
      return jsonResponse(200, renderCluster(region))
    },
  }),
  route<NumberedPageQuery>({
    method: 'GET',
    path: '/v4/object-storage/endpoints',
    operation: 'GET /v4/object-storage/endpoints',
    authorize: reads,
    parse: (req) => pageQuery(req),
    handle(ctx) {
      const page = pageNumber(accountOf(ctx).regions, ctx.input.page, ctx.input.pageSize)
      return jsonResponse(200, renderPage(page, renderEndpoint))
    },
  }),
]
