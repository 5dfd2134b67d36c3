import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { test } from "node:test";
import { status as GrpcStatus } from "@grpc/grpc-js";
import { createVigilClient } from "../../src/client/client.js";
import {
  commitFailures,
  diskFullRig,
  fillUntilRefused,
  idsOf,
  publish,
  queueFileBytes,
  said,
} from "../helpers/disk-full.js";
import { spawnVigil, type VigilProcess, waitStarted } from "../helpers/process.js";
import { eventually } from "../helpers/sidecar.js";

// A disk that fills and empties again and again, on a real tmpfs that outlives the process: every
// time the destination drains the queue, queue.db gives its pages back and publishing resumes within
// 10 s, the failures are logged once per full disk, and a crash afterwards redelivers nothing that
// was delivered. The default 8 MiB disk reserve: a reserve smaller than the WAL grows between two
// checkpoints (4 MiB) can leave no room to checkpoint. npm run test:faults sizes the disk bigger and
// runs more cycles.
const TMPFS_BYTES = Number(process.env.DISK_FULL_TMPFS_MIB ?? 24) * 1024 * 1024;
const CYCLES = Number(process.env.DISK_FULL_CYCLES ?? 2);
const CONCURRENCY = 4;

test(`a disk that fills ${CYCLES} times recovers each time without a restart; a crash after redelivers nothing delivered`, async () => {
  const { dir, disk, hook, port, config } = await diskFullRig(
    "vigil-disk-full-recovery-",
    TMPFS_BYTES,
    CONCURRENCY,
  );
  let p: VigilProcess | null = spawnVigil(["run", "--config", config], {}, disk.wrap());
  let again: VigilProcess | null = null;
  try {
    const { grpc } = await waitStarted(p);
    const client = createVigilClient(`127.0.0.1:${grpc}`);
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const { accepted, refusal } = await fillUntilRefused(client);
      assert.equal(refusal.code, GrpcStatus.RESOURCE_EXHAUSTED, `cycle ${cycle}: ${refusal.message}`);
      assert.match(refusal.details ?? "", /VIGIL_ERR_ROUTER_DISK_FULL/);
      await hook.start(port);
      await eventually(
        () => [...accepted].every((id) => idsOf(hook.received).has(id)),
        120_000,
        `cycle ${cycle}: every accepted message delivered`,
      );
      const drainedAt = Date.now();
      await eventually(
        () => publish(client, cycle).catch(() => null),
        10_000,
        `cycle ${cycle}: a publish accepted within 10 s of the drain`,
      ).catch((e: unknown) => {
        throw new Error(`${(e as Error).message}; vigil logged: ${said(p as VigilProcess)}`);
      });
      await eventually(
        () => queueFileBytes(disk) < 1024 * 1024,
        Math.max(1000, 10_000 - (Date.now() - drainedAt)),
        `cycle ${cycle}: queue.db given back to the file system`,
      );
      // Each full disk is one failing state: logged when it starts (a commit or two in flight).
      assert.ok(
        commitFailures(p) <= 2 * cycle,
        `cycle ${cycle}: ${commitFailures(p)} "queue commit failed" lines`,
      );
      console.log(
        `disk full, cycle ${cycle}: ${accepted.size} accepted, resumed ${Date.now() - drainedAt} ms after the drain`,
      );
      await eventually(() => hook.received.length >= accepted.size, 10_000, "the resumed message delivered");
      await hook.stop(); // down again: the next cycle fills the disk
    }
    await hook.start(port);
    await new Promise((r) => setTimeout(r, 1000)); // the last deletes committed (they wait up to 25 ms)
    client.close();
    const delivered = idsOf(hook.received);
    const before = hook.received.length;
    p.child.kill("SIGKILL");
    await p.exited;
    p = null;

    again = spawnVigil(["run", "--config", config], {}, disk.wrap());
    const restarted = await waitStarted(again);
    const client2 = createVigilClient(`127.0.0.1:${restarted.grpc}`);
    const marker = await eventually(
      () => publish(client2, 0).catch(() => null),
      10_000,
      "a publish after the crash",
    );
    await eventually(() => idsOf(hook.received).has(marker.message_id), 15_000, "the marker delivered");
    const redelivered = hook.received
      .slice(before)
      .filter((q) => delivered.has(String(q.headers["vigil-message-id"]))).length;
    assert.ok(
      redelivered <= CONCURRENCY,
      `${redelivered} delivered messages delivered again after the crash`,
    );
    assert.equal(commitFailures(again), 0, said(again));
    client2.close();
    again.child.kill("SIGTERM");
    assert.equal(await again.exited, 0, again.stderr.join(""));
    again = null;
  } finally {
    p?.child.kill("SIGKILL");
    again?.child.kill("SIGKILL");
    await hook.stop();
    disk.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
