import assert from "node:assert/strict";
import { connect } from "node:http2";
import { after, before, describe, test } from "node:test";
import { type Client, Metadata, status } from "@grpc/grpc-js";
import type { BeatResponse__Output } from "../../src/generated/vigil/v1/BeatResponse.js";
import type { GetStatusResponse__Output } from "../../src/generated/vigil/v1/GetStatusResponse.js";
import type { ListComponentsResponse__Output } from "../../src/generated/vigil/v1/ListComponentsResponse.js";
import type { RecordResponse__Output } from "../../src/generated/vigil/v1/RecordResponse.js";
import { healthClient, reflectionClient, unaryCall } from "../helpers/grpc.js";
import { OtlpReceiver } from "../helpers/otlp-receiver.js";
import { call, eventually, startSidecar, type TestSidecar } from "../helpers/sidecar.js";

type GrpcError = Error & { code: number; details: string };

/** Sends raw HTTP/2 gRPC frames, as a broken client would; resolves with the status headers. */
async function rawCall(address: string, path: string, body: Buffer): Promise<Record<string, unknown>> {
  const session = connect(`http://${address}`);
  try {
    const req = session.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc",
      te: "trailers",
    });
    const done = new Promise<Record<string, unknown>>((resolve) => {
      req.on("trailers", (h) => resolve(h as Record<string, unknown>));
      req.on("response", (h) => {
        if (h["grpc-status"] !== undefined) resolve(h as Record<string, unknown>);
      });
    });
    req.on("data", () => {});
    req.end(body);
    return await done;
  } finally {
    session.close();
  }
}

async function rejectsWith(p: Promise<unknown>, code: number, details: RegExp): Promise<void> {
  await assert.rejects(p, (e: GrpcError) => {
    assert.equal(e.code, code, `status ${e.code} (${e.details})`);
    assert.match(e.details, details);
    return true;
  });
}

