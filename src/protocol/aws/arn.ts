import { EmulatorError, echo } from '../../core/errors.js'

/** @example userArn('000000000000', '/', 'bob') // arn:aws:iam::000000000000:user/bob */
export function userArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:user${path}${name}`
}

/** The account's root identity. @example rootArn('000000000000') // arn:aws:iam::000000000000:root */
export function rootArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`
}

/** @example policyArn('000000000000', '/', 'ReadOnly') // arn:aws:iam::000000000000:policy/ReadOnly */
export function policyArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:policy${path}${name}`
}

/**
 * Split a customer-managed policy ARN. `field` names the input for the error when it is not one.
 *
 * @example parsePolicyArn('arn:aws:iam::000000000000:policy/team/ReadOnly') // { accountId, path: '/team/', name: 'ReadOnly' }
 */
export function parsePolicyArn(arn: string, field: string): { accountId: string; path: string; name: string } {
  const m = /^arn:aws:iam::(\d{12}|aws):policy(\/(?:[^/]+\/)*)([^/]+)$/.exec(arn)
  if (!m) throw new EmulatorError('InvalidInput', `ARN ${echo(arn)} is not valid.`, { field })
  const [, accountId, path, name] = m as unknown as [string, string, string, string]
  return { accountId, path, name }
}
