import { type CoreContext, findUserByName, nowIso, requireAccount, requireUser } from './context.js'
import { EmulatorError, echo } from './errors.js'
import { keyCountOfUser, userCountOf, usersOf } from './indexes.js'
import type { Tag, User } from './model.js'
import { type CursorPage, type PageRequest, pageAfter, sortedBy } from './pagination.js'
import { entry } from './store.js'

export interface NewUser {
  accountId: string
  name: string
  path?: string
  tags?: Tag[]
  /** The most users one account may hold. */
  maxUsers?: number
}

// What a new user starts with, shared by every user (stored entities are frozen, and changed by copy):
// its own empty object and arrays cost ~120 bytes a user.
const NO_TAGS: Tag[] = Object.freeze([]) as unknown as Tag[]
const NO_POLICIES: Record<string, string> = Object.freeze({})
const NO_POLICY_IDS: string[] = Object.freeze([]) as unknown as string[]

/** @example const users = userOps(ctx); await users.createUser({ accountId, name: 'bob' }) */
export function userOps(ctx: CoreContext) {
  return {
    async createUser(input: NewUser): Promise<User> {
      return ctx.store.update(({ state, put }) => {
        requireAccount(state, input.accountId)
        if (findUserByName(state, input.accountId, input.name)) {
          throw new EmulatorError('AlreadyExists', `User with name ${echo(input.name)} already exists.`, {
            entity: 'user',
          })
        }
        if (input.maxUsers !== undefined && userCountOf(state, input.accountId) >= input.maxUsers) {
          throw new EmulatorError('LimitExceeded', `Cannot exceed quota for UsersPerAccount: ${input.maxUsers}`)
        }
        const user: User = {
          id: ctx.ids.token('AIDA', 17, 'upper-alnum'),
          accountId: input.accountId,
          name: input.name,
          path: input.path ?? '/',
          createdAt: nowIso(ctx),
          tags: input.tags ?? NO_TAGS,
          inlinePolicies: NO_POLICIES,
          attachedPolicyIds: NO_POLICY_IDS,
        }
        put('users', user.id, user)
        return structuredClone(user)
      })
    },

    /** The stored user itself (read on every call, so not copied): read it, never change it. */
    getUser(accountId: string, name: string): Readonly<User> {
      return ctx.store.read((state) => requireUser(state, accountId, name))
    },

    /** The stored user itself: read it, never change it. */
    getUserById(userId: string): Readonly<User> | undefined {
      return ctx.store.read((state) => entry(state.users, userId))
    },

    /** The stored users themselves: read them, never change them. */
    listUsers(accountId: string, page: { pathPrefix?: string } & PageRequest): CursorPage<Readonly<User>> {
      return ctx.store.read((state) => {
        const prefix = page.pathPrefix ?? '/'
        const users = usersOf(state, accountId).filter((u) => u.path.startsWith(prefix))
        return pageAfter(sortedBy(users, byLowerName), page, byLowerName)
      })
    },

    /** Refused while the user still has keys or policies, as IAM refuses it. */
    async deleteUser(accountId: string, name: string): Promise<void> {
      await ctx.store.update(({ state, remove }) => {
        const user = requireUser(state, accountId, name)
        if (keyCountOfUser(state, user.id) > 0) {
          throw new EmulatorError('InUse', 'Cannot delete entity, must delete access keys first.', { entity: 'user' })
        }
        if (Object.keys(user.inlinePolicies).length > 0) {
          throw new EmulatorError('InUse', 'Cannot delete entity, must delete policies first.', { entity: 'user' })
        }
        if (user.attachedPolicyIds.length > 0) {
          throw new EmulatorError('InUse', 'Cannot delete entity, must detach all policies first.', { entity: 'user' })
        }
        remove('users', user.id)
      })
    },
  }
}

const byLowerName = (u: User) => u.name.toLowerCase()
