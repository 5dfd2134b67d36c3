import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { MetricProducer } from "@opentelemetry/sdk-metrics";
import { ConfigError, parseConfigText } from "../../src/config/load.js";
import { HeartbeatMonitor } from "../../src/heartbeat/heartbeat-monitor.js";
import { MetricsIngest, type PointInput } from "../../src/metrics/metrics-ingest.js";
import { ManualClock } from "../../src/util/clock.js";
import { captureLogger } from "../helpers/log-capture.js";
import { testMeterProvider } from "../helpers/metrics.js";

function setup(yaml = "") {
  const producers: MetricProducer[] = [];
  const { provider, reader } = testMeterProvider(producers);
  const { logger } = captureLogger();
  const ingest = new MetricsIngest({
    config: parseConfigText(yaml, "vigil.yaml", null, {}).config.metrics,
    botMeter: provider.getMeter("bot"),
    botScope: "bot",
    meter: provider.getMeter("vigil"),
    logger,
    clock: new ManualClock(),
  });
  producers.push(ingest.producer);
  return { reader, ingest, provider, logger };
}

const hist = (p: Partial<PointInput>): PointInput => ({
  name: "bot.reply.duration",
  kind: "METRIC_KIND_HISTOGRAM",
  value: 0.25,
  attributes: {},
  ...p,
});

interface HistogramValue {
  buckets: { boundaries: number[]; counts: number[] };
  count: number;
}

