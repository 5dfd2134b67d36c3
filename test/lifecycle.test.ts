import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Client } from "@grpc/grpc-js";
import { metrics } from "@opentelemetry/api";
import { AlertManager } from "../src/alerts/alert-manager.js";
import { parseConfigText } from "../src/config/load.js";
import type { BeatResponse__Output } from "../src/generated/vigil/v1/BeatResponse.js";
import { ComponentStore } from "../src/heartbeat/component-store.js";
import { HeartbeatMonitor } from "../src/heartbeat/heartbeat-monitor.js";
import { Scheduler } from "../src/scheduler/scheduler.js";
import { GrpcServer } from "../src/server/grpc-server.js";
import { HttpServer } from "../src/server/http-server.js";
import { Sidecar } from "../src/sidecar.js";
import { Telemetry } from "../src/telemetry/telemetry.js";
import { ManualClock } from "../src/util/clock.js";
import { healthClient, unaryCall } from "./helpers/grpc.js";
import { captureLogger } from "./helpers/log-capture.js";
import { call, eventually, startSidecar } from "./helpers/sidecar.js";

const config = parseConfigText(
  'server: { grpc: { address: "127.0.0.1:0" }, http: { address: "127.0.0.1:0" } }\n',
  "test",
  null,
  {},
).config;
const logger = captureLogger().logger;

/** The shared lifecycle suite every component passes (STYLE: Collector-style lifecycle tests). */
const components: Record<string, () => Promise<{ start(): unknown; stop(): Promise<void> }>> = {
  Sidecar: async () =>
    Sidecar.create({
      loaded: parseConfigText(
        'server: { grpc: { address: "127.0.0.1:0" }, http: { address: "127.0.0.1:0" } }\ndata_dir: /tmp/vigil-lifecycle\n',
        "test",
        null,
        {},
      ),
      env: {},
      logger,
      version: "test",
      hostMetrics: false,
    }),
  GrpcServer: async () => new GrpcServer({ config: config.server.grpc, logger, handlers: emptyHandlers() }),
  HttpServer: async () =>
    new HttpServer({
      config: { ...config.server.http, address: "127.0.0.1:0" },
      logger,
      meter: metrics.getMeter("test"),
      prometheus: null,
      ready: () => true,
      status: () => Promise.reject(new Error("n/a")),
    }),
  Scheduler: async () => new Scheduler({ logger, clock: new ManualClock() }),
  AlertManager: async () =>
    new AlertManager({
      config: parseConfigText(
        "alerts: { rules: [{ name: Down, kind: heartbeat }], notifiers: [{ kind: log }] }\n",
        "test",
        null,
        {},
      ).config.alerts,
      dataDir: mkdtempSync(join(tmpdir(), "vigil-alerts-lifecycle-")),
      logger,
      clock: new ManualClock(),
      meter: metrics.getMeter("test"),
      generatorUrl: "http://127.0.0.1/",
      seriesLimits: { maxSeries: 10, idleMs: 1000 },
      sources: {
        components: () => [],
        destinations: () => [],
        self: () => Promise.reject(new Error("not used")),
      },
    }),
  ComponentStore: async () =>
    new ComponentStore({
      dataDir: mkdtempSync(join(tmpdir(), "vigil-heartbeats-lifecycle-")),
      logger,
      monitor: new HeartbeatMonitor({
        config: config.heartbeats,
        meter: metrics.getMeter("test"),
        logger,
        clock: new ManualClock(),
      }),
      maxRows: () => config.heartbeats.maxComponents,
    }),
  Telemetry: async () => {
    const t = await Telemetry.create({ config, env: {}, version: "test", logger, hostMetrics: false });
    return { start: () => {}, stop: () => t.stop() };
  },
};

function emptyHandlers() {
  return {
    "vigil.v1.HeartbeatService": {},
    "vigil.v1.MetricsService": {},
    "vigil.v1.AdminService": {},
    "vigil.v1.RouterService": {},
    "vigil.v1.AlertService": {},
  };
}

describe("component lifecycle", () => {
  for (const [name, make] of Object.entries(components)) {
    test(`${name}: stop without start, then stop again`, async () => {
      const c = await make();
      await c.stop();
      await c.stop();
    });
    test(`${name}: start, stop twice`, async () => {
      const c = await make();
      await c.start();
      await Promise.all([c.stop(), c.stop()]);
    });
  }

  test("a new sidecar starts on the same ports after the previous one stopped", async () => {
    const first = await startSidecar();
    const grpcPort = first.sidecar.grpcPort;
    const httpPort = first.sidecar.httpPort;
    await first.close();
    const second = await startSidecar(
      `server:\n  grpc: { address: "127.0.0.1:${grpcPort}" }\n  http: { address: "127.0.0.1:${httpPort}" }\ndata_dir: /tmp/vigil-lifecycle-2\n`,
      { base: "" },
    ).catch((e: unknown) => e as Error);
    assert.ok(!(second instanceof Error), String(second));
    assert.equal(second.sidecar.grpcPort, grpcPort);
    await second.close();
  });

  test("while draining, health is NOT_SERVING and /readyz 503, yet calls are still served", async () => {
    const t = await startSidecar('shutdown: { drain_delay: "1500ms", timeout: "10s" }\n');
    const h = healthClient(t.grpcAddress);
    try {
      assert.deepEqual(await unaryCall(h, "Check", { service: "" }), { status: "SERVING" });
      const stopping = t.sidecar.stop("test");
      await eventually(async () => {
        const r = await unaryCall<{ status: string }>(h, "Check", { service: "vigil.v1.HeartbeatService" });
        return r.status === "NOT_SERVING";
      });
      assert.deepEqual(await unaryCall(h, "Check", { service: "" }), { status: "NOT_SERVING" });
      assert.equal((await fetch(`${t.httpUrl}/readyz`)).status, 503);
      const beat = await call<unknown, BeatResponse__Output>(
        t.client.heartbeat.Beat.bind(t.client.heartbeat),
        {
          component: "late-talker",
        },
      );
      assert.equal(beat.state, "COMPONENT_STATE_UP");
      assert.equal((await t.sidecar.status()).draining, true);
      await stopping;
    } finally {
      (h as Client).close();
      await t.close();
    }
  });
});
