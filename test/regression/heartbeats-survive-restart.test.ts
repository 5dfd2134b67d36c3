import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { call, createVigilClient, type VigilStubs } from "../../src/client/client.js";
import type { Component__Output } from "../../src/generated/vigil/v1/Component.js";
import type { GetStatusResponse__Output } from "../../src/generated/vigil/v1/GetStatusResponse.js";
import type { ListComponentsResponse__Output } from "../../src/generated/vigil/v1/ListComponentsResponse.js";
import { spawnVigil, type VigilProcess, waitStarted, writeTestConfig } from "../helpers/process.js";
import { eventually } from "../helpers/sidecar.js";

const ms = (d: { seconds?: number | string; nanos?: number } | null | undefined) =>
  d ? Number(d.seconds ?? 0) * 1000 + (d.nanos ?? 0) / 1e6 : Number.NaN;

async function components(client: VigilStubs): Promise<Map<string, Component__Output>> {
  const r = (await call(
    client.heartbeat.ListComponents.bind(client.heartbeat),
    {},
  )) as ListComponentsResponse__Output;
  return new Map((r.components ?? []).map((c) => [c.name ?? "", c]));
}

async function task(client: VigilStubs, name: string) {
  const s = (await call(client.admin.GetStatus.bind(client.admin), {})) as GetStatusResponse__Output;
  return (s.tasks ?? []).find((t) => t.name === name);
}

/** Resolves once `name` has run `n` more times than it had when called (its runs are counted in GetStatus). */
async function moreRuns(client: VigilStubs, name: string, n: number): Promise<void> {
  const before = Number((await task(client, name))?.runs ?? 0);
  await eventually(
    async () => Number((await task(client, name))?.runs ?? -1) >= before + n,
    10_000,
    `${n} more runs of the ${name} task`,
  );
}

const downLogs = (p: VigilProcess, name: string) =>
  p.records().filter((r) => r.msg === "component down" && r.component_name === name);

test("component state survives SIGKILL and SIGTERM restarts: DOWN stays DOWN without a second DOWN, registered ones stay listed, ages continue", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-hb-restart-"));
  const config = await writeTestConfig(
    dir,
    'config: { watch: false }\nheartbeats: { evaluation_interval: "100ms" }\n',
  );
  const running: VigilProcess[] = [];
  const start = async () => {
    const p = spawnVigil(["run", "--config", config]);
    running.push(p);
    const { grpc } = await waitStarted(p);
    return { p, client: createVigilClient(`127.0.0.1:${grpc}`) };
  };
  try {
    const first = await start();
    const beat = (c: VigilStubs, req: Record<string, unknown>) =>
      call(c.heartbeat.Beat.bind(c.heartbeat), req);
    await beat(first.client, { component: "worker", interval: { seconds: 0, nanos: 300_000_000 } });
    await beat(first.client, { component: "api", interval: { seconds: 3600 }, message: "serving" });
    await beat(first.client, { component: "api", interval: { seconds: 3600 }, message: "serving" });
    await eventually(() => downLogs(first.p, "worker").length === 1, 10_000, "worker logged DOWN");
    // State is written within a 1 s window (README: "Durability"): let 2 s of evaluations pass. They
    // share the event loop with the writer's timer, so they cannot run while it is held up.
    await moreRuns(first.client, "heartbeat-evaluation", 20);
    const before = await components(first.client);
    assert.equal(before.get("worker")?.state, "COMPONENT_STATE_DOWN");
    first.client.close();
    first.p.child.kill("SIGKILL");
    await first.p.exited;

    const second = await start();
    const after = await components(second.client);
    const worker = after.get("worker");
    const api = after.get("api");
    assert.ok(worker, "a registered component is still listed after the restart");
    assert.ok(api, "a registered component is still listed after the restart");
    assert.equal(worker.state, "COMPONENT_STATE_DOWN", "DOWN stays DOWN, not UNKNOWN");
    assert.equal(worker.declared, false);
    assert.equal(api.state, "COMPONENT_STATE_UP");
    assert.equal(api.message, "serving");
    assert.equal(Number(api.beat_count), 2);
    assert.ok(ms(worker.age) >= ms(before.get("worker")?.age), "the age continues from before the restart");
    assert.equal(ms(worker.interval), 300, "the interval a beat gave is kept");
    assert.deepEqual(worker.last_beat, before.get("worker")?.last_beat);
    assert.deepEqual(worker.registered_at, before.get("worker")?.registered_at);
    assert.equal(
      (worker.errors ?? []).filter((e) => e.state === "COMPONENT_STATE_DOWN").length,
      1,
      "the DOWN error entry is restored, not added again",
    );
    // Evaluations ran after the restore and found nothing new: no second DOWN record.
    await moreRuns(second.client, "heartbeat-evaluation", 3);
    assert.deepEqual(downLogs(second.p, "worker"), [], "no second DOWN transition is logged");
    assert.equal(
      second.p.records().filter((r) => r.msg === "component registered").length,
      0,
      "restored components are not registered again",
    );

    // SIGTERM: a beat just before the stop is written by stop(), not lost with the window.
    await beat(second.client, { component: "api", interval: { seconds: 3600 }, message: "last words" });
    second.client.close();
    second.p.child.kill("SIGTERM");
    assert.equal(await second.p.exited, 0);

    const third = await start();
    const last = await components(third.client);
    assert.equal(last.get("api")?.message, "last words");
    assert.equal(Number(last.get("api")?.beat_count), 3);
    assert.equal(last.get("worker")?.state, "COMPONENT_STATE_DOWN");
    // A beat brings the restored component back UP: one transition, as before the restart.
    await beat(third.client, { component: "worker", interval: { seconds: 3600 } });
    assert.equal((await components(third.client)).get("worker")?.state, "COMPONENT_STATE_UP");
    third.client.close();
  } finally {
    for (const p of running) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill("SIGKILL");
        await p.exited;
      }
    }
    await rm(dir, { recursive: true, force: true });
  }
});
