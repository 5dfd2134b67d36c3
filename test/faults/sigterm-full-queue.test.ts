import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { call, createVigilClient } from "../../src/client/client.js";
import { DestinationServer } from "../helpers/destination-server.js";
import { spawnVigil, waitStarted, writeTestConfig } from "../helpers/process.js";
import { eventually } from "../helpers/sidecar.js";

const MESSAGES = Number(process.env.FAULTS_MESSAGES ?? 2000);

test(`SIGTERM with ${MESSAGES} messages queued for a destination that is down: a clean exit in the grace period, all delivered after the restart`, async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-sigterm-"));
  const hook = await new DestinationServer().start();
  const port = hook.port;
  await hook.stop(); // down: everything stays queued
  const config = await writeTestConfig(
    dir,
    `shutdown: { timeout: 5s }
router:
  destinations:
    - { name: crm, kind: http, url: "http://127.0.0.1:${port}/hook", retry: { initial: 100ms, max: 1s } }
  routes: [{ match: { topic: ">" }, to: [crm] }]
`,
  );
  const first = spawnVigil(["run", "--config", config]);
  let second: ReturnType<typeof spawnVigil> | null = null;
  const accepted = new Set<string>();
  try {
    const { grpc } = await waitStarted(first);
    const client = createVigilClient(`127.0.0.1:${grpc}`);
    const batch = 100;
    for (let i = 0; i < MESSAGES; i += batch) {
      const rs = await Promise.all(
        Array.from({ length: batch }, (_, j) =>
          call(client.router.Publish.bind(client.router), { topic: "t", payload: Buffer.from(`m${i + j}`) }),
        ),
      );
      for (const r of rs) accepted.add((r as { message_id: string }).message_id);
    }
    client.close();
    const t0 = Date.now();
    first.child.kill("SIGTERM");
    const code = await first.exited;
    const tookMs = Date.now() - t0;
    assert.equal(code, 0, first.stderr.join(""));
    assert.ok(tookMs < 5000 + 1000, `exited in ${tookMs} ms, within shutdown.timeout`);

    await hook.start(port);
    second = spawnVigil(["run", "--config", config]);
    await waitStarted(second);
    await eventually(
      () => new Set(hook.received.map((q) => String(q.headers["vigil-message-id"]))).size >= accepted.size,
      60_000,
      "every queued message delivered after the restart",
    );
    const ids = new Set(hook.received.map((q) => String(q.headers["vigil-message-id"])));
    assert.ok([...accepted].every((id) => ids.has(id)));
    console.log(
      `SIGTERM with a full queue: ${accepted.size} accepted, exit 0 in ${tookMs} ms, ${ids.size} delivered after restart`,
    );
  } finally {
    first.child.kill("SIGKILL");
    if (second) {
      second.child.kill("SIGTERM");
      await second.exited;
    }
    await hook.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
