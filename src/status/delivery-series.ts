import type { Attributes, Counter } from "@opentelemetry/api";
import type { RouterInstruments } from "../router/dispatcher.js";
import type { Clock } from "../util/clock.js";

/** One bucket's width: the resolution of the status page's charts and rates. */
export const BUCKET_MS = 10_000;
/** Buckets kept per destination: 15 minutes, the longest window shown. */
export const BUCKETS = 90;
/** The windows the status page reports, in minutes. */
export const WINDOWS_MIN = [1, 5, 15] as const;
/** A destination whose dead-letter file got a line within this is degraded (the overall verdict). */
export const DEAD_LETTER_WINDOW_MS = 5 * 60_000;

/**
 * Latency buckets: upper bounds from 0.1 ms growing by 25 %, the last one open. A quantile is the
 * geometric middle of its bucket, so within ±12 % of the true value: good enough for a status page,
 * at a fixed 64 counters per 10 s whatever the delivery rate.
 */
const LATENCY_BUCKETS = 64;
const LATENCY_MIN_S = 0.0001;
const LATENCY_GROWTH = 1.25;
const LOG_GROWTH = Math.log(LATENCY_GROWTH);

function latencyBucket(seconds: number): number {
  if (!(seconds > LATENCY_MIN_S)) return 0;
  return Math.min(LATENCY_BUCKETS - 1, Math.ceil(Math.log(seconds / LATENCY_MIN_S) / LOG_GROWTH));
}

/** The geometric middle of a latency bucket, in seconds. */
function latencyOf(bucket: number): number {
  if (bucket === 0) return LATENCY_MIN_S;
  return LATENCY_MIN_S * LATENCY_GROWTH ** (bucket - 0.5);
}

/** One window of one destination. */
export interface WindowRates {
  minutes: number;
  deliveredPerSecond: number;
  failedPerSecond: number;
  /** Delivery latency in seconds; null when nothing was delivered in the window. */
  p50: number | null;
  p99: number | null;
}

/** What the status page shows of a destination's recent traffic. */
export interface DestinationActivity {
  windows: WindowRates[];
  /** Per bucket, oldest first, BUCKETS of them ending with the current one: for the charts. */
  delivered: number[];
  failed: number[];
  bucketMs: number;
  /** Dead letters written within DEAD_LETTER_WINDOW_MS. */
  recentDeadLetters: number;
}

/** A ring of BUCKETS buckets: `stamp[i]` says which bucket number slot i holds, so stale slots read as empty. */
class Ring {
  readonly stamp = new Float64Array(BUCKETS).fill(-1);
  readonly delivered = new Uint32Array(BUCKETS);
  readonly failed = new Uint32Array(BUCKETS);
  readonly deadLettered = new Uint32Array(BUCKETS);
  readonly latency = new Uint32Array(BUCKETS * LATENCY_BUCKETS);

  slot(bucket: number): number {
    const i = bucket % BUCKETS;
    if (this.stamp[i] !== bucket) {
      this.stamp[i] = bucket;
      this.delivered[i] = 0;
      this.failed[i] = 0;
      this.deadLettered[i] = 0;
      this.latency.fill(0, i * LATENCY_BUCKETS, (i + 1) * LATENCY_BUCKETS);
    }
    return i;
  }

  /** The slot of `bucket` if it still holds it, else -1. */
  held(bucket: number): number {
    const i = bucket % BUCKETS;
    return this.stamp[i] === bucket ? i : -1;
  }
}

/**
 * Per-destination delivered, failed and dead-lettered counts and delivery latencies in 10-second
 * buckets over the last 15 minutes, for the status page's rates and charts and the overall verdict.
 * Fed by the router's delivery instruments (a tap, see Router's `deliveryTap`); memory is fixed per
 * destination (about 24 KiB) and destinations are config-bounded; a removed destination's ring goes
 * at the next `retain()`.
 */
export class DeliverySeries {
  readonly #clock: Clock;
  readonly #rings = new Map<string, Ring>();
  /** Rates right after a start are over the time since, not over a window mostly before Vigil ran. */
  readonly #since: number;

  constructor(clock: Clock) {
    this.#clock = clock;
    this.#since = clock.now();
  }

