import type { AGGREGATES } from "../config/schema.js";
import type { MetricKind } from "../metrics/metrics-ingest.js";

export type Aggregate = (typeof AGGREGATES)[number];

/** Raw observations kept per series for percentiles: the newest ones win. */
const MAX_RAW = 4096;

/**
 * One series' samples within the longest window a rule asks for, merged per
 * second: each entry holds the count, sum, min, max and last value of the
 * points recorded in that second. So memory per series is bounded by the
 * window's seconds, not by the point rate. Percentile rules also keep the
 * newest MAX_RAW raw values.
 */
class Series {
  readonly attributes: Record<string, string>;
  /** Start of each entry's second (ms). Oldest first, from `head`. */
  t: number[] = [];
  n: number[] = [];
  sum: number[] = [];
  min: number[] = [];
  max: number[] = [];
  last: number[] = [];
  head = 0;
  /** Cumulative total since Vigil started (counters and up-down counters: their `last`). */
  total = 0;
  raw: Float64Array | null = null;
  rawT: Float64Array | null = null;
  rawCount = 0;
  updatedAt = 0;

  constructor(attributes: Record<string, string>, keepRaw: boolean) {
    this.attributes = attributes;
    if (keepRaw) {
      this.raw = new Float64Array(MAX_RAW);
      this.rawT = new Float64Array(MAX_RAW);
    }
  }

  add(value: number, now: number): void {
    const sec = now - (now % 1000);
    const i = this.t.length - 1;
    if (i >= this.head && this.t[i] === sec) {
      this.n[i] = (this.n[i] as number) + 1;
      this.sum[i] = (this.sum[i] as number) + value;
      if (value < (this.min[i] as number)) this.min[i] = value;
      if (value > (this.max[i] as number)) this.max[i] = value;
      this.last[i] = value;
    } else {
      this.t.push(sec);
      this.n.push(1);
      this.sum.push(value);
      this.min.push(value);
      this.max.push(value);
      this.last.push(value);
    }
    this.total += value;
    this.updatedAt = now;
    if (this.raw !== null) {
      const slot = this.rawCount % MAX_RAW;
      this.raw[slot] = value;
      (this.rawT as Float64Array)[slot] = now;
      this.rawCount++;
    }
  }

  /** Drops entries older than `from`; compacts the arrays now and then. */
  prune(from: number): void {
    let h = this.head;
    while (h < this.t.length && (this.t[h] as number) + 1000 <= from) h++;
    this.head = h;
    if (h > 64 && h * 2 > this.t.length) {
      this.t = this.t.slice(h);
      this.n = this.n.slice(h);
      this.sum = this.sum.slice(h);
      this.min = this.min.slice(h);
      this.max = this.max.slice(h);
      this.last = this.last.slice(h);
      this.head = 0;
    }
  }
}

interface WatchedMetric {
  kind: MetricKind | null;
  windowMs: number;
  keepRaw: boolean;
  series: Map<string, Series>;
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
  /** Names of the watched metrics, for the ingest's per-point check. */
  readonly names = new Set<string>();

  constructor(opts: { maxSeries: number; idleMs: number }) {
    this.#maxSeries = opts.maxSeries;
    this.#idleMs = opts.idleMs;
  }

