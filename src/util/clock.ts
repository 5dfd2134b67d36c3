import { performance } from "node:perf_hooks";

/** Time source injected into every component that reads the clock, so tests never sleep. */
export interface Clock {
  /** Milliseconds since the epoch: for what is shown, stored or compared with stored times (TTL, cron). */
  now(): number;
  /**
   * Milliseconds on a clock that never jumps (NTP steps, a VM resumed, an operator's `date -s`): for
   * waits measured in the process alone — retry backoff, breaker half-open, timers — so a wall clock
   * stepped back an hour does not hold a retry for an hour.
   */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/** A clock tests move by hand; `jump()` steps the wall clock alone, as NTP does. */
export class ManualClock implements Clock {
  #now: number;
  #mono = 0;
  constructor(start = Date.parse("2026-01-05T08:00:00Z")) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  monotonic(): number {
    return this.#mono;
  }
  /** Time passes: both clocks move. */
  advance(ms: number): void {
    this.#now += ms;
    this.#mono += ms;
  }
  set(ms: number): void {
    this.#mono += Math.max(0, ms - this.#now);
    this.#now = ms;
  }
  /** The wall clock is stepped by `ms` (negative: back); no time passes. */
  jump(ms: number): void {
    this.#now += ms;
  }
}
