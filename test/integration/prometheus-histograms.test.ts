import assert from "node:assert/strict";
import { test } from "node:test";
import { PrometheusServer } from "../helpers/prometheus.js";
import { call, eventually, startSidecar } from "../helpers/sidecar.js";

/** The `le` bounds of one histogram's bucket lines in a Prometheus exposition. */
function bucketBounds(exposition: string, metric: string): string[] {
  const re = new RegExp(`^${metric}_bucket\\{[^}]*le="([^"]+)"[^}]*\\} `, "gm");
  return [...exposition.matchAll(re)].map((m) => m[1] as string);
}

test("histograms in seconds, milliseconds and configured buckets: /metrics shows their buckets and a real Prometheus' histogram_quantile lands in the right bucket", async () => {
  const t = await startSidecar(`metrics:
  histograms:
    - { match: "bot.custom.*", buckets: [1, 2, 4, 8] }
`);
  const prom = new PrometheusServer();
  try {
    const seconds = [0.05, 0.15, 0.25, 0.35, 0.45];
    const points = [
      ...seconds.map((value) => ({
        name: "bot.reply.duration",
        kind: "METRIC_KIND_HISTOGRAM",
        value,
        unit: "s",
      })),
      ...seconds.map((s) => ({
        name: "bot.reply.latency",
        kind: "METRIC_KIND_HISTOGRAM",
        value: s * 1000,
        unit: "ms",
      })),
      ...[3, 3, 3, 5].map((value) => ({ name: "bot.custom.size", kind: "METRIC_KIND_HISTOGRAM", value })),
      {
        name: "bot.explicit.wait",
        kind: "METRIC_KIND_HISTOGRAM",
        value: 0.3,
        unit: "s",
        explicit_bounds: [0.2, 0.4, 0.8],
      },
    ];
    const r = (await call(t.client.metrics.Record.bind(t.client.metrics), { points })) as {
      accepted: number;
      rejected: unknown[];
    };
    assert.equal(Number(r.accepted), points.length, JSON.stringify(r.rejected));

    const exposition = await (await fetch(`${t.httpUrl}/metrics`)).text();
    const sName = exposition.match(/^(bot_reply_duration\w*)_bucket\{/m)?.[1] as string;
    const msName = exposition.match(/^(bot_reply_latency\w*)_bucket\{/m)?.[1] as string;
    const customName = exposition.match(/^(bot_custom_size\w*)_bucket\{/m)?.[1] as string;
    const explicitName = exposition.match(/^(bot_explicit_wait\w*)_bucket\{/m)?.[1] as string;
    assert.ok(sName && msName && customName && explicitName, exposition);
    assert.deepEqual(bucketBounds(exposition, sName), [
      "0.005",
      "0.01",
      "0.025",
      "0.05",
      "0.075",
      "0.1",
      "0.25",
      "0.5",
      "0.75",
      "1",
      "2.5",
      "5",
      "7.5",
      "10",
      "+Inf",
    ]);
    assert.deepEqual(bucketBounds(exposition, msName).slice(0, 3), ["5", "10", "25"]);
    assert.equal(bucketBounds(exposition, msName).at(-2), "10000");
    assert.deepEqual(bucketBounds(exposition, customName), ["1", "2", "4", "8", "+Inf"]);
    assert.deepEqual(bucketBounds(exposition, explicitName), ["0.2", "0.4", "0.8", "+Inf"]);
    // The seconds histogram spreads 0.05–0.45 over buckets (it used to land all five in le="5").
    assert.match(exposition, new RegExp(`^${sName}_bucket\\{[^}]*le="0.25"[^}]*\\} 3$`, "m"));

    await prom.start([`127.0.0.1:${t.sidecar.httpPort}`]);
    const quantile = async (q: number, metric: string) => {
      const v = await eventually(
        async () => (await prom.query(`histogram_quantile(${q}, sum by (le) (${metric}_bucket))`))[0],
        30_000,
        `histogram_quantile over ${metric}`,
      );
      return Number(v.value[1]);
    };
    const p50 = await quantile(0.5, sName);
    assert.ok(p50 > 0.1 && p50 <= 0.25, `p50 of 0.05…0.45 s in (0.1, 0.25], got ${p50}`);
    const p90 = await quantile(0.9, sName);
    assert.ok(p90 > 0.25 && p90 <= 0.5, `p90 in (0.25, 0.5], got ${p90}`);
    const msP50 = await quantile(0.5, msName);
    assert.ok(msP50 > 100 && msP50 <= 250, `p50 of 50…450 ms in (100, 250], got ${msP50}`);
    const customP50 = await quantile(0.5, customName);
    assert.ok(customP50 > 2 && customP50 <= 4, `p50 of 3,3,3,5 in (2, 4], got ${customP50}`);
  } finally {
    await prom.stop();
    await t.close();
  }
});
