import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { parseConfigText } from "../../src/config/load.js";
import { MetricsIngest, type PointInput } from "../../src/metrics/metrics-ingest.js";
import { ManualClock } from "../../src/util/clock.js";
import { captureLogger } from "../helpers/log-capture.js";
import { collect, testMeterProvider } from "../helpers/metrics.js";

test("metric validation: any batch is split into accepted and rejected (index and reason each), never thrown; collection still works", async () => {
  const producers: Parameters<typeof testMeterProvider>[0] = [];
  const { provider, reader } = testMeterProvider(producers);
  const ingest = new MetricsIngest({
    config: parseConfigText("metrics: { cardinality_limit: 50 }\n", "t", null, {}).config.metrics,
    botMeter: provider.getMeter("bot"),
    botScope: "bot",
    meter: provider.getMeter("vigil"),
    logger: captureLogger().logger,
    clock: new ManualClock(),
  });
  producers.push(ingest.producer);
  const point = fc.record(
    {
      name: fc.oneof(
        fc.constantFrom("bot.a", "bot.b", "vigil.x", "", "9bad", "x".repeat(300)),
        fc.string({ maxLength: 20 }),
      ),
      kind: fc.oneof(
        fc.constantFrom(
          "METRIC_KIND_COUNTER",
          "METRIC_KIND_GAUGE",
          "METRIC_KIND_HISTOGRAM",
          "METRIC_KIND_UP_DOWN_COUNTER",
        ),
        fc.constantFrom("METRIC_KIND_UNSPECIFIED", "NOPE", 0, 1, 2, 3, 4, 99),
      ),
      value: fc.oneof(fc.double(), fc.integer(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1)),
      unit: fc.string({ maxLength: 5 }),
      attributes: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 4 }),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(fc.array(point, { maxLength: 40 }), (points) => {
      const r = ingest.record(points as PointInput[]);
      assert.equal(r.accepted + r.rejected.length, points.length);
      for (const x of r.rejected) {
        assert.ok(x.index >= 0 && x.index < points.length);
        assert.match(x.code, /^VIGIL_ERR_METRICS_/);
        assert.ok(x.reason.length > 0);
      }
    }),
    { numRuns: 500, seed: 13 },
  );
  await collect(reader);
});
