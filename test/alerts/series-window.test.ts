import assert from "node:assert/strict";
import { test } from "node:test";
import { type Aggregate, SeriesWindows } from "../../src/alerts/series-window.js";
import { collect, testMeterProvider } from "../helpers/metrics.js";

const meter = testMeterProvider().provider.getMeter("test");

/** A seeded generator, so a failure repeats. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function nearestRank(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
}

test("percentiles over sliding windows equal a brute-force nearest rank, through ring growth and expiry", () => {
  const random = rng(42);
  const w = new SeriesWindows({ maxSeries: 10, idleMs: 3600_000, meter });
  w.watch(new Map([["lat", { windowMs: 60_000, quantileWindows: [10_000, 60_000] }]]), {
    maxSeries: 10,
    idleMs: 3600_000,
  });
  const points: Array<[number, number]> = [];
  let now = 1_000_000;
  for (let step = 0; step < 3000; step++) {
    // Bursts and gaps: sometimes many points in one second, sometimes none for a while.
    now += Math.floor(random() * (random() < 0.1 ? 8000 : 400));
    const n = random() < 0.05 ? 50 : 1;
    for (let i = 0; i < n; i++) {
      const v = Math.round(random() * 1000) / 10;
      points.push([now, v]);
      w.sample("lat", "HISTOGRAM", v, { a: "1" }, "k", now);
    }
    if (step % 7 === 0) {
      for (const [windowMs, agg, q] of [
        [10_000, "p50", 0.5],
        [10_000, "p99", 0.99],
        [60_000, "p90", 0.9],
      ] as const) {
        const expected = nearestRank(
          points.filter(([t]) => t > now - windowMs).map(([, v]) => v),
          q,
        );
        let got: number | null = null;
        w.forEachRule("lat", [{ match: {}, aggregate: agg, windowMs }], now, (_i, _a, v) => {
          got = v;
        });
        assert.equal(got, expected, `step ${step}, ${agg} over ${windowMs} ms`);
      }
    }
  }
});

test("sums, rates and gauges over buckets; a series idle past its window and idle time is dropped", () => {
  const w = new SeriesWindows({ maxSeries: 2, idleMs: 1000, meter });
  w.watch(
    new Map([
      ["c", { windowMs: 60_000, quantileWindows: [] }],
      ["g", { windowMs: 60_000, quantileWindows: [] }],
    ]),
    { maxSeries: 2, idleMs: 1000 },
  );
  const t0 = 10_000_000;
  for (let i = 0; i < 60; i++) w.sample("c", "COUNTER", 2, {}, "", t0 + i * 1000);
  for (let i = 0; i < 3; i++) w.sample("g", "GAUGE", 10 + i * 10, { x: String(i) }, `k${i}`, t0);
  const value = (name: string, agg: Aggregate, at: number) => {
    const out: number[] = [];
    w.forEachRule(name, [{ match: {}, aggregate: agg, windowMs: 60_000 }], at, (_i, _a, v) => out.push(v));
    return out;
  };
  const end = t0 + 59_999;
  assert.deepEqual(value("c", "sum", end), [120]);
  assert.deepEqual(value("c", "rate", end), [2]);
  assert.deepEqual(value("c", "count", end), [60]);
  assert.deepEqual(value("g", "last", end), [10, 20], "the cardinality bound keeps the first two series");
  assert.deepEqual(value("c", "sum", t0 + 200_000), [0], "a counter has a value in an empty window");
  assert.deepEqual(value("g", "avg", t0 + 200_000), [], "a gauge has none");
  w.prune(t0 + 200_000);
  assert.equal(w.seriesCount, 0);
});

test("histogram counts without values (Vigil's own): count, sum, avg and rate have values; min, max, last and percentiles none", () => {
  const w = new SeriesWindows({ maxSeries: 2, idleMs: 1000, meter });
  w.watch(new Map([["vigil.h", { windowMs: 60_000, quantileWindows: [60_000] }]]), {
    maxSeries: 2,
    idleMs: 1000,
  });
  const t0 = 50_000_000;
  w.sampleAggregate("vigil.h", 4, 2, {}, "", t0);
  w.sampleAggregate("vigil.h", 6, 3, {}, "", t0 + 2000);
  const value = (agg: Aggregate) => {
    const out: number[] = [];
    w.forEachRule("vigil.h", [{ match: {}, aggregate: agg, windowMs: 60_000 }], t0 + 5000, (_i, _a, v) =>
      out.push(v),
    );
    return out[0] ?? null;
  };
  assert.equal(value("count"), 10);
  assert.equal(value("sum"), 5);
  assert.equal(value("avg"), 0.5);
  for (const agg of ["min", "max", "last", "p99"] as const) assert.equal(value(agg), null, agg);
});

test("forEachRule: a metric's rules in one pass over its series give each rule what it gets alone", () => {
  const random = rng(7);
  const w = new SeriesWindows({ maxSeries: 100, idleMs: 3600_000, meter });
  w.watch(new Map([["g", { windowMs: 300_000, quantileWindows: [60_000] }]]), {
    maxSeries: 100,
    idleMs: 3600_000,
  });
  let now = 5_000_000;
  for (let t = 0; t < 400; t++, now += 1000)
    for (let s = 0; s < 20; s++)
      if (random() < 0.8)
        w.sample("g", "GAUGE", Math.round(random() * 100), { s: `s${s}`, zone: `z${s % 3}` }, `k${s}`, now);
  const rules = [
    { match: {}, aggregate: "avg", windowMs: 300_000 },
    { match: { zone: "z1" }, aggregate: "max", windowMs: 60_000 },
    { match: { zone: "z2" }, aggregate: "p50", windowMs: 60_000 },
    { match: {}, aggregate: "rate", windowMs: 60_000 },
    { match: { zone: "none" }, aggregate: "last", windowMs: 60_000 },
  ] as const;
  const together = rules.map(() => [] as string[]);
  w.forEachRule("g", rules, now, (i, a, v, key) => together[i]?.push(`${key}=${a.s}:${v}`));
  rules.forEach((r, i) => {
    const alone: string[] = [];
    w.forEachRule("g", [r], now, (_i, a, v, key) => alone.push(`${key}=${a.s}:${v}`));
    assert.deepEqual(together[i], alone, `rule ${i} (${r.aggregate})`);
  });
  assert.equal(together[0]?.length, 20);
  assert.equal(together[1]?.length, 7, "z1: s1, s4, …, s19");
  assert.equal(together[4]?.length, 0);
});

test("points of series beyond the cardinality bound are counted in vigil.alerts.series.dropped, not kept", async () => {
  const { provider, reader } = testMeterProvider();
  const w = new SeriesWindows({ maxSeries: 2, idleMs: 1000, meter: provider.getMeter("test") });
  w.watch(
    new Map([
      ["g", { windowMs: 60_000, quantileWindows: [] }],
      ["vigil.h", { windowMs: 60_000, quantileWindows: [] }],
    ]),
    { maxSeries: 2, idleMs: 1000 },
  );
  const t0 = 10_000_000;
  for (let i = 0; i < 4; i++) w.sample("g", "GAUGE", i, { x: String(i) }, `k${i}`, t0);
  w.sample("g", "GAUGE", 9, { x: "3" }, "k3", t0 + 1);
  w.sample("g", "GAUGE", 9, { x: "0" }, "k0", t0 + 1);
  for (let i = 0; i < 3; i++) w.sampleAggregate("vigil.h", 1, 1, { x: String(i) }, `k${i}`, t0);
  w.sample("unwatched", "GAUGE", 1, { x: "9" }, "k9", t0);
  assert.equal(w.seriesCount, 4);
  const dropped = (await collect(reader)).filter((r) => r.name === "vigil.alerts.series.dropped");
  assert.deepEqual(
    dropped.map((r) => [r.attributes.metric, r.value]),
    [
      ["g", 3],
      ["vigil.h", 1],
    ],
  );
});
