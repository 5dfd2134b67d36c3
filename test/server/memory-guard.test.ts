import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { status } from "@grpc/grpc-js";
import { metrics } from "@opentelemetry/api";
import { parseConfigText } from "../../src/config/load.js";
import { cgroupMemoryLimit, MemoryGuard } from "../../src/server/memory-guard.js";
import { captureLogger } from "../helpers/log-capture.js";
import { call, startSidecar } from "../helpers/sidecar.js";

const MiB = 1024 * 1024;

test("the guard sheds above limit × shed_at and stops under 95 % of that mark; refusals name the numbers", () => {
  let rss = 50 * MiB;
  const config = parseConfigText(
    "server: { memory_limiter: { limit: 100MiB, shed_at: 0.8 } }\n",
    "t",
    null,
    {},
  ).config;
  const g = new MemoryGuard({
    config: config.server.memoryLimiter,
    logger: captureLogger().logger,
    meter: metrics.getMeter("test"),
    rss: () => rss,
    cgroupLimit: null,
  });
  g.check();
  assert.equal(g.shedding, false);
  g.admit("x");
  rss = 81 * MiB;
  g.check();
  assert.equal(g.shedding, true);
  assert.throws(
    () => g.admit("x"),
    /VIGIL_ERR_SERVER_OVERLOADED|memory 81 MiB is over 80 % of its 100 MiB limit/,
  );
  rss = 77 * MiB;
  g.check();
  assert.equal(g.shedding, true, "hysteresis: 77 MiB is above 95 % of the 80 MiB mark");
  rss = 75 * MiB;
  g.check();
  assert.equal(g.shedding, false);
  g.applyConfig(parseConfigText("{}\n", "t", null, {}).config.server.memoryLimiter);
  rss = 10_000 * MiB;
  g.check();
  assert.equal(g.shedding, false, "no limit configured and no container limit: the guard is off");
});

test("the container's limit comes from cgroup v2 memory.max or v1 memory.limit_in_bytes", () => {
  const files = (m: Record<string, string>) => (p: string) => {
    const v = m[p];
    if (v === undefined) throw new Error("ENOENT");
    return v;
  };
  assert.equal(cgroupMemoryLimit(files({ "/sys/fs/cgroup/memory.max": "536870912\n" })), 512 * MiB);
  assert.equal(cgroupMemoryLimit(files({ "/sys/fs/cgroup/memory.max": "max\n" })), null);
  assert.equal(
    cgroupMemoryLimit(files({ "/sys/fs/cgroup/memory/memory.limit_in_bytes": "268435456" })),
    256 * MiB,
  );
  assert.equal(
    cgroupMemoryLimit(files({ "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712" })),
    null,
  );
  assert.equal(cgroupMemoryLimit(files({})), null);
});

test("a sidecar over its memory mark refuses publishes and metric points, keeps heartbeats, and accepts again after a reload", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-memguard-"));
  const t = await startSidecar(
    "router:\n  destinations: [{ name: log, kind: log }]\n  routes: [{ match: { topic: '>' }, to: [log] }]\n",
    {
      base: `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\n  memory_limiter: { limit: 1MiB }\ndata_dir: ${JSON.stringify(join(dir, "data"))}\n`,
    },
  );
  const publish = () =>
    call(t.client.router.Publish.bind(t.client.router), { topic: "a", payload: Buffer.from("x") });
  const record = () =>
    call(t.client.metrics.Record.bind(t.client.metrics), {
      points: [{ name: "bot.x", kind: "METRIC_KIND_GAUGE", value: 1 }],
    });
  const overloaded = (e: unknown) =>
    (e as { code: number; details: string }).code === status.RESOURCE_EXHAUSTED &&
    /VIGIL_ERR_SERVER_OVERLOADED/.test((e as { details: string }).details);
  try {
    await t.sidecar.scheduler.runNow("memory-guard");
    assert.equal(t.sidecar.memoryGuard.shedding, true);
    await assert.rejects(publish(), overloaded);
    await assert.rejects(record(), overloaded);
    await call(t.client.heartbeat.Beat.bind(t.client.heartbeat), { component: "still-beating" });
    const st = await t.sidecar.status();
    assert.equal(st.process.shedding, true);
    assert.equal(st.process.memoryLimitBytes, MiB);
    const page = await (await fetch(`${t.httpUrl}/`)).text();
    assert.match(page, /shedding load/);
    const text = await (await fetch(`${t.httpUrl}/metrics`)).text();
    assert.match(text, /vigil_memory_limiter_shedding(\{[^}]*\})? 1\n/);
    assert.match(
      text,
      /vigil_memory_limiter_refused_total\{[^}]*rpc="vigil.v1.RouterService\/Publish"[^}]*\} 1\n/,
    );

    const { writeFile } = await import("node:fs/promises");
    await writeFile(
      t.configPath,
      `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\n  memory_limiter: { limit: 64GiB }\ndata_dir: ${JSON.stringify(join(dir, "data"))}\nrouter:\n  destinations: [{ name: log, kind: log }]\n  routes: [{ match: { topic: '>' }, to: [log] }]\n`,
    );
    await t.sidecar.reload("api");
    assert.equal(t.sidecar.memoryGuard.shedding, false);
    await publish();
    await record();
  } finally {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  }
});
