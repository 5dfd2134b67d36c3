import type { Counter, Meter } from "@opentelemetry/api";
import type { AGGREGATES } from "../config/schema.js";
import type { MetricKind } from "../metrics/metrics-ingest.js";
import { firstAbove } from "../util/sorted.js";

export type Aggregate = (typeof AGGREGATES)[number];

/** Raw observations kept per series for percentiles, at most: the newest ones win. */
const MAX_RAW = 4096;
/** A window is kept in about this many buckets (at least 1 s each). */
const BUCKETS_PER_WINDOW = 60;

// Fields of one bucket, stored side by side in one Float64Array per series.
const T = 0;
const N = 1;
const SUM = 2;
const MIN = 3;
const MAX = 4;
const LAST = 5;
const STRIDE = 6;

/**
 * One series' points over its metric's longest rule window, in a ring of
 * buckets of `bucketMs` (window / 60, at least 1 s): each bucket holds the
 * count, sum, min, max and last value of the points that fell in it. So memory
 * per series is fixed (61 buckets) whatever the point rate, and a window's
 * edges are exact to one bucket. Percentile rules also keep the newest raw
 * values (a ring that grows to MAX_RAW while the window holds more).
 */
class Series {
  readonly attributes: Record<string, string>;
  readonly buckets: Float64Array;
  readonly slots: number;
  readonly bucketMs: number;
  /** Cumulative total since Vigil started (counters and up-down counters: their `last`). */
  total = 0;
  /** Raw values and their times in a ring; the value written n-th (its sequence) is at n % length. */
  raw: Float64Array | null = null;
  rawT: Float64Array | null = null;
  /** Values written so far. */
  rawSeq = 0;
  /** Per percentile window, its values sorted (kept as points arrive and leave). */
  readonly quantiles: QuantileWindow[] = [];
  updatedAt = 0;
  /**
   * Per window, the bucket totals and the sorted raw values as of one `now`:
   * every rule on this series and window within one evaluation shares them.
   */
  readonly memo: WindowStats[] = [];

  constructor(
    attributes: Record<string, string>,
    bucketMs: number,
    slots: number,
    quantileWindows: readonly number[],
  ) {
    this.attributes = attributes;
    this.bucketMs = bucketMs;
    this.slots = slots;
    this.buckets = new Float64Array(slots * STRIDE).fill(Number.NaN);
    if (quantileWindows.length > 0) {
      this.raw = new Float64Array(16);
      this.rawT = new Float64Array(16);
      for (const windowMs of quantileWindows)
        this.quantiles.push({ windowMs, sorted: new Float64Array(16), size: 0, tail: 0 });
    }
  }

