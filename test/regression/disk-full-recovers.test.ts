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
  type Refusal,
  said,
} from "../helpers/disk-full.js";
import { spawnVigil, type VigilProcess, waitStarted } from "../helpers/process.js";
import { eventually } from "../helpers/sidecar.js";

// Reproduced on a 40 MiB tmpfs with the default 8 MiB disk reserve: once a full disk's queue had
// drained, queue.db kept the disk it took (its free pages were vacuumed only while publishes were
// refused, and that stopped as soon as twice the reserve was free), so a restart found no room
// for the reserve; deletes that could not commit were then retried every 25 ms, each attempt
// logging "queue commit failed", and given up at shutdown, so the next start delivered them again.
const TMPFS_BYTES = 40 * 1024 * 1024;
const CONCURRENCY = 4;

/** Publishes until one is accepted (null while refused); `last` gets the last refusal. */
async function accepted(client: ReturnType<typeof createVigilClient>, last: { refusal: string }) {
  try {
    return await publish(client, 1);
  } catch (e) {
    last.refusal = (e as Refusal).details ?? String(e);
    return null;
  }
}

test("a full disk ends once the queue drains: pages go back to the file system, publishing resumes without a restart, failures log once, a restart redelivers nothing delivered", async () => {
  const { dir, disk, hook, port, config } = await diskFullRig(
    "vigil-disk-full-recovers-",
    TMPFS_BYTES,
    CONCURRENCY,
  );
  let first: VigilProcess | null = spawnVigil(["run", "--config", config], {}, disk.wrap());
  let second: VigilProcess | null = null;
  try {
    const { grpc } = await waitStarted(first);
    const client = createVigilClient(`127.0.0.1:${grpc}`);
    const { accepted: queued, refusal } = await fillUntilRefused(client);
    assert.equal(refusal.code, GrpcStatus.RESOURCE_EXHAUSTED, refusal.message);
    assert.match(refusal.details ?? "", /VIGIL_ERR_ROUTER_DISK_FULL/);

    // The destination comes back and drains the queue.
    await hook.start(port);
    await eventually(
      () => [...queued].every((id) => idsOf(hook.received).has(id)),
      60_000,
      "every accepted message delivered",
    );
    const drainedAt = Date.now();
    const last = { refusal: "" };
    const resumed = await eventually(
      () => accepted(client, last),
      10_000,
      "a publish accepted within 10 s of the queue draining, without a restart",
    ).catch((e: unknown) => {
      throw new Error(
        `${(e as Error).message} (${last.refusal}); vigil logged: ${said(first as VigilProcess)}`,
      );
    });
    await eventually(() => idsOf(hook.received).has(resumed.message_id), 10_000, "the new message delivered");
    // The drained queue's pages went back to the file system (the WAL truncated, the file vacuumed).
    await eventually(
      () => queueFileBytes(disk) < 1024 * 1024,
      Math.max(1000, 10_000 - (Date.now() - drainedAt)),
      "queue.db and its WAL given back to the file system within 10 s of the drain",
    ).catch((e: unknown) => {
      throw new Error(
        `${(e as Error).message}: ${queueFileBytes(disk)} bytes left; vigil logged: ${said(first as VigilProcess)}`,
      );
    });
    console.log(
      `disk full: ${queued.size} accepted, publishing resumed ${Date.now() - drainedAt} ms after the drain`,
    );

    // No traffic now: a failing state is logged when it starts, not once per retry.
    await new Promise((r) => setTimeout(r, 2000));
    const failures = commitFailures(first);
    assert.ok(failures <= 2, `"queue commit failed" logged ${failures} times; vigil logged: ${said(first)}`);

    const deliveredBefore = idsOf(hook.received);
    const requestsBefore = hook.received.length;
    client.close();
    first.child.kill("SIGTERM");
    assert.equal(await first.exited, 0, first.stderr.join(""));
    first = null;

    // A restart on the same disk: room for the reserve, and what was delivered stays delivered.
    second = spawnVigil(["run", "--config", config], {}, disk.wrap());
    const restarted = await waitStarted(second);
    const client2 = createVigilClient(`127.0.0.1:${restarted.grpc}`);
    const marker = await eventually(
      () => accepted(client2, last),
      10_000,
      "a publish accepted after the restart",
    );
    await eventually(
      () => idsOf(hook.received).has(marker.message_id),
      15_000,
      "the marker delivered after the restart",
    );
    const again = hook.received
      .slice(requestsBefore)
      .filter((q) => deliveredBefore.has(String(q.headers["vigil-message-id"]))).length;
    assert.ok(
      again <= CONCURRENCY,
      `${again} of ${deliveredBefore.size} delivered messages delivered again after the restart (at most the ${CONCURRENCY} in flight may be)`,
    );
    assert.ok(
      !second.records().some((r) => String(r.msg).startsWith("not enough free disk")),
      `the restart found room for the disk reserve; vigil logged: ${said(second)}`,
    );
    assert.equal(
      commitFailures(second),
      0,
      `no commit failed after the restart; vigil logged: ${said(second)}`,
    );
    client2.close();
    second.child.kill("SIGTERM");
    assert.equal(await second.exited, 0, second.stderr.join(""));
    second = null;
  } finally {
    first?.child.kill("SIGKILL");
    second?.child.kill("SIGKILL");
    await hook.stop();
    disk.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
