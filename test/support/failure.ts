/**
 * The error a call failed with, checked to be the SDK's own service exception, so that an envelope
 * the SDK could not parse fails the test instead of slipping through.
 *
 * @example const err = await failure(iam.send(cmd), IAMServiceException)
 */
export async function failure<E extends Error>(
  promise: Promise<unknown>,
  base: abstract new (...args: never[]) => E,
): Promise<E> {
  try {
    await promise
  } catch (err) {
    if (err instanceof base) return err
    throw err
  }
  throw new Error('expected the call to fail')
}