  /** The offset of `now`'s bucket in `buckets`, emptied first when the slot still holds an older one. */
  #slot(now: number): number {
    const b = Math.floor(now / this.bucketMs);
    const i = (b % this.slots) * STRIDE;
    const buf = this.buckets;
    if (buf[i + T] !== b * this.bucketMs) {
      buf[i + T] = b * this.bucketMs;
      buf[i + N] = 0;
      buf[i + SUM] = 0;
      buf[i + MIN] = Number.POSITIVE_INFINITY;
      buf[i + MAX] = Number.NEGATIVE_INFINITY;
    }
    return i;
  }

  add(value: number, now: number, windowMs: number): void {
    const i = this.#slot(now);
    const buf = this.buckets;
    buf[i + N] = (buf[i + N] as number) + 1;
    buf[i + SUM] = (buf[i + SUM] as number) + value;
    if (value < (buf[i + MIN] as number)) buf[i + MIN] = value;
    if (value > (buf[i + MAX] as number)) buf[i + MAX] = value;
    buf[i + LAST] = value;
    this.total += value;
    this.updatedAt = now;
    if (this.raw !== null) this.#addRaw(value, now, windowMs);
  }

  /** `count` observations summing to `sum`, without the values: min, max and last are unknown (NaN holds no comparison). */
  addAggregate(count: number, sum: number, now: number): void {
    const i = this.#slot(now);
    const buf = this.buckets;
    buf[i + N] = (buf[i + N] as number) + count;
    buf[i + SUM] = (buf[i + SUM] as number) + sum;
    buf[i + MIN] = Number.NaN;
    buf[i + MAX] = Number.NaN;
    buf[i + LAST] = Number.NaN;
    this.total += sum;
    this.updatedAt = now;
  }

  #addRaw(value: number, now: number, windowMs: number): void {
    let raw = this.raw as Float64Array;
    let rawT = this.rawT as Float64Array;
    const seq = this.rawSeq;
    if (seq >= raw.length) {
      const oldest = seq - raw.length;
      // Full, and the oldest value is still inside the longest window: grow (up to MAX_RAW) rather than lose it.
      if (raw.length < MAX_RAW && (rawT[oldest % raw.length] as number) > now - windowMs) {
        const size = Math.min(raw.length * 2, MAX_RAW);
        const r = new Float64Array(size);
        const t = new Float64Array(size);
        for (let q = oldest; q < seq; q++) {
          r[q % size] = raw[q % raw.length] as number;
          t[q % size] = rawT[q % raw.length] as number;
        }
        this.raw = raw = r;
        this.rawT = rawT = t;
      } else {
        // The oldest value is overwritten: it leaves every window that still holds it.
        for (const w of this.quantiles) this.#expire(w, oldest + 1, Number.NEGATIVE_INFINITY);
      }
    }
    raw[seq % raw.length] = value;
    rawT[seq % raw.length] = now;
    this.rawSeq = seq + 1;
    for (const w of this.quantiles) {
      this.#expire(w, w.tail, now - w.windowMs);
      insertSorted(w, value);
    }
  }

  /** Removes from `w` the values before sequence `upTo` and those recorded at or before `from`. */
  #expire(w: QuantileWindow, upTo: number, from: number): void {
    const raw = this.raw as Float64Array;
    const rawT = this.rawT as Float64Array;
    while (w.tail < this.rawSeq && (w.tail < upTo || (rawT[w.tail % raw.length] as number) <= from)) {
      removeSorted(w, raw[w.tail % raw.length] as number);
      w.tail++;
    }
  }

  /** The nearest-rank quantile `q` of the values recorded in (now - windowMs, now]; null when none. */
  quantile(windowMs: number, now: number, q: number): number | null {
    let w: QuantileWindow | undefined;
    for (const x of this.quantiles) if (x.windowMs === windowMs) w = x;
    if (w === undefined) return null;
    this.#expire(w, w.tail, now - windowMs);
    if (w.size === 0) return null;
    return w.sorted[Math.max(1, Math.ceil(q * w.size)) - 1] as number;
  }
}

/** One percentile window of a series: its values in ascending order, and the sequence of the oldest. */
interface QuantileWindow {
  windowMs: number;
  sorted: Float64Array;
  size: number;
  tail: number;
}

/** Binary search + one memmove: a point costs O(log n + n/8), a percentile O(1) (before: a sort or select per evaluation). */
function insertSorted(w: QuantileWindow, v: number): void {
  if (w.size === w.sorted.length) {
    const grown = new Float64Array(w.sorted.length * 2);
    grown.set(w.sorted);
    w.sorted = grown;
  }
  const a = w.sorted;
  const lo = firstAbove(a, w.size, v);
  a.copyWithin(lo + 1, lo, w.size);
  a[lo] = v;
  w.size++;
}

