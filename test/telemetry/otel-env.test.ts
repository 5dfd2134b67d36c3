import assert from "node:assert/strict";
import { hostname } from "node:os";
import { after, before, describe, test } from "node:test";
import { otelSettings, withOtelEnv } from "../../src/telemetry/otel-env.js";
import { OtlpReceiver } from "../helpers/otlp-receiver.js";
import { call, startSidecar, type TestSidecar } from "../helpers/sidecar.js";
import { OtlpGrpcCollector } from "./otlp-grpc-collector.js";

const BEAT_SPAN = "vigil.v1.HeartbeatService/Beat";
const BEATS_METRIC = "vigil.heartbeats.received";

/** One beat, then every provider flushed: whatever the SDK would export has reached the collector. */
async function beatAndFlush(t: TestSidecar): Promise<void> {
  await call(t.client.heartbeat.Beat.bind(t.client.heartbeat), { component: "worker" });
  t.sidecar.telemetry.otelLogger?.emit({ body: "a log record from vigil" });
  await Promise.all([
    t.sidecar.telemetry.tracerProvider?.forceFlush(),
    t.sidecar.telemetry.meterProvider.forceFlush(),
    t.sidecar.telemetry.loggerProvider?.forceFlush(),
  ]);
}

describe("the OpenTelemetry environment variables, against a real OTLP/gRPC collector", () => {
  let collector: OtlpGrpcCollector;
  let endpoint: string;
  before(async () => {
    collector = new OtlpGrpcCollector();
    endpoint = await collector.start();
  });
  after(() => collector.stop());
  const fresh = () => {
    collector.requests.traces.length = 0;
    collector.requests.metrics.length = 0;
    collector.requests.logs.length = 0;
  };

  test("OTEL_EXPORTER_OTLP_PROTOCOL=grpc sends spans, metrics and logs over gRPC, with OTEL_EXPORTER_OTLP_HEADERS on every call", async () => {
    fresh();
    const t = await startSidecar("", {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
        OTEL_EXPORTER_OTLP_HEADERS: "x-tenant=acme,x-scope=bots%20eu",
      },
    });
    try {
      await beatAndFlush(t);
      assert.ok(collector.has("traces", BEAT_SPAN), "the RPC span reached the collector");
      assert.ok(collector.has("metrics", BEATS_METRIC), "Vigil's metrics reached the collector");
      assert.ok(
        collector.has("logs", "a log record from vigil"),
        "the OTel log record reached the collector",
      );
      for (const signal of ["traces", "metrics", "logs"] as const)
        for (const r of collector.requests[signal]) {
          assert.deepEqual(
            r.metadata.get("x-tenant"),
            ["acme"],
            `${signal}: the header from the environment`,
          );
          assert.deepEqual(
            r.metadata.get("x-scope"),
            ["bots eu"],
            `${signal}: percent-decoded as the spec says`,
          );
        }
    } finally {
      await t.close();
    }
  });

  test("OTEL_TRACES_EXPORTER=none sends no spans while metrics still flow", async () => {
    fresh();
    const t = await startSidecar("", {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
        OTEL_TRACES_EXPORTER: "none",
      },
    });
    try {
      await beatAndFlush(t);
      assert.ok(collector.has("metrics", BEATS_METRIC), "metrics still flow");
      assert.equal(collector.requests.traces.length, 0, "no span was exported");
      assert.equal(t.sidecar.telemetry.tracerProvider, null, "no tracer provider is even built");
    } finally {
      await t.close();
    }
  });

  test("OTEL_SDK_DISABLED=true stops every OTLP export while /metrics keeps serving", async () => {
    fresh();
    // An OTLP/HTTP collector named in the config file, which Vigil exports to unless the SDK is disabled.
    const http = new OtlpReceiver();
    const httpEndpoint = await http.start();
    const t = await startSidecar(
      `telemetry:\n  otlp: { endpoint: "${httpEndpoint}" }\n  receiver: { http: { enabled: false }, grpc: { enabled: false } }\n`,
      { env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint, OTEL_SDK_DISABLED: "true" } },
    );
    try {
      await beatAndFlush(t);
      assert.equal(http.raw.size, 0, "nothing reached the OTLP/HTTP collector");
      assert.equal(collector.requests.traces.length, 0, "no spans");
      assert.equal(collector.requests.metrics.length, 0, "no metrics");
      assert.equal(collector.requests.logs.length, 0, "no logs");
      const res = await fetch(`${t.httpUrl}/metrics`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /vigil_heartbeats_received/);
    } finally {
      await t.close();
      await http.stop();
    }
  });

  test("a sampler ratio of 0 sends no spans; metrics still flow", async () => {
    fresh();
    const t = await startSidecar("", {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
        OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
        OTEL_TRACES_SAMPLER_ARG: "0",
      },
    });
    try {
      await beatAndFlush(t);
      assert.ok(collector.has("metrics", BEATS_METRIC));
      assert.equal(collector.requests.traces.length, 0, "no span was sampled");
    } finally {
      await t.close();
    }
  });

  test("Vigil's config keys take precedence over the variables where both are set", async () => {
    fresh();
    const t = await startSidecar(
      `telemetry: { otlp: { endpoint: "${endpoint}", headers: { x-tenant: from-config } } }\n`,
      {
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:1",
          OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
          OTEL_EXPORTER_OTLP_HEADERS: "x-tenant=from-env,x-extra=kept",
        },
      },
    );
    try {
      await beatAndFlush(t);
      assert.ok(
        collector.has("traces", BEAT_SPAN),
        "telemetry.otlp.endpoint wins over OTEL_EXPORTER_OTLP_ENDPOINT",
      );
      const md = collector.requests.traces[0]?.metadata;
      assert.deepEqual(
        md?.get("x-tenant"),
        ["from-config"],
        "telemetry.otlp.headers wins for the same header",
      );
      assert.deepEqual(md?.get("x-extra"), ["kept"], "other headers from the environment still apply");
    } finally {
      await t.close();
    }
  });

  test("per-signal variables override the general ones: OTEL_EXPORTER_OTLP_METRICS_PROTOCOL and OTEL_METRICS_EXPORTER", async () => {
    fresh();
    const t = await startSidecar("", {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:1",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc",
        OTEL_METRICS_EXPORTER: "none",
        OTEL_LOGS_EXPORTER: "none",
      },
    });
    try {
      await beatAndFlush(t);
      assert.ok(collector.has("traces", BEAT_SPAN), "traces went to their own endpoint over gRPC");
      assert.equal(collector.requests.metrics.length, 0);
      assert.equal(t.sidecar.telemetry.loggerProvider, null, "OTEL_LOGS_EXPORTER=none: no logger provider");
    } finally {
      await t.close();
    }
  });
});

