import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Metadata } from "@grpc/grpc-js";
import { call, createVigilClient } from "../../src/client/client.js";
import { certificates } from "../helpers/certificates.js";
import { OtlpReceiver } from "../helpers/otlp-receiver.js";
import { spawnVigil, waitStarted } from "../helpers/process.js";
import { eventually, startSidecar } from "../helpers/sidecar.js";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

test("with OTEL_EXPORTER_OTLP_ENDPOINT set, Vigil's logs (trace-linked) and metrics reach the collector with the bot's identity", async () => {
  const receiver = new OtlpReceiver();
  const endpoint = await receiver.start();
  const dir = await mkdtemp(join(tmpdir(), "vigil-otlp-"));
  const file = join(dir, "vigil.yaml");
  await writeFile(
    file,
    `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(join(dir, "data"))}\n`,
  );
  const p = spawnVigil(["run", "--config", file], {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_SERVICE_NAME: "support-bot",
    OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=test,k8s.pod.name=bot-0",
  });
  try {
    const started = await waitStarted(p);
    // A beat from a traced bot: the record Vigil writes inside the call carries the trace.
    const client = createVigilClient(`127.0.0.1:${started.grpc}`);
    const md = new Metadata();
    md.set("traceparent", `00-${TRACE_ID}-00f067aa0ba902b7-01`);
    await call(client.heartbeat.Beat.bind(client.heartbeat), { component: "traced-worker" }, md);
    client.close();
    const registered = await eventually(
      () => p.records().find((r) => r.msg === "component registered" && r.component_name === "traced-worker"),
      10_000,
      "registered",
    );
    assert.equal(registered.trace_id, TRACE_ID);
    assert.match(String(registered.span_id), /^[0-9a-f]{16}$/);
    p.child.kill("SIGTERM");
    assert.equal(await p.exited, 0);
    const logs = JSON.stringify(receiver.bodies.get("/v1/logs") ?? []);
    assert.match(logs, /"vigil started"/, "the start record was exported as an OTel log on shutdown flush");
    assert.match(logs, /"service\.name","value":\{"stringValue":"support-bot"\}/);
    assert.match(logs, /"k8s\.pod\.name","value":\{"stringValue":"bot-0"\}/);
    assert.match(logs, new RegExp(`"traceId":"${TRACE_ID}"`), "the OTel log record is linked to the trace");
    const local = await readFile(join(dir, "data", "logs", "vigil.jsonl"), "utf8");
    assert.match(local, new RegExp(`"trace_id":"${TRACE_ID}"`));
    const metrics = JSON.stringify(receiver.bodies.get("/v1/metrics") ?? []);
    assert.match(metrics, /vigil\.data_dir\.bytes/);
    assert.match(metrics, /"name":"vigil","version":"/, "Vigil's own metrics carry the vigil scope");
  } finally {
    p.child.kill("SIGKILL");
    await receiver.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test("telemetry.otlp.tls: Vigil exports to an https collector that requires a client certificate; without one the handshake is refused", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-otlp-tls-"));
  await certificates(dir);
  const pem = (f: string) => readFile(join(dir, f));
  const receiver = new OtlpReceiver({
    key: await pem("server.key"),
    cert: await pem("server.crt"),
    ca: await pem("ca.crt"),
    requestCert: true,
    rejectUnauthorized: true,
  });
  const endpoint = await receiver.start();
  const otlp = (tls: string) =>
    `telemetry:\n  otlp: { endpoint: "${endpoint}", export_interval: 200ms, tls: ${tls} }\n`;
  const withCert = await startSidecar(
    otlp(
      `{ ca_file: "${join(dir, "ca.crt")}", cert_file: "${join(dir, "client.crt")}", key_file: "${join(dir, "client.key")}" }`,
    ),
  );
  try {
    await eventually(
      () => (receiver.bodies.get("/v1/metrics") ?? []).length > 0,
      10_000,
      "metrics over mTLS",
    );
    assert.match(JSON.stringify(receiver.bodies.get("/v1/metrics")), /vigil\.data_dir\.bytes/);
  } finally {
    await withCert.close();
  }
  const received = (receiver.bodies.get("/v1/metrics") ?? []).length;
  const anonymous = await startSidecar(otlp(`{ ca_file: "${join(dir, "ca.crt")}" }`));
  try {
    await eventually(
      () => receiver.tlsErrors > 0,
      10_000,
      "a handshake without a client certificate refused",
    );
  } finally {
    await anonymous.close();
    await receiver.stop();
    await rm(dir, { recursive: true, force: true });
  }
  assert.equal(
    (receiver.bodies.get("/v1/metrics") ?? []).length,
    received,
    "nothing arrived without a certificate",
  );
});
