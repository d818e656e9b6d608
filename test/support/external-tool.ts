import { describe, test } from 'vitest'

// Suites that drive a program besides Node (the AWS CLI, boto3): run where the tool is there, skipped
// with the reason in their name where it is not, failed where it is not but CI is set (.ci/tools.sh
// installs every such tool first).

/** Each run of such a tool starts a Python interpreter: seconds, not milliseconds, on a busy machine. */
export const TOOL_TEST_TIMEOUT_MS = 120_000

/**
 * A describe block for a suite that needs `tool`; `missing` says why it cannot run here, or is undefined.
 *
 * @example describeWithTool('boto3', boto3Missing, 'boto3 against S3', () => { test(...) })
 */
export function describeWithTool(tool: string, missing: string | undefined, name: string, body: () => void): void {
  if (!missing) {
    describe(name, { timeout: TOOL_TEST_TIMEOUT_MS }, body)
  } else if (process.env.CI) {
    describe(name, () => {
      test(`has the ${tool} it drives (CI is set, so a missing tool fails)`, () => {
        throw new Error(missing)
      })
    })
  } else {
    // The reporter shows a skipped file only as a count: the reason goes to the log as well.
    console.warn(`${name}: skipped, ${missing}`)
    describe.skip(`${name} (skipped: ${missing})`, body)
  }
}
