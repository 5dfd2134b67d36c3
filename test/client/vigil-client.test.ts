import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { VigilClient } from "vigil/client";
import type { ListComponentsResponse__Output } from "../../src/generated/vigil/v1/ListComponentsResponse.js";
import { spawnVigil, waitStarted, writeTestConfig } from "../helpers/process.js";
import { freePort } from "../helpers/prometheus.js";
import { call, eventually, startSidecar } from "../helpers/sidecar.js";

const SUBSCRIBER = `router:
  destinations: [{ name: consumers, kind: subscriber, ack_timeout: 2s }]
  routes: [{ match: { topic: ">" }, to: [consumers] }]
`;

describe("VigilClient (vigil/client)", () => {
  test("beats, buffered metrics, publishes and a subscription with ack and nack", async () => {
    const s = await startSidecar(SUBSCRIBER);
    const vigil = new VigilClient({ address: s.grpcAddress, clientName: "test-bot", flushIntervalMs: 100 });
    try {
      await vigil.ready();
      const beat = await vigil.beat("fetcher", { intervalMs: 10_000, message: "fetching" });
      assert.equal(beat?.state, "COMPONENT_STATE_UP");
      vigil.counter("bot.replies", 3, { channel: "web" });
      vigil.gauge("bot.queue.size", 7);
      vigil.histogram("bot.reply.duration", 0.25, {}, "s");
      await vigil.flush();
      const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
      assert.match(text, /bot_replies_total\{channel="web"[^}]*\} 3/);
      assert.match(text, /bot_queue_size\{[^}]*\} 7/);

      const seen: Array<{ id: string; attempt: number }> = [];
      const stop = vigil.subscribe("consumers", (d) => {
        seen.push({ id: d.message_id ?? "", attempt: d.attempt ?? 0 });
        if (seen.length === 1) throw new Error("not now"); // nack: delivered again
      });
      const r = await vigil.publish("orders.created", JSON.stringify({ id: 1 }), {
        contentType: "application/json",
        priority: "HIGH",
      });
      assert.equal(r.routed, 1);
      await eventually(() => seen.length >= 2, 10_000, "the nacked delivery comes again");
      assert.deepEqual(
        seen.slice(0, 2).map((x) => x.id),
        [r.messageId, r.messageId],
      );
      assert.ok((seen[1]?.attempt ?? 0) > (seen[0]?.attempt ?? 0), "a later attempt");
      stop();
    } finally {
      await vigil.close();
      await s.close();
    }
  });

  test("rides out a Vigil restart: publishes made while it is down resolve after, the subscription resumes, the last beat arrives", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vigil-client-restart-"));
    const port = await freePort();
    const config = await writeTestConfig(dir, SUBSCRIBER);
    const env = { VIGIL_GRPC_ADDRESS: `127.0.0.1:${port}` };
    let p = spawnVigil(["run", "--config", config], env);
    const vigil = new VigilClient({ address: `127.0.0.1:${port}`, retry: { initialMs: 50, maxMs: 500 } });
    const received = new Set<string>();
    try {
      await waitStarted(p);
      const stop = vigil.subscribe("consumers", (d) => {
        received.add(d.message_id ?? "");
      });
      const before = await Promise.all([1, 2, 3].map((i) => vigil.publish("t", `before ${i}`)));
      await eventually(() => before.every((r) => received.has(r.messageId)), 10_000, "delivered before");

      p.child.kill("SIGTERM");
      assert.equal(await p.exited, 0);
      // Vigil is away: these wait in the client.
      const during = [1, 2, 3, 4, 5].map((i) => vigil.publish("t", `during ${i}`));
      void vigil.beat("restarter", { intervalMs: 30_000, message: "beaten while Vigil was down" });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(vigil.stats.pendingPublishes, 5);

      p = spawnVigil(["run", "--config", config], env);
      await waitStarted(p);
      const after = await Promise.all(during);
      await eventually(
        () => after.every((r) => received.has(r.messageId)),
        15_000,
        "delivered after the restart",
      );
      await vigil.flush();
      const list = await call<unknown, ListComponentsResponse__Output>(
        vigil.stubs.heartbeat.ListComponents.bind(vigil.stubs.heartbeat),
        {},
      );
      assert.equal(
        list.components.find((c) => c.name === "restarter")?.message,
        "beaten while Vigil was down",
      );
      stop();
    } finally {
      await vigil.close();
      p.child.kill("SIGTERM");
      await p.exited;
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("bounded: with Vigil away, publishes beyond maxPendingPublishes are refused at once, the rest time out; points beyond the buffer are dropped and counted", async () => {
    const port = await freePort(); // nothing listens there
    const vigil = new VigilClient({
      address: `127.0.0.1:${port}`,
      maxPendingPublishes: 3,
      publishTimeoutMs: 1500,
      callTimeoutMs: 300,
      maxBufferedPoints: 10,
      flushIntervalMs: 60_000,
    });
    try {
      const waiting = [1, 2, 3].map((i) =>
        vigil.publish("t", `m${i}`).then(
          () => null,
          (e: { code?: number }) => e,
        ),
      );
      await assert.rejects(vigil.publish("t", "one too many"), /3 publishes are waiting for Vigil already/);
      for (const e of await Promise.all(waiting))
        assert.ok(e && e.code !== undefined, "a gRPC status after the timeout");
      assert.equal(vigil.stats.pendingPublishes, 0);
      for (let i = 0; i < 15; i++) vigil.counter("c", 1);
      assert.deepEqual(
        { buffered: vigil.stats.bufferedPoints, dropped: vigil.stats.droppedPoints },
        { buffered: 10, dropped: 5 },
      );
    } finally {
      await vigil.close(200);
    }
  });
});