describe("the bot's Resource with the resource detectors", () => {
  test("env, host and process detectors add their attributes; service.name keeps DESIGN's rule", async () => {
    const t = await startSidecar("bot: { name: support-bot, attributes: { team: care } }\n", {
      env: {
        OTEL_SERVICE_NAME: "ignored",
        OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=test,team=other",
      },
    });
    try {
      const a = t.sidecar.telemetry.resource.attributes;
      assert.equal(a["service.name"], "support-bot", "bot.name first");
      assert.equal(a.team, "care", "bot.attributes over OTEL_RESOURCE_ATTRIBUTES");
      assert.equal(a["deployment.environment"], "test");
      assert.equal(a["host.name"], hostname(), "the host detector");
      assert.equal(a["process.pid"], process.pid, "the process detector");
    } finally {
      await t.close();
    }
  });

  test("OTEL_NODE_RESOURCE_DETECTORS narrows the detectors; OTEL_SERVICE_NAME names the bot without bot.name", async () => {
    const t = await startSidecar("", {
      env: { OTEL_NODE_RESOURCE_DETECTORS: "env", OTEL_SERVICE_NAME: "from-env" },
    });
    try {
      const a = t.sidecar.telemetry.resource.attributes;
      assert.equal(a["service.name"], "from-env");
      assert.equal(a["host.name"], undefined);
      assert.equal(a["process.pid"], undefined);
    } finally {
      await t.close();
    }
  });
});

