import { createRequire } from "node:module";
import type { LRUCache } from "lru-cache";

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Publish rate per client (router.client_rate_limit): a token bucket per
 * client key, refilled at `perSecond` up to `burst`, answered at once.
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

  /** 0 when the client may publish now (a token is taken), else the milliseconds until it may. */
  take(client: string, now: number): number {
    let b = this.#buckets.get(client);
    if (!b) {
      b = { tokens: this.#burst, at: now };
      this.#buckets.set(client, b);
    }
    b.tokens = Math.min(this.#burst, b.tokens + ((now - b.at) / 1000) * this.#perSecond);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / this.#perSecond) * 1000);
  }
}