function removeSorted(w: QuantileWindow, v: number): void {
  const a = w.sorted;
  let lo = 0;
  let hi = w.size;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((a[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  if (lo >= w.size || a[lo] !== v) return;
  a.copyWithin(lo, lo + 1, w.size);
  w.size--;
}

interface WindowStats {
  windowMs: number;
  now: number;
  n: number;
  sum: number;
  min: number;
  max: number;
  firstT: number;
  first: number;
  lastT: number;
  last: number;
}

interface WatchedMetric {
  kind: MetricKind | null;
  windowMs: number;
  bucketMs: number;
  slots: number;
  /** Distinct windows of the percentile rules on this metric. */
  quantileWindows: number[];
  series: Map<string, Series>;
}

function layout(windowMs: number): { bucketMs: number; slots: number } {
  const bucketMs = Math.max(1000, Math.ceil(windowMs / BUCKETS_PER_WINDOW / 1000) * 1000);
  return { bucketMs, slots: Math.ceil(windowMs / bucketMs) + 1 };
}

/**
 * What threshold rules see of the bot's metrics: for each metric a rule names,
 * every series (attribute set) with its samples over the rule's window. The
 * metrics ingest hands each accepted point of a watched metric to `sample()`;
 * metrics no rule names cost one Map lookup per point.
 */
export class SeriesWindows {
  readonly #metrics = new Map<string, WatchedMetric>();
  #maxSeries: number;
  #idleMs: number;
  /**
   * vigil.alerts.series.dropped{metric}: points of a series a metric's windows had no room for
   * (metrics.cardinality_limit series already): rules do not see that series, and that shows.
   */
  readonly #dropped: Counter;
  /** Names of the watched metrics, for the ingest's per-point check. */
  readonly names = new Set<string>();

  constructor(opts: { maxSeries: number; idleMs: number; meter: Meter }) {
    this.#maxSeries = opts.maxSeries;
    this.#idleMs = opts.idleMs;
    this.#dropped = opts.meter.createCounter("vigil.alerts.series.dropped", {
      description:
        "Points of metric series that alert rules do not see: the metric had metrics.cardinality_limit series in its rule windows already",
    });
  }

  /** Sets the metrics to watch; samples of metrics still watched are kept. */
  watch(
    wanted: ReadonlyMap<string, { windowMs: number; quantileWindows: number[] }>,
    limits: { maxSeries: number; idleMs: number },
  ): void {
    this.#maxSeries = limits.maxSeries;
    this.#idleMs = limits.idleMs;
    for (const name of [...this.#metrics.keys()]) if (!wanted.has(name)) this.#metrics.delete(name);
    for (const [name, w] of wanted) {
      const m = this.#metrics.get(name);
      const l = layout(w.windowMs);
      if (m === undefined)
        this.#metrics.set(name, {
          kind: null,
          windowMs: w.windowMs,
          ...l,
          quantileWindows: w.quantileWindows,
          series: new Map(),
        });
      else if (m.windowMs !== w.windowMs || m.quantileWindows.join() !== w.quantileWindows.join()) {
        // Another bucket layout: the samples start over.
        Object.assign(m, { windowMs: w.windowMs, ...l, quantileWindows: w.quantileWindows });
        m.series.clear();
      }
    }
    this.names.clear();
    for (const name of this.#metrics.keys()) this.names.add(name);
  }

  /** One accepted point of a watched metric. `key` identifies its attribute set. */
  sample(
    name: string,
    kind: MetricKind,
    value: number,
    attributes: Record<string, string>,
    key: string,
    now: number,
  ): void {
    const m = this.#metrics.get(name);
    if (m === undefined) return;
    m.kind = kind;
    let s = m.series.get(key);
    if (s === undefined) {
      if (m.series.size >= this.#maxSeries) {
        // The metric name is one a rule names, so this label is bounded by the config.
        this.#dropped.add(1, { metric: name });
        return;
      }
      s = new Series({ ...attributes }, m.bucketMs, m.slots, m.quantileWindows);
      m.series.set(key, s);
    }
    s.add(value, now, m.windowMs);
  }

  /**
   * A histogram's increase between two collections of Vigil's own metrics:
   * `count` observations summing to `sum` (no raw values, so no min, max or
   * percentiles).
   */
  sampleAggregate(
    name: string,
    count: number,
    sum: number,
    attributes: Record<string, string>,
    key: string,
    now: number,
  ): void {
    const m = this.#metrics.get(name);
    if (m === undefined) return;
    m.kind = "HISTOGRAM";
    let s = m.series.get(key);
    if (s === undefined) {
      if (m.series.size >= this.#maxSeries) {
        // The metric name is one a rule names, so this label is bounded by the config.
        this.#dropped.add(1, { metric: name });
        return;
      }
      s = new Series({ ...attributes }, m.bucketMs, m.slots, []);
      m.series.set(key, s);
    }
    s.addAggregate(count, sum, now);
  }

  /** Drops series idle for longer than their window plus `idleMs`. */
  prune(now: number): void {
    for (const m of this.#metrics.values()) {
      for (const [key, s] of m.series)
        if (now - s.updatedAt > m.windowMs + this.#idleMs) m.series.delete(key);
    }
  }

  get seriesCount(): number {
    let n = 0;
    for (const m of this.#metrics.values()) n += m.series.size;
    return n;
  }

  /**
   * The rules on one metric: for each series, every rule whose `match` its attributes include gets its
   * aggregate over the window ending at `now`, and `fn` is called with the rule's index in `rules`
   * (not at all when the window holds no point and the aggregate has no value without one). Series
   * outside, rules inside: a
   * series is read once while it is in the CPU's cache (rule by rule, every series was fetched from
   * memory again for each rule, which was most of an evaluation's time with many series).
   */
  forEachRule(
    name: string,
    rules: ReadonlyArray<{ match: Readonly<Record<string, string>>; aggregate: Aggregate; windowMs: number }>,
    now: number,
    fn: (rule: number, attributes: Record<string, string>, value: number, key: string) => void,
  ): void {
    const m = this.#metrics.get(name);
    if (m === undefined || m.kind === null) return;
    const kind = m.kind;
    const keys = rules.map((r) => Object.keys(r.match));
    for (const [key, s] of m.series) {
      const attributes = s.attributes;
      for (let i = 0; i < rules.length; i++) {
        const r = rules[i] as (typeof rules)[number];
        const ks = keys[i] as string[];
        let ok = true;
        for (let j = 0; j < ks.length; j++)
          if (attributes[ks[j] as string] !== r.match[ks[j] as string]) {
            ok = false;
            break;
          }
        if (!ok) continue;
        const v = aggregateOf(s, kind, r.aggregate, r.windowMs, now);
        if (v !== null) fn(i, attributes, v, key);
      }
    }
  }
}

/**
 * The aggregate of one series over the buckets that overlap (now - windowMs,
 * now]. Sums (counters, up-down counters) have a value in every window: `sum`
 * and `rate` are 0 when nothing was added, `last` is the total since Vigil
 * started. `rate` is per second: added per second for sums, observations per
 * second for histograms, change per second between the window's first and last
 * bucket for gauges.
 */
function aggregateOf(
  s: Series,
  kind: MetricKind,
  agg: Aggregate,
  windowMs: number,
  now: number,
): number | null {
  const isSum = kind === "COUNTER" || kind === "UP_DOWN_COUNTER";
  if (agg === "last" && isSum) return s.total;
  if (agg === "p50" || agg === "p90" || agg === "p99")
    return s.quantile(windowMs, now, agg === "p50" ? 0.5 : agg === "p90" ? 0.9 : 0.99);
  const w = windowStats(s, windowMs, now);
  const n = w.n;
  switch (agg) {
    case "last":
      return n === 0 || Number.isNaN(w.last) ? null : w.last;
    case "count":
      return n;
    case "sum":
      return isSum || n > 0 ? w.sum : null;
    case "rate":
      if (kind === "GAUGE") {
        if (n === 0) return null;
        return w.lastT <= w.firstT ? 0 : ((w.last - w.first) * 1000) / (w.lastT - w.firstT);
      }
      return ((kind === "HISTOGRAM" ? n : w.sum) * 1000) / windowMs;
    case "avg":
      return n === 0 ? null : w.sum / n;
    // Buckets from counts alone (Vigil's own histograms) have no min, max or last: no value.
    case "min":
      return n === 0 || !Number.isFinite(w.min) ? null : w.min;
    default:
      return n === 0 || !Number.isFinite(w.max) ? null : w.max;
  }
}

/** The totals of the buckets that overlap (now - windowMs, now], computed once per series, window and `now`. */
function windowStats(s: Series, windowMs: number, now: number): WindowStats {
  // A linear search: a series has one entry per distinct rule window (usually one or two).
  let w: WindowStats | undefined;
  for (let i = 0; i < s.memo.length; i++) {
    const x = s.memo[i] as WindowStats;
    if (x.windowMs === windowMs) {
      w = x;
      break;
    }
  }
  if (w !== undefined && w.now === now) return w;
  if (w === undefined) {
    w = { windowMs, now, n: 0, sum: 0, min: 0, max: 0, firstT: 0, first: 0, lastT: 0, last: 0 };
    s.memo.push(w);
  }
  const from = now - windowMs;
  const buf = s.buckets;
  const bucketMs = s.bucketMs;
  let n = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let firstT = Number.POSITIVE_INFINITY;
  let first = 0;
  let lastT = Number.NEGATIVE_INFINITY;
  let last = 0;
  // Only the slots the window can cover (a 1m window of a metric also watched over 5m reads 13 of 61).
  const slots = s.slots;
  const lastBucket = Math.floor(now / bucketMs);
  const firstBucket = Math.max(Math.floor(from / bucketMs), lastBucket - slots + 1);
  // The slot walks the ring by increment: `b % slots` on these (double) bucket numbers is an fmod call.
  let slot = firstBucket % slots;
  for (let b = firstBucket; b <= lastBucket; b++, slot = slot + 1 === slots ? 0 : slot + 1) {
    const i = slot * STRIDE;
    const t = buf[i + T] as number;
    // A slot still holding an older bucket (or NaN: never used) is not this one.
    if (t !== b * bucketMs || !(t + bucketMs > from)) continue;
    n += buf[i + N] as number;
    sum += buf[i + SUM] as number;
    if ((buf[i + MIN] as number) < min) min = buf[i + MIN] as number;
    if ((buf[i + MAX] as number) > max) max = buf[i + MAX] as number;
    if (t < firstT) {
      firstT = t;
      first = buf[i + LAST] as number;
    }
    if (t > lastT) {
      lastT = t;
      last = buf[i + LAST] as number;
    }
  }
  w.now = now;
  w.n = n;
  w.sum = sum;
  w.min = min;
  w.max = max;
  w.firstT = firstT;
  w.first = first;
  w.lastT = lastT;
  w.last = last;
  return w;
}
