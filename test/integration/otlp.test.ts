import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { OtlpReceiver } from "../helpers/otlp-receiver.js";
import { spawnVigil } from "../helpers/process.js";
import { eventually } from "../helpers/sidecar.js";

test("with OTEL_EXPORTER_OTLP_ENDPOINT set, Vigil's logs and metrics reach the collector with the bot's identity", async () => {
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
    await eventually(() => p.records().find((r) => r.msg === "vigil started"), 20_000, "start");
    p.child.kill("SIGTERM");
    assert.equal(await p.exited, 0);
    const logs = JSON.stringify(receiver.bodies.get("/v1/logs") ?? []);
    assert.match(logs, /"vigil started"/, "the start record was exported as an OTel log on shutdown flush");
    assert.match(logs, /"service\.name","value":\{"stringValue":"support-bot"\}/);
    assert.match(logs, /"k8s\.pod\.name","value":\{"stringValue":"bot-0"\}/);
    const metrics = JSON.stringify(receiver.bodies.get("/v1/metrics") ?? []);
    assert.match(metrics, /vigil\.data_dir\.bytes/);
    assert.match(metrics, /"name":"vigil","version":"/, "Vigil's own metrics carry the vigil scope");
  } finally {
    p.child.kill("SIGKILL");
    await receiver.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
