import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { createFileRegistry, type DescService, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { metrics } from "@opentelemetry/api";
import { loadConfigFile, parseConfigText } from "../../src/config/load.js";
import { protoDir } from "../../src/proto.js";
import { Authenticator } from "../../src/server/auth.js";
import { CallLimits } from "../../src/server/call-limits.js";
import type { ServiceHandlers } from "../../src/server/grpc-server.js";
import { HttpApiServer } from "../../src/server/http-api.js";
import { ManualClock } from "../../src/util/clock.js";
import { captureLogger } from "../helpers/log-capture.js";
import { startSidecar } from "../helpers/sidecar.js";

/** The HTTP API on an ephemeral port (the helper leaves it at its default, 127.0.0.1:7071). */
const API = '  http_api: { address: "127.0.0.1:0" }\n';

const registry = createFileRegistry(
  fromBinary(FileDescriptorSetSchema, readFileSync(join(protoDir(), "descriptors.binpb"))),
);
const service = (name: string) => registry.getService(name) as DescService;

// An untyped client over a descriptor: what any Connect client generated from proto/ does.
type Untyped = Record<string, (req: unknown) => Promise<Record<string, unknown>>>;

for (const binary of [false, true]) {
  test(`a Connect client (${binary ? "application/proto" : "application/json"}) calls Vigil like gRPC`, async (ctx) => {
    const t = await startSidecar(
      'router:\n  destinations: [{ name: archive, kind: log, path: logs/m.jsonl }]\n  routes: [{ match: { topic: "a.*" }, to: [archive] }]\n',
      { server: API },
    );
    ctx.after(() => t.close());
    const transport = createConnectTransport({
      baseUrl: `http://127.0.0.1:${t.sidecar.httpApiPort}`,
      httpVersion: "1.1",
      useBinaryFormat: binary,
    });
    const heartbeat = createClient(service("vigil.v1.HeartbeatService"), transport) as unknown as Untyped;
    const router = createClient(service("vigil.v1.RouterService"), transport) as unknown as Untyped;
    const beat = await heartbeat.beat?.({ component: "job", signal: 2, runId: "r1" });
    assert.equal(beat?.state, 2, "COMPONENT_STATE_UP");
    const first = await router.publish?.({
      topic: "a.b",
      payload: new Uint8Array([1, 2]),
      idempotencyKey: "k1",
    });
    const again = await router.publish?.({
      topic: "a.b",
      payload: new Uint8Array([1, 2]),
      idempotencyKey: "k1",
    });
    assert.equal(again?.messageId, first?.messageId);
    assert.equal(again?.duplicate, true);
    assert.equal(again?.routed, 1);
    // A Vigil error arrives as a ConnectError with the gRPC code and the catalogue code in its message.
    await assert.rejects(heartbeat.beat?.({ component: "" }) as Promise<unknown>, (e: unknown) => {
      assert.ok(e instanceof ConnectError);
      assert.equal(e.code, Code.InvalidArgument);
      assert.match(e.rawMessage, /^VIGIL_ERR_REQUEST_INVALID_FIELD: component: required/);
      return true;
    });
    const list = await heartbeat.listComponents?.({});
    const job = (list?.components as Array<Record<string, unknown>>).find((c) => c.name === "job");
    assert.equal(job?.jobRunning, true, "the START's run is open");
  });
}

test("server.limits apply per client to the HTTP API: 429 resource_exhausted with Retry-After", async (ctx) => {
  const clock = new ManualClock();
  const t = await startSidecar("", { clock, server: `${API}  limits: { client_requests_per_second: 1 }\n` });
  ctx.after(() => t.close());
  const url = `http://127.0.0.1:${t.sidecar.httpApiPort}`;
  const beat = () =>
    fetch(`${url}/vigil.v1.HeartbeatService/Beat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ component: "w" }),
    });
  assert.equal((await beat()).status, 200);
  const refused = await beat();
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get("retry-after"), "1");
  const body = (await refused.json()) as { code: string; message: string };
  assert.equal(body.code, "resource_exhausted");
  assert.match(body.message, /^VIGIL_ERR_LIMIT_CLIENT_RATE: client 127\.0\.0\.1 is over server\.limits/);
  const ping = await fetch(`${url}/ping/w`);
  assert.equal(ping.status, 429, "a ping is a Beat: the same bucket");
  clock.advance(1000);
  assert.equal((await fetch(`${url}/ping/w`)).status, 200);
});

/** A test config whose server section has `httpApi` as its http_api, the data dir in `dir`. */
function base(dir: string, httpApi: string): string {
  return `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\n  http_api: ${httpApi}\ndata_dir: ${JSON.stringify(join(dir, "data"))}\n`;
}

test("VIGIL_HTTP_API_ADDRESS overrides server.http_api.address; enabled: false starts no listener", async (ctx) => {
  const loaded = loadConfigFile(null, { VIGIL_HTTP_API_ADDRESS: "127.0.0.1:7999" });
  assert.equal(loaded.config.server.httpApi.address, "127.0.0.1:7999");
  assert.throws(() => loadConfigFile(null, { VIGIL_HTTP_API_ADDRESS: "nowhere" }), /VIGIL_HTTP_API_ADDRESS/);
  const dir = await mkdtemp(join(tmpdir(), "vigil-http-api-"));
  ctx.after(() => rm(dir, { recursive: true, force: true }));
  const t = await startSidecar("", { base: base(dir, "{ enabled: false }") });
  ctx.after(() => t.close());
  assert.equal(t.sidecar.httpApi, null);
  assert.equal(t.sidecar.httpApiPort, 0);
});

test("a port taken by someone else does not stop Vigil: the error is logged, gRPC serves", async (ctx) => {
  const squatter = minimalServer("127.0.0.1:0");
  await squatter.start();
  ctx.after(() => squatter.stop());
  const dir = await mkdtemp(join(tmpdir(), "vigil-http-api-"));
  ctx.after(() => rm(dir, { recursive: true, force: true }));
  const t = await startSidecar("", { base: base(dir, `{ address: "127.0.0.1:${squatter.port}" }`) });
  ctx.after(() => t.close());
  assert.equal(t.sidecar.httpApiPort, 0);
  assert.ok(
    t.logs.some(
      (r) => (r.level === 50 || r.level === "error") && String(r.msg).startsWith("HTTP API not started"),
    ),
    "logged at error level",
  );
  const res = await new Promise<{ state: string }>((resolve, reject) =>
    t.client.heartbeat.Beat({ component: "still-here" }, (e: Error | null, r: unknown) =>
      e ? reject(e) : resolve(r as { state: string }),
    ),
  );
  assert.equal(res.state, "COMPONENT_STATE_UP");
});

function minimalServer(address: string): HttpApiServer {
  const config = parseConfigText("", "test", null, {}).config;
  const { logger } = captureLogger();
  const meter = metrics.getMeter("test");
  const beat = (_call: unknown, cb: (e: null, v: unknown) => void) =>
    cb(null, { state: "COMPONENT_STATE_UP" });
  const handlers = {
    "vigil.v1.HeartbeatService": { Beat: beat },
    "vigil.v1.MetricsService": {},
    "vigil.v1.AdminService": {},
    "vigil.v1.RouterService": {},
    "vigil.v1.AlertService": {},
  } as unknown as ServiceHandlers;
  return new HttpApiServer({
    config: { ...config.server.httpApi, address },
    maxMessageBytes: config.server.grpc.maxMessageBytes,
    logger,
    meter,
    handlers,
    decoders: {},
    auth: new Authenticator({ config: config.server.auth, env: {}, logger, meter }),
    limits: new CallLimits({ config: config.server.limits, logger, meter, clock: new ManualClock() }),
  });
}

test("lifecycle: stop before start, stop twice, a new instance on the same port", async () => {
  const never = minimalServer("127.0.0.1:0");
  await never.stop();
  await never.stop();
  assert.equal(never.state, "stopped");
  const a = minimalServer("127.0.0.1:0");
  await a.start();
  const port = a.port;
  assert.equal(await (await fetch(`http://127.0.0.1:${port}/ping/x`)).text(), "UP\n");
  await Promise.all([a.stop(), a.stop()]);
  const b = minimalServer(`127.0.0.1:${port}`);
  await b.start();
  assert.equal(b.port, port);
  assert.equal((await fetch(`http://127.0.0.1:${port}/ping/x`)).status, 200);
  await b.stop();
});

test("a reload that changes server.http_api says a restart is required (the listener is bound at start)", async (ctx) => {
  const t = await startSidecar("", { server: API });
  ctx.after(() => t.close());
  const text = await readFile(t.configPath, "utf8");
  await writeFile(
    t.configPath,
    text.replace(
      'http_api: { address: "127.0.0.1:0" }',
      'http_api: { address: "127.0.0.1:0", max_connections: 9 }',
    ),
  );
  const outcome = await t.sidecar.reload("api");
  assert.equal(outcome.changed, true);
  assert.deepEqual(outcome.restartRequired, ["server.http_api"]);
});

test("a compressed request is refused (unimplemented), so no small body inflates past the limits", async (ctx) => {
  const t = await startSidecar("", { server: API });
  ctx.after(() => t.close());
  // 5 MiB of JSON whitespace: about 5 KiB gzipped, over server.grpc.max_message_bytes once inflated.
  const body = gzipSync(Buffer.from(`{"component":"w"${" ".repeat(5 * 1024 * 1024)}}`));
  const res = await fetch(`http://127.0.0.1:${t.sidecar.httpApiPort}/vigil.v1.HeartbeatService/Beat`, {
    method: "POST",
    headers: { "content-type": "application/json", "content-encoding": "gzip" },
    body,
  });
  const answer = (await res.json()) as { code: string; message: string };
  assert.equal(answer.code, "unimplemented", JSON.stringify(answer));
  assert.match(answer.message, /gzip/);
  assert.equal(res.headers.get("content-encoding"), null);
});