describe("gRPC API against a real server", () => {
  let t: TestSidecar;
  before(async () => {
    t = await startSidecar();
  });
  after(async () => {
    await t.close();
  });

  test("Beat registers a component and ListComponents shows it", async () => {
    const res = await call<unknown, BeatResponse__Output>(t.client.heartbeat.Beat.bind(t.client.heartbeat), {
      component: "worker-1",
      interval: { seconds: 10 },
      message: "hello",
      attributes: { region: "eu" },
    });
    assert.equal(res.state, "COMPONENT_STATE_UP");
    assert.ok(res.deadline);
    const list = await call<unknown, ListComponentsResponse__Output>(
      t.client.heartbeat.ListComponents.bind(t.client.heartbeat),
      {},
    );
    assert.equal(list.status, "OVERALL_STATUS_HEALTHY");
    const c = list.components.find((x) => x.name === "worker-1");
    assert.equal(c?.state, "COMPONENT_STATE_UP");
    assert.equal(c?.health, "HEALTH_OK");
    assert.equal(c?.beat_count, 1);
    assert.equal(c?.interval?.seconds, 10);
    assert.equal(c?.grace?.seconds, 10);
    assert.deepEqual(c?.attributes, { region: "eu" });
  });

  test("bad Beat fields are INVALID_ARGUMENT naming the field", async () => {
    const beat = t.client.heartbeat.Beat.bind(t.client.heartbeat);
    await rejectsWith(call(beat, {}), status.INVALID_ARGUMENT, /component: required/);
    await rejectsWith(
      call(beat, { component: "has space" }),
      status.INVALID_ARGUMENT,
      /component: must match/,
    );
    await rejectsWith(call(beat, { component: "x".repeat(129) }), status.INVALID_ARGUMENT, /component:/);
    await rejectsWith(
      call(beat, { component: "a", interval: { seconds: -1 } }),
      status.INVALID_ARGUMENT,
      /interval:/,
    );
    await rejectsWith(
      call(beat, { component: "a", interval: { seconds: 0 } }),
      status.INVALID_ARGUMENT,
      /interval: must be positive/,
    );
    await rejectsWith(
      call(beat, { component: "a", grace: { nanos: -5 } }),
      status.INVALID_ARGUMENT,
      /grace:/,
    );
    await rejectsWith(
      call(beat, { component: "a", message: "m".repeat(5000) }),
      status.INVALID_ARGUMENT,
      /message:/,
    );
    await rejectsWith(
      call(beat, { component: "a", health: 42 }),
      status.INVALID_ARGUMENT,
      /health: unknown value/,
    );
  });

  test("Deregister reports whether the component existed", async () => {
    const hb = t.client.heartbeat;
    await call(hb.Beat.bind(hb), { component: "temp" });
    assert.deepEqual(await call(hb.Deregister.bind(hb), { component: "temp" }), { found: true });
    assert.deepEqual(await call(hb.Deregister.bind(hb), { component: "temp" }), { found: false });
  });

  test("Record accepts good points and rejects bad ones per point", async () => {
    const res = await call<unknown, RecordResponse__Output>(t.client.metrics.Record.bind(t.client.metrics), {
      points: [
        { name: "bot.replies", kind: "METRIC_KIND_COUNTER", value: 3, attributes: { channel: "web" } },
        { name: "bot.replies", kind: "METRIC_KIND_COUNTER", value: -3 },
        { name: "bot.queue", value: 1 },
        { name: "bot.reply.duration", kind: "METRIC_KIND_HISTOGRAM", value: 120, unit: "ms" },
      ],
    });
    assert.equal(res.accepted, 2);
    assert.deepEqual(
      res.rejected.map((r) => [r.index, r.code]),
      [
        [1, "VIGIL_ERR_METRICS_NEGATIVE_INCREMENT"],
        [2, "VIGIL_ERR_METRICS_INVALID_KIND"],
      ],
    );
    assert.match(res.rejected[1]?.reason ?? "", /^kind: required/);
  });

  test("RecordStream sums a stream of batches and indexes rejections across it", async () => {
    const res = await new Promise<RecordResponse__Output>((resolve, reject) => {
      const stream = t.client.metrics.RecordStream((e, r) =>
        e ? reject(e) : resolve(r as RecordResponse__Output),
      );
      for (let b = 0; b < 10; b++) {
        const points = Array.from({ length: 100 }, (_, i) => ({
          name: "bot.events",
          kind: "METRIC_KIND_COUNTER" as const,
          value: b === 9 && i === 99 ? Number.NaN : 1,
          attributes: { batch: String(b % 3) },
        }));
        stream.write({ points });
      }
      stream.end();
    });
    assert.equal(res.accepted, 999);
    assert.deepEqual(
      res.rejected.map((r) => [r.index, r.code]),
      [[999, "VIGIL_ERR_METRICS_INVALID_VALUE"]],
    );
    const text = await (await fetch(`${t.httpUrl}/metrics`)).text();
    assert.match(text, /bot_events_total\{batch="0",otel_scope_name="bot"\} 399/);
  });

  test("AlertService answers on the defaults: no rules, no alerts; an unknown fingerprint is NOT_FOUND", async () => {
    const res = await call<unknown, { alerts: unknown[] }>(
      t.client.alerts.ListAlerts.bind(t.client.alerts),
      {},
    );
    assert.deepEqual(res.alerts, []);
    await rejectsWith(
      call(t.client.alerts.Acknowledge.bind(t.client.alerts), { fingerprint: "0123456789abcdef" }),
      status.NOT_FOUND,
      /VIGIL_ERR_ALERT_NOT_FOUND/,
    );
  });

  test("GetStatus reports version, components, tasks and config version", async () => {
    const s = await call<unknown, GetStatusResponse__Output>(
      t.client.admin.GetStatus.bind(t.client.admin),
      {},
    );
    assert.equal(s.version, "test");
    assert.equal(s.config_version?.version, 1);
    assert.equal(s.config_version?.source, "CONFIG_SOURCE_STARTUP");
    assert.equal(s.config_version?.path, t.configPath);
    assert.ok(s.components.some((c) => c.name === "worker-1"));
    assert.deepEqual(s.tasks.map((x) => x.name).sort(), [
      "alert-evaluation",
      "auth-tokens",
      "cleanup",
      "data-dir-size",
      "heartbeat-evaluation",
      "heartbeat-persist",
      "memory-guard",
      "router-expiry",
      "router-maintenance",
      "status-history",
    ]);
    assert.ok(Number(s.process?.rss_bytes) > 0);
    assert.equal(s.bot_name, "bot");
    assert.equal(s.draining, false);
  });

  test("grpc.health.v1 reports SERVING overall and per implemented service", async () => {
    const h = healthClient(t.grpcAddress);
    try {
      for (const service of [
        "",
        "vigil.v1.HeartbeatService",
        "vigil.v1.MetricsService",
        "vigil.v1.AdminService",
      ]) {
        assert.deepEqual(await unaryCall(h, "Check", { service }), { status: "SERVING" }, service);
      }
      await rejectsWith(unaryCall(h, "Check", { service: "vigil.v1.Nope" }), status.NOT_FOUND, /./);
    } finally {
      (h as Client).close();
    }
  });

  test("server reflection lists every vigil.v1 service", async () => {
    const r = reflectionClient(t.grpcAddress);
    try {
      const stream = (
        r.ServerReflectionInfo as () => NodeJS.ReadWriteStream & { write(m: unknown): void }
      ).call(r);
      const reply = new Promise<{ list_services_response: { service: Array<{ name: string }> } }>(
        (resolve, reject) => {
          stream.on("data", resolve);
          stream.on("error", reject);
        },
      );
      stream.write({ list_services: "" });
      const names = (await reply).list_services_response.service.map((s) => s.name);
      stream.end();
      for (const s of ["Heartbeat", "Metrics", "Router", "Alert", "Admin"]) {
        assert.ok(names.includes(`vigil.v1.${s}Service`), `${s} in ${names.join(", ")}`);
      }
      assert.ok(names.includes("grpc.health.v1.Health"));
    } finally {
      (r as Client).close();
    }
  });

  test("undecodable bytes fail that call only, with INVALID_ARGUMENT, and are counted", async () => {
    // One gRPC frame whose protobuf is a length-delimited tag with no length: undecodable.
    const garbage = Buffer.from([0, 0, 0, 0, 1, 0x12]);
    for (const path of [
      "/vigil.v1.HeartbeatService/Beat",
      "/vigil.v1.MetricsService/Record",
      "/vigil.v1.MetricsService/RecordStream",
    ]) {
      const tr = await rawCall(t.grpcAddress, path, garbage);
      assert.equal(Number(tr["grpc-status"]), status.INVALID_ARGUMENT, path);
      assert.match(decodeURIComponent(String(tr["grpc-message"])), /request: cannot decode the message/);
    }
    const ok = await call<unknown, BeatResponse__Output>(t.client.heartbeat.Beat.bind(t.client.heartbeat), {
      component: "still-serving",
    });
    assert.equal(ok.state, "COMPONENT_STATE_UP");
    const text = await (await fetch(`${t.httpUrl}/metrics`)).text();
    assert.match(
      text,
      /vigil_grpc_errors_total\{rpc="vigil\.v1\.HeartbeatService\/Beat",status="INVALID_ARGUMENT"/,
    );
    assert.match(
      text,
      /vigil_grpc_errors_total\{rpc="vigil\.v1\.MetricsService\/RecordStream",status="INVALID_ARGUMENT"/,
    );
  });

  test("a message over server.grpc.max_message_bytes is refused with RESOURCE_EXHAUSTED", async () => {
    const big = "x".repeat(5 * 1024 * 1024);
    await rejectsWith(
      call(t.client.heartbeat.Beat.bind(t.client.heartbeat), { component: "big", message: big }),
      status.RESOURCE_EXHAUSTED,
      /./,
    );
    const ok = await call<unknown, BeatResponse__Output>(t.client.heartbeat.Beat.bind(t.client.heartbeat), {
      component: "after-big",
    });
    assert.equal(ok.state, "COMPONENT_STATE_UP");
  });

  test("/healthz, /readyz and the status page answer on the HTTP port", async () => {
    assert.equal((await fetch(`${t.httpUrl}/healthz`)).status, 200);
    assert.equal((await fetch(`${t.httpUrl}/readyz`)).status, 200);
    const page = await (await fetch(`${t.httpUrl}/`)).text();
    assert.match(page, /worker-1/);
    assert.match(page, /<dt>Log file<\/dt><dd>[^<]*vigil\.jsonl: \d+ records, 0 dropped/);
    assert.match(page, /<dt>Cleaner<\/dt><dd>(not run yet|last run)/);
    assert.equal((await fetch(`${t.httpUrl}/nope`)).status, 404);
    assert.equal((await fetch(`${t.httpUrl}/metrics`, { method: "POST" })).status, 405);
  });
});

describe("trace context", () => {
  test("a traceparent on a call parents Vigil's span, exported over OTLP/HTTP", async () => {
    const receiver = new OtlpReceiver();
    const endpoint = await receiver.start();
    const t = await startSidecar(`telemetry: { otlp: { endpoint: "${endpoint}", export_interval: 1s } }\n`);
    try {
      const md = new Metadata();
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      md.set("traceparent", `00-${traceId}-00f067aa0ba902b7-01`);
      await call(t.client.heartbeat.Beat.bind(t.client.heartbeat), { component: "traced" }, md);
      await t.sidecar.telemetry.tracerProvider?.forceFlush();
      const span = await eventually(() =>
        receiver.spans().find((s) => s.name === "vigil.v1.HeartbeatService/Beat"),
      );
      assert.equal(span.traceId, traceId);
      assert.equal(span.parentSpanId, "00f067aa0ba902b7");
      await t.sidecar.telemetry.meterProvider.forceFlush();
      await eventually(() => (receiver.bodies.get("/v1/metrics") ?? []).length > 0, 10_000, "OTLP metrics");
      const metricsJson = JSON.stringify(receiver.bodies.get("/v1/metrics"));
      assert.match(metricsJson, /vigil\.heartbeats\.received/);
      assert.match(metricsJson, /"service\.name"/);
    } finally {
      await t.close();
      await receiver.stop();
    }
  });
});
