import { EmulatorError, echo } from '../../src/core/errors.js'
import type { PolicyRef } from '../../src/core/policies.js'
import { parsePolicyArn } from '../../src/protocol/aws/arn.js'
import type { RouteContext } from '../../src/protocol/route.js'
import { members } from '../../src/protocol/wire/aws-query.js'
import { iamOperation, subjectArn } from './identity.js'
import { encodeDocument, isoSeconds, pageFields, renderPolicy } from './render.js'
import {
  CreatePolicyInput,
  GetPolicyVersionInput,
  ListAttachedUserPoliciesInput,
  ListPoliciesInput,
  ListUserPoliciesInput,
  PolicyArnInput,
  PutUserPolicyInput,
  UserPolicyArnInput,
  UserPolicyInput,
} from './schemas.js'

// IAM quotas (reference_iam-quotas.html).
const LIMITS = { maxAttachedPerUser: 10, maxInlineChars: 2048 }
const MAX_MANAGED_POLICY_CHARS = 6144

/** The policy an ARN names, which must be one of the caller's account; messages name it by its ARN. */
function ownPolicy(ctx: RouteContext<unknown>, arn: string): PolicyRef {
  const { accountId, path, name } = parsePolicyArn(arn, 'policyArn')
  if (accountId !== ctx.principal.accountId) {
    throw new EmulatorError('NotFound', `Policy ${echo(arn)} does not exist or is not attachable.`)
  }
  return { path, name, label: arn }
}

const accountPolicies = (accountId: string, path = '/') => `arn:aws:iam::${accountId}:policy${path}`