  #ring(destination: string): Ring {
    let r = this.#rings.get(destination);
    if (r === undefined) {
      r = new Ring();
      this.#rings.set(destination, r);
    }
    return r;
  }

  delivered(destination: string, seconds: number): void {
    const r = this.#ring(destination);
    const i = r.slot(Math.floor(this.#clock.now() / BUCKET_MS));
    r.delivered[i] = (r.delivered[i] ?? 0) + 1;
    const l = i * LATENCY_BUCKETS + latencyBucket(seconds);
    r.latency[l] = (r.latency[l] ?? 0) + 1;
  }

  failed(destination: string): void {
    const r = this.#ring(destination);
    const i = r.slot(Math.floor(this.#clock.now() / BUCKET_MS));
    r.failed[i] = (r.failed[i] ?? 0) + 1;
  }

  deadLettered(destination: string): void {
    const r = this.#ring(destination);
    const i = r.slot(Math.floor(this.#clock.now() / BUCKET_MS));
    r.deadLettered[i] = (r.deadLettered[i] ?? 0) + 1;
  }

  /** Drops the rings of destinations no longer configured. */
  retain(names: Iterable<string>): void {
    const keep = new Set(names);
    for (const name of this.#rings.keys()) if (!keep.has(name)) this.#rings.delete(name);
  }

  /** Dead letters of `destination` written within DEAD_LETTER_WINDOW_MS. */
  recentDeadLetters(destination: string): number {
    const r = this.#rings.get(destination);
    if (r === undefined) return 0;
    const now = this.#clock.now();
    const current = Math.floor(now / BUCKET_MS);
    const first = Math.floor((now - DEAD_LETTER_WINDOW_MS) / BUCKET_MS) + 1;
    let n = 0;
    for (let b = first; b <= current; b++) {
      const i = r.held(b);
      if (i >= 0) n += r.deadLettered[i] ?? 0;
    }
    return n;
  }

  activity(destination: string): DestinationActivity {
    const now = this.#clock.now();
    const current = Math.floor(now / BUCKET_MS);
    const r = this.#rings.get(destination);
    const delivered = new Array<number>(BUCKETS).fill(0);
    const failed = new Array<number>(BUCKETS).fill(0);
    const windows: WindowRates[] = [];
    if (r === undefined) {
      for (const minutes of WINDOWS_MIN)
        windows.push({ minutes, deliveredPerSecond: 0, failedPerSecond: 0, p50: null, p99: null });
      return { windows, delivered, failed, bucketMs: BUCKET_MS, recentDeadLetters: 0 };
    }
    for (let k = 0; k < BUCKETS; k++) {
      const i = r.held(current - (BUCKETS - 1 - k));
      if (i < 0) continue;
      delivered[k] = r.delivered[i] ?? 0;
      failed[k] = r.failed[i] ?? 0;
    }
    const hist = new Float64Array(LATENCY_BUCKETS);
    for (const minutes of WINDOWS_MIN) {
      const n = (minutes * 60_000) / BUCKET_MS;
      let d = 0;
      let f = 0;
      hist.fill(0);
      for (let b = current - n + 1; b <= current; b++) {
        const i = r.held(b);
        if (i < 0) continue;
        d += r.delivered[i] ?? 0;
        f += r.failed[i] ?? 0;
        for (let j = 0; j < LATENCY_BUCKETS; j++)
          hist[j] = (hist[j] ?? 0) + (r.latency[i * LATENCY_BUCKETS + j] ?? 0);
      }
      // The window's full buckets plus the current one so far, and no longer than Vigil has run.
      const spanMs = Math.min((n - 1) * BUCKET_MS + (now - current * BUCKET_MS), now - this.#since);
      const seconds = Math.max(spanMs, 1000) / 1000;
      windows.push({
        minutes,
        deliveredPerSecond: d / seconds,
        failedPerSecond: f / seconds,
        p50: quantile(hist, d, 0.5),
        p99: quantile(hist, d, 0.99),
      });
    }
    return {
      windows,
      delivered,
      failed,
      bucketMs: BUCKET_MS,
      recentDeadLetters: this.recentDeadLetters(destination),
    };
  }
}

function quantile(hist: Float64Array, total: number, q: number): number | null {
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let j = 0; j < hist.length; j++) {
    seen += hist[j] ?? 0;
    if (seen >= rank) return latencyOf(j);
  }
  return latencyOf(hist.length - 1);
}

/** What the router tells DeliverySeries (Router's `deliveryTap` option). */
export interface DeliveryTap {
  delivered(destination: string, seconds: number): void;
  failed(destination: string): void;
  deadLettered(destination: string): void;
}

/**
 * The router's delivery instruments, also telling `tap`: every delivery is one record of the duration
 * histogram and every failed attempt one add to the failed counter (both with the destination as an
 * attribute), so the status page's rates count exactly what vigil.router.delivered/failed count.
 */
export function tapInstruments(
  inst: RouterInstruments,
  deadLettered: Counter,
  tap: DeliveryTap,
): { inst: RouterInstruments; deadLettered: Counter } {
  const dest = (a: Attributes | undefined) => String(a?.destination ?? "");
  return {
    inst: {
      delivered: inst.delivered,
      failed: {
        add(value, attributes, context) {
          inst.failed.add(value, attributes, context);
          tap.failed(dest(attributes));
        },
      },
      duration: {
        record(value, attributes, context) {
          inst.duration.record(value, attributes, context);
          tap.delivered(dest(attributes), value);
        },
      },
    },
    deadLettered: {
      add(value, attributes, context) {
        deadLettered.add(value, attributes, context);
        tap.deadLettered(dest(attributes));
      },
    },
  };
}
