import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startSidecar, type TestSidecar } from "../helpers/sidecar.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BUF = join(ROOT, "node_modules", ".bin", "buf");

/** `buf curl` over gRPC with server reflection alone: no local schema. */
async function bufCurl(address: string, args: string[]): Promise<string> {
  const { stdout } = await run(
    BUF,
    [
      "curl",
      "--protocol",
      "grpc",
      "--http2-prior-knowledge",
      ...args.slice(0, -1),
      `http://${address}${args.at(-1)}`,
    ],
    { cwd: tmpdir(), timeout: 60_000 },
  );
  return stdout;
}

describe("server reflection that real tools accept", () => {
  let t: TestSidecar;
  before(async () => {
    t = await startSidecar(
      "router:\n  destinations: [{ name: log, kind: log }]\n  routes: [{ match: { topic: 'orders.>' }, to: [log] }]\n",
    );
  });
  after(() => t.close());

  test("buf curl lists every service and method through reflection", async () => {
    const services = (await bufCurl(t.grpcAddress, ["--list-services", ""])).trim().split("\n");
    for (const s of [
      "vigil.v1.HeartbeatService",
      "vigil.v1.MetricsService",
      "vigil.v1.RouterService",
      "vigil.v1.AlertService",
      "vigil.v1.AdminService",
      "grpc.health.v1.Health",
    ])
      assert.ok(services.includes(s), `${s} missing from ${services.join(", ")}`);
    const methods = await bufCurl(t.grpcAddress, ["--list-methods", ""]);
    for (const m of [
      "HeartbeatService/Beat",
      "RouterService/Publish",
      "AdminService/GetStatus",
      "Health/Check",
    ])
      assert.ok(methods.includes(m), `${m} missing`);
  });

  test("buf curl calls Beat, Publish, GetStatus and Health/Check with no local schema", async () => {
    const beat = JSON.parse(
      await bufCurl(t.grpcAddress, [
        "-d",
        '{"component":"cron-job","interval":"60s","message":"via reflection"}',
        "/vigil.v1.HeartbeatService/Beat",
      ]),
    );
    assert.equal(beat.state, "COMPONENT_STATE_UP");
    const published = JSON.parse(
      await bufCurl(t.grpcAddress, [
        "-d",
        JSON.stringify({ topic: "orders.new", payload: Buffer.from("hi").toString("base64") }),
        "/vigil.v1.RouterService/Publish",
      ]),
    );
    assert.equal(published.routed, 1);
    const status = JSON.parse(await bufCurl(t.grpcAddress, ["-d", "{}", "/vigil.v1.AdminService/GetStatus"]));
    assert.ok(status.components.some((c: { name: string }) => c.name === "cron-job"));
    const health = JSON.parse(await bufCurl(t.grpcAddress, ["-d", "{}", "/grpc.health.v1.Health/Check"]));
    assert.equal(health.status, "SERVING");
  });
});

test("proto/descriptors.binpb is in sync with proto/ (npm run gen writes it)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-descriptors-"));
  try {
    const fresh = join(dir, "descriptors.binpb");
    await run("bash", [join(ROOT, "scripts", "gen-descriptors.sh"), fresh], { cwd: ROOT, timeout: 120_000 });
    assert.ok(
      (await readFile(fresh)).equals(await readFile(join(ROOT, "proto", "descriptors.binpb"))),
      "proto/descriptors.binpb is stale: run npm run gen and commit it",
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