/** Boundaries and counts of each histogram the reader collects, by name. */
async function histograms(reader: {
  collect(): Promise<{
    resourceMetrics: {
      scopeMetrics: Array<{
        metrics: Array<{ descriptor: { name: string }; dataPoints: Array<{ value: unknown }> }>;
      }>;
    };
  }>;
}): Promise<Map<string, HistogramValue>> {
  const { resourceMetrics } = await reader.collect();
  const out = new Map<string, HistogramValue>();
  for (const sm of resourceMetrics.scopeMetrics)
    for (const m of sm.metrics) {
      const v = m.dataPoints[0]?.value as HistogramValue | undefined;
      if (v && typeof v === "object" && "buckets" in v) out.set(m.descriptor.name, v);
    }
  return out;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

describe("histogram buckets in the instrument's unit", () => {
  test("unit s gets seconds buckets: observations of 0.05–0.45 s spread over buckets instead of all in the first", async () => {
    const { ingest, reader } = setup();
    const values = [0.05, 0.15, 0.25, 0.35, 0.45];
    const r = ingest.record(values.map((value) => hist({ value, unit: "s" })));
    assert.equal(r.accepted, 5);
    const h = (await histograms(reader)).get("bot.reply.duration");
    assert.ok(h);
    assert.deepEqual(h.buckets.boundaries, SECONDS);
    const used = h.buckets.counts.filter((c) => c > 0).length;
    assert.ok(used >= 3, `observations spread over ${used} buckets: ${h.buckets.counts.join(",")}`);
  });

  test("unit ms gets the same in milliseconds, By powers of 4 from 1 KiB to 1 GiB, other units the SDK's default", async () => {
    const { ingest, reader } = setup();
    ingest.record([
      hist({ name: "bot.reply.ms", unit: "ms", value: 120 }),
      hist({ name: "bot.payload.size", unit: "By", value: 5000 }),
      hist({ name: "bot.items", unit: "{item}", value: 3 }),
    ]);
    const all = await histograms(reader);
    assert.deepEqual(
      all.get("bot.reply.ms")?.buckets.boundaries,
      SECONDS.map((b) => b * 1000),
    );
    const bytes = all.get("bot.payload.size")?.buckets.boundaries ?? [];
    assert.equal(bytes[0], 1024);
    assert.equal(bytes.at(-1), 1024 ** 3);
    for (let i = 1; i < bytes.length; i++) assert.equal(bytes[i], (bytes[i - 1] as number) * 4);
    assert.deepEqual(
      all.get("bot.items")?.buckets.boundaries,
      [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000],
    );
  });

  test("explicit_bounds set a new histogram's buckets; a later point's different bounds do not change them", async () => {
    const { ingest, reader } = setup();
    const r = ingest.record([
      hist({ unit: "s", explicit_bounds: [0.1, 0.2, 0.4] }),
      hist({ unit: "s", value: 0.3, explicit_bounds: [1, 2] }),
    ]);
    assert.equal(r.accepted, 2);
    const h = (await histograms(reader)).get("bot.reply.duration");
    assert.deepEqual(h?.buckets.boundaries, [0.1, 0.2, 0.4]);
    assert.deepEqual(h?.buckets.counts, [0, 0, 2, 0]);
  });

  test("metrics.histograms: the first pattern that matches wins, over explicit_bounds and the unit", async () => {
    const { ingest, reader } = setup(`metrics:
  histograms:
    - { match: "bot.reply.*", buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5] }
    - { match: "bot.*", buckets: [1, 2, 3] }
`);
    ingest.record([
      hist({ unit: "s", explicit_bounds: [7, 8] }),
      hist({ name: "bot.queue.wait", unit: "s" }),
      hist({ name: "other.wait", unit: "s" }),
    ]);
    const all = await histograms(reader);
    assert.deepEqual(all.get("bot.reply.duration")?.buckets.boundaries, [0.05, 0.1, 0.25, 0.5, 1, 2.5]);
    assert.deepEqual(all.get("bot.queue.wait")?.buckets.boundaries, [1, 2, 3]);
    assert.deepEqual(all.get("other.wait")?.buckets.boundaries, SECONDS);
  });

  test("a reload's patterns apply to histograms created after it", async () => {
    const { ingest, reader } = setup();
    ingest.record([hist({ name: "a.b", unit: "s" })]);
    ingest.applyConfig(
      parseConfigText(
        'metrics: { histograms: [{ match: "*.b", buckets: [1, 10] }] }\n',
        "vigil.yaml",
        null,
        {},
      ).config.metrics,
    );
    ingest.record([hist({ name: "a.b", unit: "s" }), hist({ name: "c.b", unit: "s" })]);
    const all = await histograms(reader);
    assert.deepEqual(all.get("a.b")?.buckets.boundaries, SECONDS);
    assert.deepEqual(all.get("c.b")?.buckets.boundaries, [1, 10]);
  });
});

describe("bad explicit_bounds are rejected per point with the field named", () => {
  test("not strictly increasing, NaN, Inf, more than 64, or on a counter", async () => {
    const { ingest, reader } = setup();
    const r = ingest.record([
      hist({ name: "h.a", explicit_bounds: [1, 1] }),
      hist({ name: "h.b", explicit_bounds: [2, 1] }),
      hist({ name: "h.c", explicit_bounds: [1, Number.NaN] }),
      hist({ name: "h.d", explicit_bounds: [Number.NEGATIVE_INFINITY, 1] }),
      hist({ name: "h.e", explicit_bounds: Array.from({ length: 65 }, (_, i) => i) }),
      hist({ name: "c.a", kind: "METRIC_KIND_COUNTER", value: 1, explicit_bounds: [1, 2] }),
      hist({ name: "h.ok", explicit_bounds: Array.from({ length: 64 }, (_, i) => i) }),
    ]);
    assert.equal(r.accepted, 1);
    assert.deepEqual(
      r.rejected.map((x) => [x.index, x.code]),
      [0, 1, 2, 3, 4, 5].map((i) => [i, "VIGIL_ERR_METRICS_INVALID_BOUNDS"]),
    );
    assert.match(r.rejected[0]?.reason ?? "", /^explicit_bounds\[1\]: bounds must be strictly increasing/);
    assert.match(r.rejected[2]?.reason ?? "", /^explicit_bounds\[1\]: must be a finite number, got NaN/);
    assert.match(
      r.rejected[3]?.reason ?? "",
      /^explicit_bounds\[0\]: must be a finite number, got -Infinity/,
    );
    assert.match(r.rejected[4]?.reason ?? "", /^explicit_bounds: at most 64 bounds, got 65/);
    assert.match(r.rejected[5]?.reason ?? "", /^explicit_bounds: only a histogram has bucket boundaries/);
    const all = await histograms(reader);
    assert.deepEqual([...all.keys()], ["h.ok"], "a rejected point creates no instrument");
    assert.equal(ingest.stats().rejected, 6);
  });

  test("metrics.histograms with unordered, non-finite, empty or too many buckets is a config error naming the key", () => {
    const bad = (yaml: string, path: RegExp) => {
      assert.throws(
        () => parseConfigText(yaml, "vigil.yaml", null, {}),
        (e: unknown) => e instanceof ConfigError && path.test(e.message),
      );
    };
    bad('metrics: { histograms: [{ match: "a", buckets: [2, 1] }] }\n', /metrics\.histograms\[0\]\.buckets/);
    bad('metrics: { histograms: [{ match: "a", buckets: [] }] }\n', /metrics\.histograms\[0\]\.buckets/);
    bad(
      'metrics: { histograms: [{ match: "a", buckets: [1, .inf] }] }\n',
      /metrics\.histograms\[0\]\.buckets/,
    );
    bad(
      `metrics: { histograms: [{ match: "a", buckets: [${Array.from({ length: 65 }, (_, i) => i).join(",")}] }] }\n`,
      /metrics\.histograms\[0\]\.buckets/,
    );
    bad("metrics: { histograms: [{ buckets: [1] }] }\n", /metrics\.histograms\[0\]\.match/);
  });
});

test("Vigil's own vigil.component.job.duration is in seconds buckets (on to 1 h)", async () => {
  const { provider, reader } = setup();
  const clock = new ManualClock();
  const monitor = new HeartbeatMonitor({
    config: parseConfigText("", "vigil.yaml", null, {}).config.heartbeats,
    meter: provider.getMeter("vigil"),
    logger: captureLogger().logger,
    clock,
  });
  const beat = (signal: "START" | "SUCCESS") =>
    monitor.beat({ component: "job", health: "OK", message: "", attributes: {}, signal });
  beat("START");
  clock.advance(300);
  beat("SUCCESS");
  const h = (await histograms(reader)).get("vigil.component.job.duration");
  assert.ok(h, "a job run was recorded");
  assert.deepEqual(h.buckets.boundaries.slice(0, SECONDS.length), SECONDS);
  assert.equal(h.buckets.boundaries.at(-1), 3600);
  assert.equal(h.buckets.counts[7], 1, "0.3 s falls in (0.25, 0.5]");
});
