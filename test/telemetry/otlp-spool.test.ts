import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { Client, credentials, status as GrpcStatus } from "@grpc/grpc-js";
import { OTLPTraceExporter as GrpcTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as JsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { OtlpReceiver } from "../helpers/otlp-receiver.js";
import { runVigil, spawnVigil, waitStarted, writeTestConfig } from "../helpers/process.js";
import { freePort } from "../helpers/prometheus.js";
import { call, eventually, startSidecar, type TestSidecar } from "../helpers/sidecar.js";

/** A bot instrumented with the stock OpenTelemetry JS SDK, exporting spans to `exporter`. */
function bot(exporter: SpanExporter, resource: Record<string, string> = {}) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "otel-bot", ...resource }),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 50, scheduledDelayMillis: 50 })],
  });
  const tracer = provider.getTracer("otel-bot");
  const ids: string[] = [];
  return {
    ids,
    spans(n: number, attrs: Record<string, string> = {}) {
      for (let i = 0; i < n; i++) {
        const span = tracer.startSpan(`handle ${i}`, { attributes: { "bot.seq": i, ...attrs } });
        ids.push(span.spanContext().spanId);
        span.end();
      }
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** Vigil with its receiver on a free port, forwarding to `endpoint`. */
async function vigil(endpoint: string, extra = "", more = ""): Promise<TestSidecar & { otlp: string }> {
  const s = await startSidecar(
    `${more}telemetry:\n  otlp: { endpoint: "${endpoint}", export_interval: 1h }\n  receiver: { http: { address: "127.0.0.1:0" }, grpc: { address: "127.0.0.1:0" }, max_body_bytes: 64KiB }\n  spool: { retry: { initial: 50ms, max: 500ms }${extra} }\n`,
  );
  const port = s.sidecar.otlpReceiver?.port;
  assert.ok(port, "the receiver is listening");
  return Object.assign(s, { otlp: `http://127.0.0.1:${port}` });
}

/** `protoc --decode_raw`: protobuf decoded by field number, no schema (Debian's protobuf-compiler). */
function decodeRaw(body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = execFile("protoc", ["--decode_raw"], (e, stdout) => (e ? reject(e) : resolve(stdout)));
    p.stdin?.end(body);
  });
}

/** Span ids in what the downstream received: JSON bodies parsed, protobuf bodies searched for the raw id bytes. */
function received(down: OtlpReceiver, ids: string[]): Set<string> {
  const got = new Set<string>();
  const json = down.spans().map((s) => s.spanId);
  for (const id of json) got.add(id);
  for (const body of down.raw.get("/v1/traces") ?? [])
    for (const id of ids) if (body.includes(Buffer.from(id, "hex"))) got.add(id);
  return got;
}

