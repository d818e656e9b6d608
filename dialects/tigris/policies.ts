import { jsonResponse } from '../../src/protocol/rest/json.js'
import type { Permission } from '../../src/protocol/route.js'
import { orgOf } from './auth.js'
import { served } from './paths.js'
import { nextToken, renderPolicy, renderPolicyInfo } from './render.js'
import {
  CreatePolicyBody,
  type NewPolicyInput,
  type PageQuery,
  pageQuery,
  parseBody,
  UpdatePolicyBody,
  type UpdatePolicyInput,
} from './schemas.js'

// Policies carry no acting user: the partner manages them for the org.
const policies: Permission = { action: 'tigris:ManagePolicies', resource: 'tigris:policies' }
const ref = (name: string) => ({ path: '/', name })

export const policyRoutes = [
  ...served<NewPolicyInput>('/:orgId/policies', {
    method: 'POST',
    operation: 'Tigris_CreatePolicy',
    authorize: policies,
    parse: (req) => parseBody(CreatePolicyBody, req),
    async handle(ctx) {
      const { name, document, description } = ctx.input
      const policy = await ctx.core.createPolicy({
        accountId: orgOf(ctx).id,
        name,
        document: JSON.stringify(document),
        ...(description !== undefined && { description }),
      })
      return jsonResponse(200, renderPolicy(policy))
    },
  }),
  ...served<PageQuery>('/:orgId/policies', {
    method: 'GET',
    operation: 'Tigris_ListPolicies',
    authorize: policies,
    parse: (req) => pageQuery(req, { default: 100, max: 1000 }),
    handle(ctx) {
      const org = orgOf(ctx)
      const page = ctx.core.listPolicies(org.id, {
        cursor: ctx.input.continuationToken,
        limit: ctx.input.limit,
        field: 'continuation_token',
        listing: `tigris:${org.id}:policies`,
      })
      return jsonResponse(200, {
        policies: page.items.map(renderPolicyInfo),
        next_continuation_token: nextToken(page.next),
      })
    },
  }),
  ...served<string>('/:orgId/policies/:policyName', {
    method: 'GET',
    operation: 'Tigris_GetPolicy',
    authorize: policies,
    handle(ctx) {
      return jsonResponse(200, renderPolicy(ctx.core.getPolicy(orgOf(ctx).id, ref(ctx.params.policyName ?? ''))))
    },
  }),
  ...served<UpdatePolicyInput>('/:orgId/policies/:policyName', {
    method: 'PUT',
    operation: 'Tigris_UpdatePolicy',
    authorize: policies,
    parse: (req) => parseBody(UpdatePolicyBody, req),
    async handle(ctx) {
      const { document, description } = ctx.input
      const policy = await ctx.core.updatePolicyDocument(orgOf(ctx).id, ctx.params.policyName ?? '', {
        document: JSON.stringify(document),
        ...(description !== undefined && { description }),
      })
      return jsonResponse(200, renderPolicy(policy))
    },
  }),
  ...served('/:orgId/policies/:policyName', {
    method: 'DELETE',
    operation: 'Tigris_DeletePolicy',
    authorize: policies,
    async handle(ctx) {
      await ctx.core.deletePolicyDetaching(orgOf(ctx).id, ctx.params.policyName ?? '')
      return jsonResponse(200, {})
    },
  }),
]