  /** Sets the metrics to watch; samples of metrics still watched are kept. */
  watch(
    wanted: ReadonlyMap<string, { windowMs: number; keepRaw: boolean }>,
    limits: { maxSeries: number; idleMs: number },
  ): void {
    this.#maxSeries = limits.maxSeries;
    this.#idleMs = limits.idleMs;
    for (const name of [...this.#metrics.keys()]) if (!wanted.has(name)) this.#metrics.delete(name);
    for (const [name, w] of wanted) {
      const m = this.#metrics.get(name);
      if (m === undefined)
        this.#metrics.set(name, { kind: null, windowMs: w.windowMs, keepRaw: w.keepRaw, series: new Map() });
      else {
        m.windowMs = w.windowMs;
        if (w.keepRaw && !m.keepRaw) {
          m.keepRaw = true;
          m.series.clear();
        }
        m.keepRaw = w.keepRaw;
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
      if (m.series.size >= this.#maxSeries) return;
      s = new Series({ ...attributes }, m.keepRaw);
      m.series.set(key, s);
    }
    s.add(value, now);
  }

  /** Drops samples outside every window and series idle for longer than their window plus `idleMs`. */
  prune(now: number): void {
    for (const m of this.#metrics.values()) {
      for (const [key, s] of m.series) {
        if (now - s.updatedAt > m.windowMs + this.#idleMs) m.series.delete(key);
        else s.prune(now - m.windowMs);
      }
    }
  }

  get seriesCount(): number {
    let n = 0;
    for (const m of this.#metrics.values()) n += m.series.size;
    return n;
  }

  /**
   * Calls `fn` with each series of `name` whose attributes include `match`, and
   * its aggregate over the window ending at `now` (null when the window holds no
   * point and the aggregate has no value without one).
   */
  forEach(
    name: string,
    match: Readonly<Record<string, string>>,
    aggregate: Aggregate,
    windowMs: number,
    now: number,
    fn: (attributes: Record<string, string>, value: number, key: string) => void,
  ): void {
    const m = this.#metrics.get(name);
    if (m === undefined || m.kind === null) return;
    const matchKeys = Object.keys(match);
    for (const [key, s] of m.series) {
      let ok = true;
      for (const k of matchKeys)
        if (s.attributes[k] !== match[k]) {
          ok = false;
          break;
        }
      if (!ok) continue;
      const v = aggregateOf(s, m.kind, aggregate, windowMs, now);
      if (v !== null) fn(s.attributes, v, key);
    }
  }
}

/**
 * The aggregate of one series over (now - windowMs, now]. Sums (counters,
 * up-down counters) have a value in every window: `sum` and `rate` are 0 when
 * nothing was added, `last` is the total since Vigil started. `rate` is per
 * second: added per second for sums, observations per second for histograms,
 * change per second between the window's first and last value for gauges.
 */
function aggregateOf(
  s: Series,
  kind: MetricKind,
  agg: Aggregate,
  windowMs: number,
  now: number,
): number | null {
  const from = now - windowMs;
  const isSum = kind === "COUNTER" || kind === "UP_DOWN_COUNTER";
  if (agg === "p50" || agg === "p90" || agg === "p99") return percentile(s, from, agg);
  let i = s.t.length - 1;
  let n = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let first = 0;
  let firstT = 0;
  const lastIndex = i;
  for (; i >= s.head; i--) {
    const t = s.t[i] as number;
    if (t + 1000 <= from) break;
    n += s.n[i] as number;
    sum += s.sum[i] as number;
    if ((s.min[i] as number) < min) min = s.min[i] as number;
    if ((s.max[i] as number) > max) max = s.max[i] as number;
    first = s.last[i] as number;
    firstT = t;
  }
  if (agg === "last") {
    if (isSum) return s.total;
    return n === 0 ? null : (s.last[lastIndex] as number);
  }
  if (agg === "count") return n;
  if (agg === "sum") return isSum || n > 0 ? sum : null;
  if (agg === "rate") {
    if (kind === "GAUGE") {
      if (n === 0) return null;
      const dt = (s.t[lastIndex] as number) - firstT;
      return dt <= 0 ? 0 : (((s.last[lastIndex] as number) - first) * 1000) / dt;
    }
    return ((kind === "HISTOGRAM" ? n : sum) * 1000) / windowMs;
  }
  if (n === 0) return null;
  if (agg === "avg") return sum / n;
  if (agg === "min") return min;
  return max;
}

function percentile(s: Series, from: number, agg: "p50" | "p90" | "p99"): number | null {
  const raw = s.raw;
  const rawT = s.rawT;
  if (raw === null || rawT === null) return null;
  const have = Math.min(s.rawCount, MAX_RAW);
  const values: number[] = [];
  for (let i = 0; i < have; i++) if ((rawT[i] as number) > from) values.push(raw[i] as number);
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const q = agg === "p50" ? 0.5 : agg === "p90" ? 0.9 : 0.99;
  // Nearest rank, as most alerting tools document it.
  const rank = Math.max(1, Math.ceil(q * values.length));
  return values[rank - 1] as number;
}