describe("OTLP in, spooled, OTLP out", () => {
  test("a bot's stock OTLP/HTTP exporters (JSON and protobuf) reach the collector through Vigil with the same span ids", async () => {
    const down = new OtlpReceiver();
    const endpoint = await down.start();
    const s = await vigil(endpoint);
    try {
      const jsonBot = bot(new JsonTraceExporter({ url: `${s.otlp}/v1/traces` }));
      const protoBot = bot(new ProtoTraceExporter({ url: `${s.otlp}/v1/traces` }));
      jsonBot.spans(30, { encoding: "json" });
      protoBot.spans(30, { encoding: "protobuf" });
      await Promise.all([jsonBot.flush(), protoBot.flush()]);
      const all = [...jsonBot.ids, ...protoBot.ids];
      await eventually(() => all.every((id) => received(down, all).has(id)), 10_000, "every span downstream");
      const span = down.spans().find((x) => x.spanId === jsonBot.ids[0]);
      assert.match(JSON.stringify(span?.attributes), /"encoding"/, "attributes kept");
      await Promise.all([jsonBot.shutdown(), protoBot.shutdown()]);
      const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
      assert.match(text, /vigil_spool_exported_total\{signal="traces"[^}]*\} [1-9]/);
      assert.match(text, /vigil_spool_received_total\{[^}]*result="accepted"[^}]*\} [1-9]/);
    } finally {
      await s.close();
      await down.stop();
    }
  });

  test("the pod's identity is added to the bot's Resource where missing, never over what the bot set (JSON and protobuf)", async () => {
    const down = new OtlpReceiver();
    const endpoint = await down.start();
    const s = await vigil(
      endpoint,
      "",
      "\nbot: { attributes: { k8s.pod.name: bot-7, deployment.environment: prod } }\n",
    );
    try {
      const json = bot(new JsonTraceExporter({ url: `${s.otlp}/v1/traces` }), {
        "deployment.environment": "staging",
      });
      const proto = bot(new ProtoTraceExporter({ url: `${s.otlp}/v1/traces` }), {
        "deployment.environment": "staging",
      });
      json.spans(3);
      proto.spans(3);
      await Promise.all([json.flush(), proto.flush()]);
      const all = [...json.ids, ...proto.ids];
      await eventually(() => all.every((id) => received(down, all).has(id)), 10_000, "every span downstream");
      const resources = JSON.stringify(
        (down.bodies.get("/v1/traces") ?? []).map(
          (b) => (b as { resourceSpans: Array<{ resource: unknown }> }).resourceSpans[0]?.resource,
        ),
      );
      assert.match(resources, /"key":"k8s\.pod\.name","value":\{"stringValue":"bot-7"\}/);
      assert.match(resources, /"key":"deployment\.environment","value":\{"stringValue":"staging"\}/);
      assert.doesNotMatch(resources, /"prod"/, "what the bot set stays");
      // The protobuf request, decoded by protoc itself: the same attributes on the wire.
      const raw = (down.raw.get("/v1/traces") ?? []).find((b) =>
        b.includes(Buffer.from(proto.ids[0] as string, "hex")),
      );
      assert.ok(raw);
      const decoded = await decodeRaw(raw);
      assert.match(decoded, /1: "k8s\.pod\.name"\s+2 \{\s+1: "bot-7"/);
      assert.match(decoded, /1: "deployment\.environment"\s+2 \{\s+1: "staging"/);
      assert.doesNotMatch(decoded, /"prod"/);
      await Promise.all([json.shutdown(), proto.shutdown()]);
    } finally {
      await s.close();
      await down.stop();
    }
  });

  test("OTLP/gRPC: the stock gRPC exporter's spans reach the collector; a malformed request is INVALID_ARGUMENT", async () => {
    const down = new OtlpReceiver();
    const endpoint = await down.start();
    const s = await vigil(endpoint);
    const raw = new Client(`127.0.0.1:${s.sidecar.otlpGrpcReceiver?.port}`, credentials.createInsecure());
    try {
      const b = bot(new GrpcTraceExporter({ url: `http://127.0.0.1:${s.sidecar.otlpGrpcReceiver?.port}` }));
      b.spans(25, { transport: "grpc" });
      await b.flush();
      await eventually(
        () => b.ids.every((id) => received(down, b.ids).has(id)),
        10_000,
        "every gRPC span downstream",
      );
      await b.shutdown();
      const code = await new Promise<number>((resolve) =>
        raw.makeUnaryRequest(
          "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
          (x: Buffer) => x,
          (x: Buffer) => x,
          Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]),
          (e) => resolve(e?.code ?? GrpcStatus.OK),
        ),
      );
      assert.equal(code, GrpcStatus.INVALID_ARGUMENT);
    } finally {
      raw.close();
      await s.close();
      await down.stop();
    }
  });

  test("the collector away: the bot keeps sending, Vigil spools, and when it is back every span arrives exactly once", async () => {
    const down = new OtlpReceiver();
    const endpoint = await down.start();
    const port = Number(new URL(endpoint).port);
    await down.stop();
    const s = await vigil(endpoint);
    const b = bot(new JsonTraceExporter({ url: `${s.otlp}/v1/traces` }));
    const again = new OtlpReceiver();
    try {
      for (let i = 0; i < 10; i++) {
        b.spans(20);
        await b.flush();
      }
      const depth = await eventually(
        () => s.sidecar.spool?.status().find((x) => x.signal === "traces" && x.depth > 0),
        5000,
        "spooled",
      );
      assert.ok(depth.failed > 0 || depth.depth > 0);
      const status = await call<unknown, { spool: Array<{ signal: string; depth: number }> }>(
        s.client.admin.GetStatus.bind(s.client.admin),
        {},
      );
      assert.ok(
        Number(status.spool.find((x) => x.signal === "traces")?.depth) > 0,
        "GetStatus shows the spool",
      );
      assert.match(await (await fetch(s.httpUrl)).text(), /<table id="spool">/, "and the status page");
      const cli = await runVigil(["status", "--address", s.grpcAddress]);
      assert.match(cli.stdout, /OTLP SPOOL +EXPORT +WAITING/, "and vigil status");
      // Vigil's own telemetry takes the same way: the span of a call made during the outage arrives too.
      await call(s.client.heartbeat.Beat.bind(s.client.heartbeat), { component: "during-outage" });
      await s.sidecar.telemetry.tracerProvider?.forceFlush();
      await again.start(port);
      await eventually(
        () => {
          const got = received(again, b.ids);
          return b.ids.every((id) => got.has(id));
        },
        20_000,
        "all 200 spans after the outage",
      );
      await eventually(
        () => again.spans().some((x) => x.name === "vigil.v1.HeartbeatService/Beat"),
        10_000,
        "Vigil's own span from the outage",
      );
      const mine = new Set(b.ids);
      const spans = again.spans().filter((x) => mine.has(x.spanId));
      assert.equal(spans.length, b.ids.length, "each exactly once");
      await eventually(
        () => s.sidecar.spool?.status().every((x) => x.depth === 0),
        5000,
        "the spool drained",
      );
      await b.shutdown();
    } finally {
      await s.close();
      await again.stop();
    }
  });

  test("after an outage long enough to open the breaker, the collector's return is found within the backoff, not retry.max later", async () => {
    const down = new OtlpReceiver();
    const endpoint = await down.start();
    const port = Number(new URL(endpoint).port);
    await down.stop();
    // retry.max 30 s: a breaker that waited retry.max before its first probe would miss the deadline below.
    const s = await startSidecar(
      `telemetry:\n  otlp: { endpoint: "${endpoint}", export_interval: 1h }\n  receiver: { http: { address: "127.0.0.1:0" }, grpc: { enabled: false } }\n  spool: { retry: { initial: 50ms, max: 30s } }\n`,
    );
    const again = new OtlpReceiver();
    try {
      const url = `http://127.0.0.1:${s.sidecar.otlpReceiver?.port}/v1/traces`;
      const post = (name: string) =>
        fetch(url, {
          method: "POST",
          body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name }] }] }] }),
          headers: { "content-type": "application/json" },
        });
      assert.equal((await post("during-outage")).status, 200);
      await eventually(
        () => s.sidecar.spool?.status().find((x) => x.signal === "traces" && x.circuit === "open"),
        10_000,
        "the breaker open",
      );
      await new Promise((r) => setTimeout(r, 1000)); // the outage goes on; probes keep failing
      await again.start(port);
      const back = Date.now();
      await eventually(() => again.spans().some((x) => x.name === "during-outage"), 15_000, "delivered");
      assert.ok(Date.now() - back < 15_000);
      await eventually(
        () => s.sidecar.spool?.status().find((x) => x.signal === "traces")?.circuit === "closed",
        5000,
        "the breaker closed again",
      );
    } finally {
      await s.close();
      await again.stop();
    }
  });

  test("SIGKILL during an outage: what was accepted is still delivered after a restart", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vigil-spool-kill-"));
    const down = new OtlpReceiver();
    const endpoint = await down.start();
    const downPort = Number(new URL(endpoint).port);
    await down.stop();
    const otlpPort = await freePort();
    const config = await writeTestConfig(
      dir,
      `telemetry:\n  otlp: { endpoint: "${endpoint}", export_interval: 1h }\n  receiver: { http: { address: "127.0.0.1:${otlpPort}" }, grpc: { enabled: false } }\n  spool: { retry: { initial: 100ms, max: 1s } }\n`,
    );
    let p = spawnVigil(["run", "--config", config]);
    const back = new OtlpReceiver();
    try {
      await waitStarted(p);
      const ids: string[] = [];
      const send = async (i: number) => {
        const spanId = `${i.toString(16).padStart(2, "0")}`.repeat(8);
        ids.push(spanId);
        const res = await fetch(`http://127.0.0.1:${otlpPort}/v1/traces`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            resourceSpans: [
              {
                resource: { attributes: [{ key: "service.name", value: { stringValue: "killed-bot" } }] },
                scopeSpans: [
                  {
                    spans: [
                      {
                        traceId: "5b8efff798038103d269b633813fc60c",
                        spanId,
                        name: `span ${i}`,
                        kind: 1,
                        startTimeUnixNano: "1700000000000000000",
                        endTimeUnixNano: "1700000000100000000",
                      },
                    ],
                  },
                ],
              },
            ],
          }),
        });
        assert.equal(res.status, 200, await res.text());
      };
      for (let i = 0; i < 20; i++) await send(i);
      p.child.kill("SIGKILL");
      await p.exited;
      p = spawnVigil(["run", "--config", config]);
      await waitStarted(p);
      // Accepted beside the 20 still spooled: the new request's seq follows theirs.
      await send(20);
      await back.start(downPort);
      await eventually(
        () => new Set(back.spans().map((s) => s.spanId)).size === ids.length,
        20_000,
        "all 21 after the restart",
      );
      assert.deepEqual(new Set(back.spans().map((s) => s.spanId)), new Set(ids));
    } finally {
      p.child.kill("SIGTERM");
      await p.exited;
      await back.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("bad input gets the OTLP answers and the receiver keeps serving", async () => {
    const down = new OtlpReceiver();
    const endpoint = await down.start();
    const s = await vigil(endpoint);
    try {
      const post = (path: string, body: Buffer | string, headers: Record<string, string>) =>
        fetch(`${s.otlp}${path}`, { method: "POST", body, headers });
      const proto = { "content-type": "application/x-protobuf" };
      const bad = await post("/v1/traces", Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), proto);
      assert.equal(bad.status, 400);
      assert.equal(bad.headers.get("content-type"), "application/x-protobuf");
      assert.equal(
        (await post("/v1/traces", Buffer.from([0x12, 0x00]), proto)).status,
        400,
        "an unknown top-level field",
      );
      const notJson = await post("/v1/logs", "{not json", { "content-type": "application/json" });
      assert.equal(notJson.status, 400);
      assert.match(JSON.stringify(await notJson.json()), /"code":3/);
      assert.equal((await post("/v1/metrics", "[]", { "content-type": "application/json" })).status, 400);
      assert.equal((await post("/v1/traces", "x", { "content-type": "text/plain" })).status, 415);
      assert.equal(
        (await post("/v1/traces", Buffer.alloc(100 * 1024), proto)).status,
        413,
        "over max_body_bytes",
      );
      const bomb = gzipSync(Buffer.alloc(1024 * 1024));
      assert.equal(
        (await post("/v1/traces", bomb, { ...proto, "content-encoding": "gzip" })).status,
        413,
        "a gzip bomb",
      );
      assert.equal((await fetch(`${s.otlp}/v1/traces`)).status, 405);
      assert.equal((await post("/v2/traces", "{}", { "content-type": "application/json" })).status, 404);
      // Still serving: a valid (empty) request, gzipped, is accepted.
      const ok = await post("/v1/traces", gzipSync(Buffer.from("{}")), {
        "content-type": "application/json",
        "content-encoding": "gzip",
      });
      assert.equal(ok.status, 200);
      const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
      assert.match(text, /vigil_spool_received_total\{[^}]*result="invalid"[^}]*\} [1-9]/);
    } finally {
      await s.close();
      await down.stop();
    }
  });

  test("a full spool drops the oldest requests, counted and logged, never silently", async () => {
    const down = new OtlpReceiver();
    const endpoint = await down.start();
    const port = Number(new URL(endpoint).port);
    await down.stop(); // away: everything stays in the spool
    const s = await vigil(`http://127.0.0.1:${port}`, ", max_bytes: 4KiB");
    try {
      const body = (i: number) =>
        JSON.stringify({
          resourceSpans: [{ scopeSpans: [{ spans: [{ name: `s${i}`.padEnd(500, "x") }] }] }],
        });
      for (let i = 0; i < 20; i++) {
        const r = await fetch(`${s.otlp}/v1/traces`, {
          method: "POST",
          body: body(i),
          headers: { "content-type": "application/json" },
        });
        assert.equal(r.status, 200);
      }
      const st = s.sidecar.spool?.status().find((x) => x.signal === "traces");
      assert.ok(st && st.bytes <= 4096, `bounded: ${st?.bytes} bytes`);
      assert.ok(s.logs.some((r) => String(r.msg).startsWith("spool full: the oldest telemetry was dropped")));
      const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
      assert.match(text, /vigil_spool_dropped_total\{signal="traces",reason="spool_full"[^}]*\} [1-9]/);
    } finally {
      await s.close();
    }
  });

  test("what the event loop commits itself is checkpointed by the writer thread: spool.db-wal stays bounded", async () => {
    const down = new OtlpReceiver();
    const endpoint = await down.start();
    const port = Number(new URL(endpoint).port);
    await down.stop(); // away: every request stays in the spool, each one committed on the event loop
    const s = await vigil(`http://127.0.0.1:${port}`);
    try {
      const body = JSON.stringify({
        resourceSpans: [{ scopeSpans: [{ spans: [{ name: "x".repeat(60 * 1024) }] }] }],
      });
      for (let i = 0; i < 300; i++) {
        const r = await fetch(`${s.otlp}/v1/traces`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
        });
        assert.equal(r.status, 200);
      }
      const spooled = s.sidecar.spool?.status().find((x) => x.signal === "traces");
      assert.equal(spooled?.depth, 300);
      // 18 MiB committed; checkpoints every 4 MiB let SQLite write the WAL from its start again.
      const wal = (await stat(join(s.dir, "data", "spool.db-wal"))).size;
      assert.ok(wal < 10 * 1024 * 1024, `spool.db-wal is ${wal} bytes`);
    } finally {
      await s.close();
    }
  });

  for (const sync of ["normal", "full"] as const)
    test(`a commit that fails (sync: ${sync}) is answered 503 with Retry-After, counted, and leaves nothing spooled`, async () => {
      const down = new OtlpReceiver();
      const endpoint = await down.start();
      const s = await vigil(endpoint, `, sync: ${sync}`);
      const post = (name: string) =>
        fetch(`${s.otlp}/v1/traces`, {
          method: "POST",
          body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name }] }] }] }),
          headers: { "content-type": "application/json" },
        });
      // A real SQLite failure of the insert, on whichever connection commits it.
      const Database = (await import("better-sqlite3")).default;
      const db = new Database(join(s.dir, "data", "spool.db"));
      try {
        db.exec(
          "CREATE TRIGGER refuse BEFORE INSERT ON spool BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;",
        );
        const r = await post("refused");
        assert.equal(r.status, 503);
        assert.equal(r.headers.get("retry-after"), "5");
        const st = s.sidecar.spool?.status().find((x) => x.signal === "traces");
        assert.equal(st?.depth, 0);
        assert.equal(st?.bytes, 0);
        db.exec("DROP TRIGGER refuse");
        assert.equal((await post("accepted")).status, 200);
        await eventually(() => down.spans().some((x) => x.name === "accepted"));
        await eventually(() => s.sidecar.spool?.status().find((x) => x.signal === "traces")?.depth === 0);
        const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
        assert.match(text, /vigil_spool_received_total\{[^}]*result="failed"[^}]*\} 1\b/);
        assert.ok(s.logs.some((l) => String(l.msg).startsWith("spool commit failed")));
      } finally {
        db.close();
        await s.close();
        await down.stop();
      }
    });
});
