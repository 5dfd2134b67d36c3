import assert from "node:assert/strict";
import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { call, createVigilClient, type VigilStubs } from "../../src/client/client.js";
import type { GetStatusResponse__Output } from "../../src/generated/vigil/v1/GetStatusResponse.js";
import type { ListComponentsResponse__Output } from "../../src/generated/vigil/v1/ListComponentsResponse.js";
import { spawnVigil, type VigilProcess, waitStarted, writeTestConfig } from "../helpers/process.js";
import { eventually } from "../helpers/sidecar.js";
import { TmpfsNamespace } from "../helpers/tmpfs.js";

async function persistTask(client: VigilStubs) {
  const s = (await call(client.admin.GetStatus.bind(client.admin), {})) as GetStatusResponse__Output;
  const t = (s.tasks ?? []).find((x) => x.name === "heartbeat-persist");
  return { runs: Number(t?.runs ?? 0), failures: Number(t?.failures ?? 0), lastError: t?.last_error ?? "" };
}

/** Fills the file system at `path` until ENOSPC. */
function fill(path: string): void {
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
  } finally {
    closeSync(fd);
  }
}

test("a full disk holds component state back, and writes it once there is room: nothing beaten in the meantime is lost", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-hb-disk-full-"));
  const data = join(dir, "data");
  await mkdir(data);
  const disk = await new TmpfsNamespace(data, 40 * 1024 * 1024).start();
  const config = await writeTestConfig(dir, "config: { watch: false }\n", data);
  const running: VigilProcess[] = [];
  try {
    const first = spawnVigil(["run", "--config", config], {}, disk.wrap());
    running.push(first);
    const client = createVigilClient(`127.0.0.1:${(await waitStarted(first)).grpc}`);
    const beat = (message: string) =>
      call(client.heartbeat.Beat.bind(client.heartbeat), {
        component: "worker",
        message,
        interval: { seconds: 3600 },
      });
    await beat("before");
    const runsBefore = (await persistTask(client)).runs;
    await eventually(async () => (await persistTask(client)).runs >= runsBefore + 2, 10_000, "two writes");

    fill(disk.path("filler"));
    // Beats until a write fails: their rows need pages the disk no longer has.
    let sent = 0;
    await eventually(
      async () => {
        for (let i = 0; i < 20; i++) await beat(`during ${++sent} ${"x".repeat(1000)}`);
        return (await persistTask(client)).failures > 0;
      },
      20_000,
      "a failed write",
    );
    // No more beats: what the failed write held is retried each second while the disk stays full.
    const firstFailure = await persistTask(client);
    await eventually(
      async () => (await persistTask(client)).failures >= firstFailure.failures + 2,
      10_000,
      "the held-back changes retried (and failing again) while the disk is full",
    );
    const failed = await persistTask(client);
    assert.match(failed.lastError, /heartbeats\.db: write failed/);
    assert.equal(first.child.exitCode, null, "a full disk does not stop Vigil");

    rmSync(disk.path("filler"));
    const failures = (await persistTask(client)).failures;
    await eventually(
      async () => {
        const t = await persistTask(client);
        return t.failures === failures && t.lastError === "" && t.runs > failed.runs;
      },
      10_000,
      "a write that succeeds once there is room",
    );
    client.close();
    first.child.kill("SIGKILL");
    await first.exited;

    const second = spawnVigil(["run", "--config", config], {}, disk.wrap());
    running.push(second);
    const client2 = createVigilClient(`127.0.0.1:${(await waitStarted(second)).grpc}`);
    const r = (await call(
      client2.heartbeat.ListComponents.bind(client2.heartbeat),
      {},
    )) as ListComponentsResponse__Output;
    const worker = (r.components ?? []).find((c) => c.name === "worker");
    assert.equal(
      Number(worker?.beat_count),
      sent + 1,
      "the beats of the full-disk time were written after it",
    );
    assert.match(worker?.message ?? "", new RegExp(`^during ${sent} `));
    client2.close();
  } finally {
    for (const p of running) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill("SIGKILL");
        await p.exited;
      }
    }
    disk.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
