import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { status as GrpcStatus } from "@grpc/grpc-js";
import { call, createVigilClient } from "../../src/client/client.js";
import { DestinationServer } from "../helpers/destination-server.js";
import { spawnVigil, waitStarted, writeTestConfig } from "../helpers/process.js";
import { eventually, startSidecar, startSidecarFrom } from "../helpers/sidecar.js";

test("a corrupt queue.db: Vigil starts with a fresh queue, the bad file moved aside, and starts again cleanly (no crash loop)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-corrupt-"));
  const data = join(dir, "data");
  await mkdir(data);
  await writeFile(join(data, "queue.db"), Buffer.alloc(64 * 1024, 0x5a)); // not SQLite at all
  const config = await writeTestConfig(
    dir,
    `router:\n  destinations: [{ name: consumers, kind: subscriber }]\n  routes: [{ match: { topic: ">" }, to: [consumers] }]\n`,
  );
  try {
    for (const round of [1, 2]) {
      const p = spawnVigil(["run", "--config", config]);
      try {
        const { grpc } = await waitStarted(p);
        const client = createVigilClient(`127.0.0.1:${grpc}`);
        const r = await call<unknown, { routed: number }>(client.router.Publish.bind(client.router), {
          topic: "t",
          payload: Buffer.from(`round ${round}`),
        });
        assert.equal(r.routed, 1, "the fresh queue accepts");
        client.close();
        const moved = p
          .records()
          .filter((x) => x.msg === "queue.db is corrupt; moved it aside and started an empty queue");
        assert.equal(moved.length, round === 1 ? 1 : 0, `round ${round}: moved aside only the first time`);
        p.child.kill("SIGTERM");
        assert.equal(await p.exited, 0);
      } finally {
        p.child.kill("SIGKILL");
      }
    }
    const aside = (await readdir(data)).filter((f) => f.startsWith("queue.db.corrupt-"));
    assert.equal(aside.length, 1, "the bad file is kept for a post-mortem");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("queue.db deleted while Vigil runs: publishes refused with the reason, what was queued still delivered, a restart starts a fresh queue", async () => {
  const hook = await new DestinationServer().start();
  const s = await startSidecar(`router:
  destinations: [{ name: crm, kind: http, url: "${hook.url}" }]
  routes: [{ match: { topic: ">" }, to: [crm] }]
`);
  let restarted: Awaited<ReturnType<typeof startSidecarFrom>> | null = null;
  try {
    s.sidecar.setPaused("crm", true);
    const publish = (text: string) =>
      call<unknown, { message_id: string }>(s.client.router.Publish.bind(s.client.router), {
        topic: "t",
        payload: Buffer.from(text),
      });
    const queued = await Promise.all([1, 2, 3, 4, 5].map((i) => publish(`m${i}`)));
    const db = join(s.sidecar.dataDir, "queue.db");
    for (const f of [db, `${db}-wal`, `${db}-shm`]) await unlink(f).catch(() => undefined);
    const refused = await eventually(
      async () => {
        try {
          await publish("after");
          return null;
        } catch (e) {
          return e as Error & { code?: number; details?: string };
        }
      },
      5000,
      "a publish refused",
    );
    assert.equal(refused.code, GrpcStatus.UNAVAILABLE);
    assert.match(refused.details ?? "", /queue\.db was deleted or replaced while Vigil runs/);
    assert.ok(s.logs.some((r) => String(r.msg).startsWith("queue.db was deleted or replaced")));
    s.sidecar.setPaused("crm", false);
    // Every queued id, not a count: on a loaded machine a delivery can time out and go twice (at least once).
    await eventually(
      () => {
        const ids = new Set(hook.received.map((q) => String(q.headers["vigil-message-id"])));
        return queued.every((q) => ids.has(q.message_id));
      },
      5000,
      "the queued messages delivered from the open file",
    );
    await s.sidecar.stop();
    restarted = await startSidecarFrom(s.configPath);
    const c = createVigilClient(`127.0.0.1:${restarted.grpcPort}`);
    const r = await call<unknown, { routed: number }>(c.router.Publish.bind(c.router), {
      topic: "t",
      payload: Buffer.from("fresh"),
    });
    c.close();
    assert.equal(r.routed, 1, "the restarted Vigil accepts on a fresh queue");
  } finally {
    await restarted?.stop();
    await s.close();
    await hook.stop();
  }
});
