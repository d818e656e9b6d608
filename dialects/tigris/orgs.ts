import type { Region } from '../../src/core/model.js'
import { jsonResponse, type Problem } from '../../src/protocol/rest/json.js'
import type { Permission } from '../../src/protocol/route.js'
import { newKey } from './access-keys.js'
import { forNewKey, orgOf, orgResource, TIGRIS_REALM } from './auth.js'
import { served } from './paths.js'
import { nextToken, renderOrg } from './render.js'
import {
  CreateOrgBody,
  type CreateOrgInput,
  flagParam,
  type PageQuery,
  ProvisionBody,
  type ProvisionInput,
  pageQuery,
  parseBody,
  UpdateOrgBody,
  type UpdateOrgInput,
} from './schemas.js'

/** Tigris is one global region; its S3 endpoint is t3.storage.dev (signing region `auto`). */
export const TIGRIS_REGIONS: Region[] = [{ id: 'auto', s3Endpoint: 't3.storage.dev' }]

const orgs: Permission = { action: 'tigris:ManageOrganizations', resource: 'tigris:orgs' }
const quotaOf = (quota: { limit_bytes?: number | undefined } | undefined) =>
  quota?.limit_bytes === undefined ? undefined : { limitBytes: quota.limit_bytes }

export const orgRoutes = [
  ...served<ProvisionInput>('/:orgId/provision', {
    method: 'POST',
    operation: 'Tigris_Provisioning',
    parse: (req) => parseBody(ProvisionBody, req),
    authorize: forNewKey('tigris:Provisioning'),
    async handle(ctx) {
      const input = ctx.input
      const settings = quotaOf(input.org_quota)
      // Repeating the call reuses the org and the bucket and issues the user a new key, Editor on the bucket.
      const { account, bucket, key } = await ctx.core.provision({
        account: {
          parentId: ctx.principal.accountId,
          id: ctx.params.orgId ?? '',
          name: input.org_name,
          realm: TIGRIS_REALM,
          regions: TIGRIS_REGIONS,
          ...(settings && { settings }),
        },
        bucket: { name: input.bucket_name, region: 'auto', uniqueIn: 'region', settings: input.bucket_options ?? {} },
        key: newKey(input.user_id, [{ bucket_name: input.bucket_name, role: 'Editor' }], input.access_key_scope),
      })
      // The spec's schema is empty; the architecture guide shows these four fields.
      return jsonResponse(200, {
        access_key_id: key.id,
        secret_access_key: key.secret,
        bucket: bucket.name,
        org_id: account.id,
      })
    },
  }),
  ...served<CreateOrgInput>('/:orgId', {
    method: 'POST',
    operation: 'Tigris_CreateOrganization',
    parse: (req) => parseBody(CreateOrgBody, req),
    // user_id names the org's first user; any user may be given an org of their own.
    authorize: orgs,
    async handle(ctx) {
      const settings = quotaOf(ctx.input.org_quota)
      await ctx.core.createManagedAccount({
        parentId: ctx.principal.accountId,
        id: ctx.params.orgId ?? '',
        name: ctx.input.org_name,
        realm: TIGRIS_REALM,
        regions: TIGRIS_REGIONS,
        ...(settings && { settings }),
      })
      return jsonResponse(200, {})
    },
  }),
  ...served('/:orgId', {
    method: 'GET',
    operation: 'Tigris_GetOrganization',
    authorize: orgs,
    handle: (ctx) => jsonResponse(200, { data: renderOrg(orgOf(ctx)) }),
  }),
  ...served<UpdateOrgInput>('/:orgId', {
    method: 'PUT',
    operation: 'Tigris_UpdateOrganization',
    parse: (req) => parseBody(UpdateOrgBody, req),
    // Only an Admin user may change org settings (the access-control guide).
    authorize: (ctx) => ({ action: 'tigris:UpdateOrganization', resource: orgResource(orgOf(ctx).id) }),
    async handle(ctx) {
      const { active, org_quota } = ctx.input
      const settings = quotaOf(org_quota)
      // active: false invalidates every key of the org at once; true brings them back.
      await ctx.core.updateManagedAccount(ctx.principal.accountId, orgOf(ctx).id, {
        ...(active !== undefined && { disabled: !active }),
        ...(settings && { settings }),
      })
      return jsonResponse(200, {})
    },
  }),
  ...served<PageQuery & { includeInactive: boolean }>('', {
    method: 'GET',
    operation: 'Tigris_ListOrganizations',
    authorize: orgs,
    parse: (req) => {
      const problems: Problem[] = []
      const includeInactive = flagParam(req, 'include_inactive', problems)
      return { ...pageQuery(req, { default: 1000, max: 5000 }, problems), includeInactive }
    },
    handle(ctx) {
      const provider = ctx.principal.accountId
      const page = ctx.core.listManagedAccounts(provider, {
        includeDisabled: ctx.input.includeInactive,
        cursor: ctx.input.continuationToken,
        limit: ctx.input.limit,
        field: 'continuation_token',
        listing: `tigris:${provider}:orgs:inactive=${ctx.input.includeInactive}`,
      })
      return jsonResponse(200, { data: page.items.map(renderOrg), next_continuation_token: nextToken(page.next) })
    },
  }),
]