export const policyRoutes = [
  ...iamOperation({
    operation: 'CreatePolicy',
    input: CreatePolicyInput,
    resource: (ctx) => `${accountPolicies(ctx.principal.accountId, ctx.input.Path ?? '/')}${ctx.input.PolicyName}`,
    async handle(ctx) {
      const { PolicyName, PolicyDocument, Path = '/', Description, Tags = [] } = ctx.input
      if (PolicyDocument.replace(/\s/g, '').length > MAX_MANAGED_POLICY_CHARS) {
        throw new EmulatorError('LimitExceeded', `Cannot exceed quota for PolicySize: ${MAX_MANAGED_POLICY_CHARS}`)
      }
      const policy = await ctx.core.createPolicy({
        accountId: ctx.principal.accountId,
        name: PolicyName,
        path: Path,
        document: PolicyDocument,
        tags: Tags.map((t) => ({ key: t.Key, value: t.Value })),
        ...(Description !== undefined && { description: Description }),
      })
      return { Policy: renderPolicy(policy, { withDescription: true }) }
    },
  }),
  ...iamOperation({
    operation: 'GetPolicy',
    input: PolicyArnInput,
    resource: (ctx) => ctx.input.PolicyArn,
    handle(ctx) {
      const policy = ownPolicy(ctx, ctx.input.PolicyArn)
      return { Policy: renderPolicy(ctx.core.getPolicy(ctx.principal.accountId, policy), { withDescription: true }) }
    },
  }),
  ...iamOperation({
    operation: 'GetPolicyVersion',
    input: GetPolicyVersionInput,
    resource: (ctx) => ctx.input.PolicyArn,
    handle(ctx) {
      const ref = ownPolicy(ctx, ctx.input.PolicyArn)
      const policy = ctx.core.getPolicy(ctx.principal.accountId, ref)
      if (ctx.input.VersionId !== 'v1') {
        throw new EmulatorError(
          'NotFound',
          `Policy ${echo(ctx.input.PolicyArn)} version ${echo(ctx.input.VersionId)} does not exist or is not attachable.`,
        )
      }
      return {
        PolicyVersion: {
          Document: encodeDocument(policy.document),
          VersionId: 'v1',
          IsDefaultVersion: true,
          CreateDate: isoSeconds(policy.createdAt),
        },
      }
    },
  }),
  ...iamOperation({
    operation: 'ListPolicies',
    input: ListPoliciesInput,
    resource: (ctx) => accountPolicies(ctx.principal.accountId, ctx.input.PathPrefix ?? '/'),
    handle(ctx) {
      const { Scope = 'All', OnlyAttached = false, PathPrefix = '/', Marker, MaxItems = 100 } = ctx.input
      // keyemu holds no AWS-managed policies, so Scope=AWS lists nothing.
      const page =
        Scope === 'AWS'
          ? { items: [] }
          : ctx.core.listPolicies(ctx.principal.accountId, {
              pathPrefix: PathPrefix,
              onlyAttached: OnlyAttached,
              cursor: Marker,
              limit: MaxItems,
              field: 'Marker',
            })
      return {
        Policies: members(page.items.map((p) => renderPolicy(p, { withDescription: false }))),
        ...pageFields('next' in page ? page.next : undefined),
      }
    },
  }),
  ...iamOperation({
    operation: 'DeletePolicy',
    input: PolicyArnInput,
    resource: (ctx) => ctx.input.PolicyArn,
    async handle(ctx) {
      const policy = ownPolicy(ctx, ctx.input.PolicyArn)
      await ctx.core.deletePolicy(ctx.principal.accountId, policy)
      return undefined
    },
  }),
  ...iamOperation({
    operation: 'AttachUserPolicy',
    input: UserPolicyArnInput,
    resource: (ctx) => subjectArn(ctx),
    async handle(ctx) {
      const policy = ownPolicy(ctx, ctx.input.PolicyArn)
      await ctx.core.attachUserPolicy(ctx.principal.accountId, ctx.input.UserName, policy, LIMITS)
      return undefined
    },
  }),
  ...iamOperation({
    operation: 'DetachUserPolicy',
    input: UserPolicyArnInput,
    resource: (ctx) => subjectArn(ctx),
    async handle(ctx) {
      const policy = ownPolicy(ctx, ctx.input.PolicyArn)
      await ctx.core.detachUserPolicy(ctx.principal.accountId, ctx.input.UserName, policy)
      return undefined
    },
  }),
  ...iamOperation({
    operation: 'ListAttachedUserPolicies',
    input: ListAttachedUserPoliciesInput,
    resource: (ctx) => subjectArn(ctx),
    handle(ctx) {
      const { UserName, PathPrefix = '/', Marker, MaxItems = 100 } = ctx.input
      const page = ctx.core.listAttachedUserPolicies(ctx.principal.accountId, UserName, {
        pathPrefix: PathPrefix,
        cursor: Marker,
        limit: MaxItems,
        field: 'Marker',
      })
      const attached = page.items.map((p) => ({
        PolicyName: p.name,
        PolicyArn: `${accountPolicies(p.accountId, p.path)}${p.name}`,
      }))
      return { AttachedPolicies: members(attached), ...pageFields(page.next) }
    },
  }),
  ...iamOperation({
    operation: 'PutUserPolicy',
    input: PutUserPolicyInput,
    resource: (ctx) => subjectArn(ctx),
    async handle(ctx) {
      const { UserName, PolicyName, PolicyDocument } = ctx.input
      await ctx.core.putUserPolicy(ctx.principal.accountId, UserName, PolicyName, PolicyDocument, LIMITS)
      return undefined
    },
  }),
  ...iamOperation({
    operation: 'GetUserPolicy',
    input: UserPolicyInput,
    resource: (ctx) => subjectArn(ctx),
    handle(ctx) {
      const found = ctx.core.getUserPolicy(ctx.principal.accountId, ctx.input.UserName, ctx.input.PolicyName)
      return {
        UserName: found.userName,
        PolicyName: ctx.input.PolicyName,
        PolicyDocument: encodeDocument(found.document),
      }
    },
  }),
  ...iamOperation({
    operation: 'ListUserPolicies',
    input: ListUserPoliciesInput,
    resource: (ctx) => subjectArn(ctx),
    handle(ctx) {
      const { UserName, Marker, MaxItems = 100 } = ctx.input
      const page = ctx.core.listUserPolicies(ctx.principal.accountId, UserName, {
        cursor: Marker,
        limit: MaxItems,
        field: 'Marker',
      })
      return { PolicyNames: members(page.items), ...pageFields(page.next) }
    },
  }),
  ...iamOperation({
    operation: 'DeleteUserPolicy',
    input: UserPolicyInput,
    resource: (ctx) => subjectArn(ctx),
    async handle(ctx) {
      await ctx.core.deleteUserPolicy(ctx.principal.accountId, ctx.input.UserName, ctx.input.PolicyName)
      return undefined
    },
  }),
]
