import { EmulatorError } from '../../src/core/errors.js'
import type { PolicyRef } from '../../src/core/policies.js'
import { parsePolicyArn } from '../../src/protocol/aws/arn.js'
import type { RouteContext } from '../../src/protocol/route.js'
import { members, queryOperation } from '../../src/protocol/wire/aws-query.js'
import { allow, subjectOf } from './identity.js'
import { encodeDocument, isoSeconds, NAMESPACE, pageFields, renderPolicy } from './render.js'
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
    throw new EmulatorError('NotFound', `Policy ${arn} does not exist or is not attachable.`)
  }
  return { path, name, label: arn }
}

const accountPolicies = (accountId: string, path = '/') => `arn:aws:iam::${accountId}:policy${path}`

export const policyRoutes = [
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'CreatePolicy',
    input: CreatePolicyInput,
    async handle(ctx) {
      const { PolicyName, PolicyDocument, Path = '/', Description, Tags = [] } = ctx.input
      allow(ctx, 'CreatePolicy', `${accountPolicies(ctx.principal.accountId, Path)}${PolicyName}`)
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
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'GetPolicy',
    input: PolicyArnInput,
    handle(ctx) {
      const policy = ownPolicy(ctx, ctx.input.PolicyArn)
      allow(ctx, 'GetPolicy', ctx.input.PolicyArn)
      return { Policy: renderPolicy(ctx.core.getPolicy(ctx.principal.accountId, policy), { withDescription: true }) }
    },
  }),
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'GetPolicyVersion',
    input: GetPolicyVersionInput,
    handle(ctx) {
      const ref = ownPolicy(ctx, ctx.input.PolicyArn)
      allow(ctx, 'GetPolicyVersion', ctx.input.PolicyArn)
      const policy = ctx.core.getPolicy(ctx.principal.accountId, ref)
      if (ctx.input.VersionId !== 'v1') {
        throw new EmulatorError(
          'NotFound',
          `Policy ${ctx.input.PolicyArn} version ${ctx.input.VersionId} does not exist or is not attachable.`,
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
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'ListPolicies',
    input: ListPoliciesInput,
    handle(ctx) {
      const { Scope = 'All', OnlyAttached = false, PathPrefix = '/', Marker, MaxItems = 100 } = ctx.input
      allow(ctx, 'ListPolicies', accountPolicies(ctx.principal.accountId, PathPrefix))
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
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'DeletePolicy',
    input: PolicyArnInput,
    async handle(ctx) {
      const policy = ownPolicy(ctx, ctx.input.PolicyArn)
      allow(ctx, 'DeletePolicy', ctx.input.PolicyArn)
      await ctx.core.deletePolicy(ctx.principal.accountId, policy)
      return undefined
    },
  }),
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'AttachUserPolicy',
    input: UserPolicyArnInput,
    async handle(ctx) {
      const subject = subjectOf(ctx.core, ctx.principal, ctx.input.UserName)
      allow(ctx, 'AttachUserPolicy', subject.arn)
      const policy = ownPolicy(ctx, ctx.input.PolicyArn)
      await ctx.core.attachUserPolicy(ctx.principal.accountId, ctx.input.UserName, policy, LIMITS)
      return undefined
    },
  }),
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'DetachUserPolicy',
    input: UserPolicyArnInput,
    async handle(ctx) {
      const subject = subjectOf(ctx.core, ctx.principal, ctx.input.UserName)
      allow(ctx, 'DetachUserPolicy', subject.arn)
      const policy = ownPolicy(ctx, ctx.input.PolicyArn)
      await ctx.core.detachUserPolicy(ctx.principal.accountId, ctx.input.UserName, policy)
      return undefined
    },
  }),
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'ListAttachedUserPolicies',
    input: ListAttachedUserPoliciesInput,
    handle(ctx) {
      const { UserName, PathPrefix = '/', Marker, MaxItems = 100 } = ctx.input
      const subject = subjectOf(ctx.core, ctx.principal, UserName)
      allow(ctx, 'ListAttachedUserPolicies', subject.arn)
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
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'PutUserPolicy',
    input: PutUserPolicyInput,
    async handle(ctx) {
      const { UserName, PolicyName, PolicyDocument } = ctx.input
      const subject = subjectOf(ctx.core, ctx.principal, UserName)
      allow(ctx, 'PutUserPolicy', subject.arn)
      await ctx.core.putUserPolicy(ctx.principal.accountId, UserName, PolicyName, PolicyDocument, LIMITS)
      return undefined
    },
  }),
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'GetUserPolicy',
    input: UserPolicyInput,
    handle(ctx) {
      const subject = subjectOf(ctx.core, ctx.principal, ctx.input.UserName)
      allow(ctx, 'GetUserPolicy', subject.arn)
      const found = ctx.core.getUserPolicy(ctx.principal.accountId, ctx.input.UserName, ctx.input.PolicyName)
      return {
        UserName: found.userName,
        PolicyName: ctx.input.PolicyName,
        PolicyDocument: encodeDocument(found.document),
      }
    },
  }),
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'ListUserPolicies',
    input: ListUserPoliciesInput,
    handle(ctx) {
      const { UserName, Marker, MaxItems = 100 } = ctx.input
      const subject = subjectOf(ctx.core, ctx.principal, UserName)
      allow(ctx, 'ListUserPolicies', subject.arn)
      const page = ctx.core.listUserPolicies(ctx.principal.accountId, UserName, {
        cursor: Marker,
        limit: MaxItems,
        field: 'Marker',
      })
      return { PolicyNames: members(page.items), ...pageFields(page.next) }
    },
  }),
  ...queryOperation({
    namespace: NAMESPACE,
    operation: 'DeleteUserPolicy',
    input: UserPolicyInput,
    async handle(ctx) {
      const subject = subjectOf(ctx.core, ctx.principal, ctx.input.UserName)
      allow(ctx, 'DeleteUserPolicy', subject.arn)
      await ctx.core.deleteUserPolicy(ctx.principal.accountId, ctx.input.UserName, ctx.input.PolicyName)
      return undefined
    },
  }),
]
