import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { status as GrpcStatus } from "@grpc/grpc-js";
import { call, createVigilClient } from "../../src/client/client.js";
import { DestinationServer } from "../helpers/destination-server.js";
import { spawnVigil, waitStarted, writeTestConfig } from "../helpers/process.js";
import { eventually } from "../helpers/sidecar.js";

// A real ENOSPC: the data dir is an 8 MiB tmpfs mounted in a mount namespace of Vigil's own
// (`unshare -rm`: as root here; elsewhere an unprivileged user namespace does it), so nothing
// outside the test sees the mount and it goes away with the process.
const TMPFS_BYTES = 8 * 1024 * 1024;

test("disk full in the data dir: publishes are refused with a clear error, accepted messages are kept and delivered, publishing resumes once space is free", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-disk-full-"));
  const data = join(dir, "data");
  await mkdir(data);
  const hook = await new DestinationServer().start();
  const port = hook.port;
  await hook.stop(); // down: the queue fills the disk
  const config = await writeTestConfig(
    dir,
    `router:
  disk_reserve: 1MiB
  destinations:
    - { name: crm, kind: http, url: "http://127.0.0.1:${port}/hook", retry: { initial: 100ms, max: 500ms } }
  routes: [{ match: { topic: ">" }, to: [crm] }]
`,
    data,
  );
  const wrap = [
    "unshare",
    "-rm",
    "sh",
    "-c",
    `mount -t tmpfs -o size=${TMPFS_BYTES} tmpfs "$0" && exec "$@"`,
    data,
  ];
  const p = spawnVigil(["run", "--config", config], {}, wrap);
  const accepted = new Set<string>();
  try {
    const { grpc } = await waitStarted(p);
    const client = createVigilClient(`127.0.0.1:${grpc}`);
    const publish = (i: number) =>
      call<unknown, { message_id: string }>(client.router.Publish.bind(client.router), {
        topic: "orders",
        payload: Buffer.alloc(8192, i % 256),
      });
    let refused: (Error & { code?: number; details?: string }) | null = null;
    for (let i = 0; i < 2000 && !refused; i++) {
      try {
        accepted.add((await publish(i)).message_id);
      } catch (e) {
        refused = e as Error & { code?: number; details?: string };
      }
    }
    assert.ok(refused, `the disk filled after ${accepted.size} messages`);
    assert.ok(accepted.size > 50, `some messages fitted first (${accepted.size})`);
    assert.equal(refused.code, GrpcStatus.RESOURCE_EXHAUSTED, refused.message);
    assert.match(refused.details ?? "", /VIGIL_ERR_ROUTER_DISK_FULL: the data dir.s disk is full/);
    // Still serving: more publishes get the same answer, status answers.
    await assert.rejects(publish(0), (e: { code?: number }) => e.code === GrpcStatus.RESOURCE_EXHAUSTED);
    const status = await call<unknown, { destinations: Array<{ queue_depth: string | number }> }>(
      client.admin.GetStatus.bind(client.admin),
      {},
    );
    assert.equal(
      Number(status.destinations[0]?.queue_depth),
      accepted.size,
      "every accepted message still queued",
    );
    assert.ok(
      p.records().some((r) => r.msg === "queue commit failed; publishes answered RESOURCE_EXHAUSTED"),
      "the refusal is logged",
    );
    assert.ok(p.records().some((r) => r.msg?.toString().startsWith("disk full: publishes refused")));

    // The destination comes back: everything accepted is delivered, and the freed pages take new messages.
    await hook.start(port);
    await eventually(
      () => new Set(hook.received.map((q) => String(q.headers["vigil-message-id"]))).size >= accepted.size,
      30_000,
      "every accepted message delivered",
    );
    const ids = new Set(hook.received.map((q) => String(q.headers["vigil-message-id"])));
    assert.ok(
      [...accepted].every((id) => ids.has(id)),
      "no accepted message lost",
    );
    const after = await eventually(
      async () => {
        try {
          return await publish(1);
        } catch {
          return null;
        }
      },
      20_000,
      "a publish accepted again",
    ).catch((e: unknown) => {
      // What Vigil said meanwhile, each message once, to show why space did not come back.
      const said = new Set(p.records().map((r) => `${r.level} ${r.msg}`));
      throw new Error(`${(e as Error).message}; vigil logged: ${[...said].join(" | ")}`);
    });
    await eventually(
      () => hook.received.some((q) => q.headers["vigil-message-id"] === after.message_id),
      10_000,
      "and delivered",
    );
    client.close();
    p.child.kill("SIGTERM");
    assert.equal(await p.exited, 0, p.stderr.join(""));
    console.log(
      `disk full: ${accepted.size} accepted before ENOSPC, ${ids.size} delivered, publishing resumed`,
    );
  } finally {
    p.child.kill("SIGKILL");
    await hook.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
