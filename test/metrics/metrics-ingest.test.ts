import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { MetricProducer } from "@opentelemetry/sdk-metrics";
import { parseConfigText } from "../../src/config/load.js";
import { MetricsIngest, type PointInput } from "../../src/metrics/metrics-ingest.js";
import { ManualClock } from "../../src/util/clock.js";
import { captureLogger } from "../helpers/log-capture.js";
import { collect, testMeterProvider } from "../helpers/metrics.js";

function setup(yaml = "") {
  const clock = new ManualClock();
  const producers: MetricProducer[] = [];
  const { provider, reader } = testMeterProvider(producers);
  const config = parseConfigText(yaml, "vigil.yaml", null, {}).config.metrics;
  const ingest = new MetricsIngest({
    config,
    botMeter: provider.getMeter("bot"),
    botScope: "bot",
    meter: provider.getMeter("vigil"),
    logger: captureLogger().logger,
    clock,
  });
  producers.push(ingest.producer);
  return { clock, reader, ingest };
}

const point = (p: Partial<PointInput>): PointInput => ({
  name: "orders",
  kind: "METRIC_KIND_COUNTER",
  value: 1,
  attributes: {},
  ...p,
});

describe("metrics ingest", () => {
  test("each kind becomes its OpenTelemetry instrument", async () => {
    const { ingest, reader } = setup();
    const r = ingest.record([
      point({ name: "orders", value: 2, attributes: { shop: "a" } }),
      point({ name: "orders", value: 3, attributes: { shop: "a" } }),
      point({ name: "inflight", kind: "METRIC_KIND_UP_DOWN_COUNTER", value: -1 }),
      point({ name: "temperature", kind: "METRIC_KIND_GAUGE", value: 21.5, unit: "Cel" }),
      point({ name: "latency", kind: "METRIC_KIND_HISTOGRAM", value: 120, unit: "ms" }),
    ]);
    assert.deepEqual(r, { accepted: 5, rejected: [] });
    const rows = await collect(reader);
    const get = (n: string) => rows.find((x) => x.name === n)?.value;
    assert.equal(get("orders"), 5);
    assert.equal(get("inflight"), -1);
    assert.equal(get("temperature"), 21.5);
    assert.equal((get("latency") as { count: number }).count, 1);
  });

  test("a bad point is rejected alone, with its index, reason and code", () => {
    const { ingest } = setup();
    const r = ingest.record([
      point({}),
      point({ name: "" }),
      point({ name: "9lives" }),
      point({ kind: "METRIC_KIND_UNSPECIFIED" }),
      point({ kind: "METRIC_KIND_GAUGE" }),
      point({ value: Number.NaN }),
      point({ value: Number.POSITIVE_INFINITY }),
      point({ value: -1 }),
      point({ name: "lat", kind: "METRIC_KIND_HISTOGRAM", value: -5 }),
      point({ name: "vigil.fake" }),
      point({ attributes: { "": "x" } }),
      point({ attributes: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"])) }),
      point({ name: "fine", value: 0 }),
    ]);
    assert.equal(r.accepted, 2);
    assert.deepEqual(
      r.rejected.map((x) => [x.index, x.code]),
      [
        [1, "VIGIL_ERR_METRICS_INVALID_NAME"],
        [2, "VIGIL_ERR_METRICS_INVALID_NAME"],
        [3, "VIGIL_ERR_METRICS_INVALID_KIND"],
        [4, "VIGIL_ERR_METRICS_KIND_CONFLICT"],
        [5, "VIGIL_ERR_METRICS_INVALID_VALUE"],
        [6, "VIGIL_ERR_METRICS_INVALID_VALUE"],
        [7, "VIGIL_ERR_METRICS_NEGATIVE_INCREMENT"],
        [8, "VIGIL_ERR_METRICS_NEGATIVE_INCREMENT"],
        [9, "VIGIL_ERR_METRICS_INVALID_NAME"],
        [10, "VIGIL_ERR_METRICS_INVALID_ATTRIBUTE"],
        [11, "VIGIL_ERR_METRICS_INVALID_ATTRIBUTE"],
      ],
    );
    assert.match(r.rejected[3]?.reason ?? "", /^kind: orders is a counter, not a gauge/);
    assert.match(r.rejected[0]?.reason ?? "", /^name: required/);
    assert.match(r.rejected[6]?.reason ?? "", /^value: a counter increment must not be negative/);
  });

  test("vigil.metrics.points counts accepted and rejected points by reason", async () => {
    const { ingest, reader } = setup();
    ingest.record([point({}), point({}), point({ value: -1 })]);
    const rows = (await collect(reader)).filter((r) => r.name === "vigil.metrics.points");
    assert.deepEqual(
      rows.map((r) => [r.attributes.result, r.attributes.reason, r.value]).sort(),
      [
        ["accepted", undefined, 2],
        ["rejected", "VIGIL_ERR_METRICS_NEGATIVE_INCREMENT", 1],
      ].sort(),
    );
  });

  test("attribute sets beyond the cardinality limit fold into the overflow series", async () => {
    const { ingest, reader } = setup("metrics: { cardinality_limit: 3 }\n");
    for (let i = 0; i < 10; i++) ingest.record([point({ attributes: { user: `u${i}` } })]);
    for (let i = 0; i < 10; i++)
      ingest.record([
        point({ name: "g", kind: "METRIC_KIND_GAUGE", value: i, attributes: { user: `u${i}` } }),
      ]);
    const rows = await collect(reader);
    const orders = rows.filter((r) => r.name === "orders");
    assert.equal(orders.length, 4);
    assert.equal(orders.find((r) => r.attributes["otel.metric.overflow"] === true)?.value, 7);
    const g = rows.filter((r) => r.name === "g");
    assert.equal(g.length, 4);
    assert.equal(g.find((r) => r.attributes["otel.metric.overflow"] === true)?.value, 9);
    assert.equal(ingest.stats().overflowed, 14);
    // A known attribute set keeps its own series after the limit is reached.
    ingest.record([point({ attributes: { user: "u0" } })]);
    const again = await collect(reader);
    assert.equal(again.find((r) => r.name === "orders" && r.attributes.user === "u0")?.value, 2);
  });

  test("attribute order does not make a new series", async () => {
    const { ingest, reader } = setup("metrics: { cardinality_limit: 1 }\n");
    ingest.record([point({ attributes: { a: "1", b: "2" } }), point({ attributes: { b: "2", a: "1" } })]);
    const rows = (await collect(reader)).filter((r) => r.name === "orders");
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.value, 2);
  });

  test("a gauge series not updated within series_ttl disappears, and frees its slot", async () => {
    const { ingest, reader, clock } = setup('metrics: { series_ttl: "1m", cardinality_limit: 1 }\n');
    ingest.record([point({ name: "queue", kind: "METRIC_KIND_GAUGE", value: 7, attributes: { q: "a" } })]);
    clock.advance(59_000);
    assert.equal((await collect(reader)).filter((r) => r.name === "queue").length, 1);
    clock.advance(2_000);
    assert.equal((await collect(reader)).filter((r) => r.name === "queue").length, 0);
    ingest.record([point({ name: "queue", kind: "METRIC_KIND_GAUGE", value: 3, attributes: { q: "b" } })]);
    const rows = (await collect(reader)).filter((r) => r.name === "queue");
    assert.deepEqual(
      rows.map((r) => [r.attributes.q, r.value]),
      [["b", 3]],
    );
  });

  test("stream indexes continue across batches", () => {
    const { ingest } = setup();
    const r = ingest.record([point({}), point({ value: -1 })], 500);
    assert.equal(r.rejected[0]?.index, 501);
  });
});
