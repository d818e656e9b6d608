import { sortedBy } from '../../src/core/pagination.js'
import { jsonResponse } from '../../src/protocol/rest/json.js'
import { route } from '../../src/protocol/route.js'
import { needs } from './auth.js'
import { pageOf } from './listing.js'
import { renderList, renderRole } from './render.js'
import { type ListQuery, listQuery } from './schemas.js'

const byName = (role: { name: string }) => role.name

/** An organization's roles (its policies), so that role references can be checked before they are used. */
export const roleRoutes = [
  route<ListQuery>({
    method: 'GET',
    path: '/organizations/:organizationId/iam-roles',
    operation: 'GET /organizations/{organizationId}/iam-roles',
    authorize: needs('ListRoles', 'role/*'),
    parse: (req) => listQuery(req),
    handle(ctx) {
      const organizationId = ctx.principal.accountId
      const roles = sortedBy(ctx.core.policiesOfAccount(organizationId), byName)
      const page = pageOf(roles, ctx.input, `bird:${organizationId}:iam-roles`, byName)
      return jsonResponse(200, renderList(page, renderRole))
    },
  }),
]