describe("otelSettings: the variables as the SDK reads them", () => {
  const otlp = { endpoint: null, exportIntervalMs: 10_000, exportIntervalConfigured: false };
  const settings = (env: NodeJS.ProcessEnv, o = otlp) => {
    const warnings: string[] = [];
    return { ...withOtelEnv(env, () => otelSettings(o, warnings)), warnings };
  };

  test("nothing configured: no OTLP export, Vigil's 10 s interval, the default detectors", () => {
    const s = settings({});
    assert.equal(s.traces.otlp || s.metrics.otlp || s.logs.otlp, false);
    assert.equal(s.exportIntervalMs, 10_000);
    assert.deepEqual([...s.detectors].sort(), ["container", "host", "process"]);
    assert.deepEqual(s.warnings, []);
  });

  test("OTEL_TRACES_EXPORTER=otlp named explicitly exports to the exporter's default endpoint", () => {
    const s = settings({ OTEL_TRACES_EXPORTER: "otlp" });
    assert.equal(s.traces.otlp, true);
    assert.equal(s.metrics.otlp, false, "the other signals still need an endpoint");
  });

  test("OTEL_METRIC_EXPORT_INTERVAL applies unless telemetry.otlp.export_interval is set; the timeout is clamped", () => {
    const env = { OTEL_METRIC_EXPORT_INTERVAL: "2000", OTEL_METRIC_EXPORT_TIMEOUT: "5000" };
    assert.equal(settings(env).exportIntervalMs, 2000);
    assert.equal(settings(env).exportTimeoutMs, 2000);
    assert.equal(
      settings(env, { endpoint: null, exportIntervalMs: 60_000, exportIntervalConfigured: true })
        .exportIntervalMs,
      60_000,
    );
  });

  test("per-signal protocol over the general one; unknown values are warned about, never fatal", () => {
    const s = settings({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "grpc",
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "carrier-pigeon",
      OTEL_TRACES_EXPORTER: "zipkin,otlp",
      OTEL_METRIC_EXPORT_INTERVAL: "-5",
    });
    assert.equal(s.traces.protocol, "http/json");
    assert.equal(s.logs.protocol, "grpc");
    assert.equal(s.metrics.protocol, "http/protobuf");
    assert.equal(s.traces.otlp, true);
    assert.equal(s.exportIntervalMs, 10_000);
    assert.equal(s.warnings.length, 3, s.warnings.join("; "));
  });

  test("withOtelEnv shows the SDK exactly the given OTEL_* variables and restores the process's", () => {
    process.env.OTEL_SERVICE_NAME = "the-runner";
    try {
      const seen = withOtelEnv({ OTEL_SDK_DISABLED: "true" }, () => ({
        disabled: process.env.OTEL_SDK_DISABLED,
        name: process.env.OTEL_SERVICE_NAME,
      }));
      assert.deepEqual(seen, { disabled: "true", name: undefined });
      assert.equal(process.env.OTEL_SERVICE_NAME, "the-runner");
      assert.equal(process.env.OTEL_SDK_DISABLED, undefined);
    } finally {
      delete process.env.OTEL_SERVICE_NAME;
    }
  });
});

test("the OTLP endpoint shown in status never carries the URL's credentials", async () => {
  const t = await startSidecar(
    'telemetry:\n  otlp: { endpoint: "http://vigil:s3cret@127.0.0.1:1" }\n  receiver: { http: { enabled: false }, grpc: { enabled: false } }\n',
  );
  try {
    const shown = String(t.sidecar.telemetry.otlpEndpoint);
    assert.doesNotMatch(shown, /s3cret/);
    assert.match(shown, /127\.0\.0\.1:1/);
  } finally {
    await t.close();
  }
});
