import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { call, startSidecar } from "../helpers/sidecar.js";
import { type CollectorSignal, OtlpGrpcCollector } from "./otlp-grpc-collector.js";

const CHILD = fileURLToPath(new URL("./node-sdk-child.ts", import.meta.url));
const SIGNALS: CollectorSignal[] = ["traces", "metrics", "logs"];

/**
 * Vigil against the reference: for each set of variables, the stock NodeSDK (@opentelemetry/sdk-node,
 * a dev dependency only: Vigil does not load it, see src/telemetry/otel-env.ts) and Vigil must send
 * the same signals to the same OTLP/gRPC collector, with the same headers.
 */
const CASES: Array<Record<string, string>> = [
  {},
  { OTEL_TRACES_EXPORTER: "none" },
  { OTEL_SDK_DISABLED: "true" },
  { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0" },
  { OTEL_TRACES_SAMPLER: "always_off" },
  { OTEL_METRICS_EXPORTER: "none", OTEL_LOGS_EXPORTER: "none" },
  { OTEL_TRACES_EXPORTER: "none", OTEL_METRICS_EXPORTER: "none" },
];

let collector: OtlpGrpcCollector;
let endpoint: string;
before(async () => {
  collector = new OtlpGrpcCollector();
  endpoint = await collector.start();
});
after(() => collector.stop());

function received(): Record<CollectorSignal, boolean> & { header: boolean } {
  const all = SIGNALS.flatMap((s) => collector.requests[s]);
  const out = {
    traces: collector.requests.traces.length > 0,
    metrics: collector.requests.metrics.length > 0,
    logs: collector.requests.logs.length > 0,
    header: all.length > 0 && all.every((r) => r.metadata.get("x-tenant")[0] === "acme"),
  };
  for (const s of SIGNALS) collector.requests[s].length = 0;
  return out;
}

for (const vars of CASES) {
  test(`the same signals as NodeSDK with ${JSON.stringify(vars)}`, async () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
      OTEL_EXPORTER_OTLP_HEADERS: "x-tenant=acme",
      ...vars,
    };
    await new Promise<void>((resolve, reject) =>
      execFile(
        process.execPath,
        ["--import", "tsx", CHILD],
        { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 },
        (e, _out, stderr) => (e ? reject(new Error(`${e.message}\n${stderr}`)) : resolve()),
      ),
    );
    const reference = received();
    if (Object.keys(vars).length === 0)
      assert.deepEqual(
        reference,
        { traces: true, metrics: true, logs: true, header: true },
        "the reference sends",
      );
    const t = await startSidecar("", { env });
    try {
      await call(t.client.heartbeat.Beat.bind(t.client.heartbeat), { component: "worker" });
      t.sidecar.telemetry.otelLogger?.emit({ body: "a log record" });
    } finally {
      // Stopping flushes every provider, as the reference's shutdown does.
      await t.close();
    }
    assert.deepEqual(received(), reference);
  });
}
