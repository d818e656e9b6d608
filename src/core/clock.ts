/** Where the core gets the time, so tests can fix it. */
export interface Clock {
  now(): Date
}

/** @example const clock = systemClock; clock.now() */
export const systemClock: Clock = { now: () => new Date() }

/** A clock that stands still until moved, for tests. @example const clock = fixedClock('2024-05-01T12:00:00Z') */
export function fixedClock(start: string | Date): Clock & { advance(ms: number): void } {
  let t = new Date(start).getTime()
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms
    },
  }
}
