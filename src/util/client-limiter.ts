import { createRequire } from "node:module";
import type { LRUCache } from "lru-cache";

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A rate per client (router.client_rate_limit, server.limits): a token bucket
 * per client key, refilled at `perSecond` up to `burst`, answered at once; a
 * call may cost more than one token (bytes).
 *
 * Hand-written rather than bottleneck: bottleneck schedules every job through
 * its timer-driven queue, which cost about 1.5 ms per publish measured here
 * (sequential schedule() calls); an admission check on the publish path has
 * to be a few arithmetic operations. Clients are kept in an LRU of 10,000, so
 * a flood of distinct peers cannot grow memory.
 */
export class ClientLimiter {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #buckets: LRUCache<string, Bucket>;

  constructor(perSecond: number, burst: number) {
    // Loaded when a limit is configured, like the dedup cache (router.ts).
    const { LRUCache: Lru } = createRequire(import.meta.url)("lru-cache") as typeof import("lru-cache");
    this.#buckets = new Lru<string, Bucket>({ max: 10_000 });
    this.#perSecond = perSecond;
    this.#burst = Math.max(1, burst);
  }

  /** 0 when the client may go on now (`cost` tokens are taken), else the milliseconds until it may. */
  take(client: string, now: number, cost = 1): number {
    const b = this.#refill(client, now);
    const need = Math.min(cost, this.#burst);
    if (b.tokens >= need) {
      b.tokens -= need;
      return 0;
    }
    return this.#waitFor(b, need);
  }

  /** What take() would answer, without taking anything. */
  wait(client: string, now: number, cost = 1): number {
    const b = this.#refill(client, now);
    const need = Math.min(cost, this.#burst);
    return b.tokens >= need ? 0 : this.#waitFor(b, need);
  }

  #refill(client: string, now: number): Bucket {
    let b = this.#buckets.get(client);
    if (!b) {
      b = { tokens: this.#burst, at: now };
      this.#buckets.set(client, b);
    }
    b.tokens = Math.min(this.#burst, b.tokens + ((now - b.at) / 1000) * this.#perSecond);
    b.at = now;
    return b;
  }

  /** A cost above the burst could never be paid: it waits for a full bucket instead. */
  #waitFor(b: Bucket, need: number): number {
    return Math.max(1, Math.ceil(((need - b.tokens) / this.#perSecond) * 1000));
  }
}
