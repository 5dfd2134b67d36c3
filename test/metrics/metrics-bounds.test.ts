import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { MetricProducer } from "@opentelemetry/sdk-metrics";
import { parseConfigText } from "../../src/config/load.js";
import { MetricsIngest, type PointInput } from "../../src/metrics/metrics-ingest.js";
import { ManualClock } from "../../src/util/clock.js";
import { captureLogger } from "../helpers/log-capture.js";
import { collect, testMeterProvider } from "../helpers/metrics.js";

function setup(yaml = "") {
  const producers: MetricProducer[] = [];
  const { provider, reader } = testMeterProvider(producers);
  const { logger, records } = captureLogger();
  const ingest = new MetricsIngest({
    config: parseConfigText(yaml, "vigil.yaml", null, {}).config.metrics,
    botMeter: provider.getMeter("bot"),
    botScope: "bot",
    meter: provider.getMeter("vigil"),
    logger,
    clock: new ManualClock(),
  });
  producers.push(ingest.producer);
  return { reader, ingest, records };
}

const point = (p: Partial<PointInput>): PointInput => ({
  name: "orders",
  kind: "METRIC_KIND_COUNTER",
  value: 1,
  attributes: {},
  ...p,
});

describe("what a caller can make the metrics ingest hold", () => {
  test("by default at most 1,000 instrument names: the next new name is rejected per point as RESOURCE_EXHAUSTED, known names go on", async () => {
    const { ingest, reader, records } = setup();
    const batch = Array.from({ length: 1000 }, (_, i) =>
      point({ name: `h${i}`, kind: "METRIC_KIND_HISTOGRAM", value: i }),
    );
    assert.equal(ingest.record(batch).accepted, 1000);
    const r = ingest.record([
      point({ name: "one.too.many", kind: "METRIC_KIND_HISTOGRAM" }),
      point({ name: "h7", kind: "METRIC_KIND_HISTOGRAM", value: 3 }),
      point({ name: "and.another", kind: "METRIC_KIND_GAUGE" }),
    ]);
    assert.equal(r.accepted, 1, "a point of a known instrument is still recorded");
    assert.deepEqual(
      r.rejected.map((x) => [x.index, x.code]),
      [
        [0, "VIGIL_ERR_METRICS_TOO_MANY_INSTRUMENTS"],
        [2, "VIGIL_ERR_METRICS_TOO_MANY_INSTRUMENTS"],
      ],
    );
    assert.match(
      r.rejected[0]?.reason ?? "",
      /^name: one\.too\.many would be instrument 1001; metrics\.max_instruments is 1000/,
    );
    assert.equal(ingest.stats().instruments, 1000);
    const rows = await collect(reader);
    assert.equal(rows.filter((x) => x.name === "one.too.many" || x.name === "and.another").length, 0);
    assert.equal(
      rows.find(
        (x) =>
          x.name === "vigil.metrics.points" &&
          x.attributes.reason === "VIGIL_ERR_METRICS_TOO_MANY_INSTRUMENTS",
      )?.value,
      2,
      "counted by reason",
    );
    assert.equal(
      records.filter((x) => /metrics\.max_instruments/.test(String(x.msg))).length,
      1,
      "one warning when the bound is first reached, not one per point",
    );
  });

  test("metrics.max_instruments is configurable", () => {
    const { ingest } = setup("metrics: { max_instruments: 2 }\n");
    const r = ingest.record([point({ name: "a" }), point({ name: "b" }), point({ name: "c" })]);
    assert.deepEqual(
      r.rejected.map((x) => [x.index, x.code]),
      [[2, "VIGIL_ERR_METRICS_TOO_MANY_INSTRUMENTS"]],
    );
  });

  test("unit is at most 63 ASCII characters and description at most 1,023 (OpenTelemetry's limits), each rejected naming the field", async () => {
    const { ingest, reader } = setup();
    const r = ingest.record([
      point({ name: "g1", kind: "METRIC_KIND_GAUGE", unit: "x".repeat(64) }),
      point({ name: "g2", kind: "METRIC_KIND_GAUGE", description: "d".repeat(1024) }),
      point({ name: "g3", kind: "METRIC_KIND_GAUGE", description: "d".repeat(3_900_000) }),
      point({ name: "g4", kind: "METRIC_KIND_GAUGE", unit: "°C" }),
      point({ name: "ok", kind: "METRIC_KIND_GAUGE", unit: "x".repeat(63), description: "d".repeat(1023) }),
      // The bound holds for a known instrument too: every point is judged alone.
      point({ name: "ok", kind: "METRIC_KIND_GAUGE", description: "d".repeat(1024) }),
    ]);
    assert.equal(r.accepted, 1);
    assert.deepEqual(
      r.rejected.map((x) => [x.index, x.code]),
      [
        [0, "VIGIL_ERR_METRICS_INVALID_UNIT"],
        [1, "VIGIL_ERR_METRICS_INVALID_DESCRIPTION"],
        [2, "VIGIL_ERR_METRICS_INVALID_DESCRIPTION"],
        [3, "VIGIL_ERR_METRICS_INVALID_UNIT"],
        [5, "VIGIL_ERR_METRICS_INVALID_DESCRIPTION"],
      ],
    );
    assert.match(r.rejected[0]?.reason ?? "", /^unit: longer than 63 characters \(got 64\)/);
    assert.match(r.rejected[1]?.reason ?? "", /^description: longer than 1023 characters \(got 1024\)/);
    assert.match(r.rejected[3]?.reason ?? "", /^unit: must be ASCII/);
    assert.ok((r.rejected[2]?.reason.length ?? 0) < 200, "the reason does not echo the description");
    const names = new Set((await collect(reader)).map((x) => x.name));
    assert.ok(!names.has("g1") && !names.has("g2") && !names.has("g3") && names.has("ok"));
    assert.equal(ingest.stats().instruments, 1, "a rejected point creates no instrument");
  });
});
