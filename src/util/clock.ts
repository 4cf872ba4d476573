/*
 * The injected clock. Everything that ages, times out or revalidates reads time from a
 * Clock, so tests drive it in virtual time instead of sleeping.
 */

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
}

/** Real monotonic time (performance.now() is available in Node and browsers). */
export const systemClock: Clock = {
  now: () => performance.now(),
};

/** A clock that only moves when told to (tests). */
export class ManualClock implements Clock {
  constructor(private t = 1000) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(ms: number): void {
    this.t = ms;
  }
}
