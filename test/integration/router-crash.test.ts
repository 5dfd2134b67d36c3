import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { call, createVigilClient, type VigilStubs } from "../../src/client/client.js";
import type { Delivery__Output } from "../../src/generated/vigil/v1/Delivery.js";
import type { PublishBatchResponse__Output } from "../../src/generated/vigil/v1/PublishBatchResponse.js";
import type { PublishResponse__Output } from "../../src/generated/vigil/v1/PublishResponse.js";
import { spawnVigil, waitStarted, writeTestConfig } from "../helpers/process.js";

/** A consumer that acks each delivery `ackDelayMs` after receiving it (a slow one keeps deliveries in flight). */
function consume(client: VigilStubs, received: Map<string, number>, ackDelayMs = 0) {
  const stream = client.router.Subscribe({ destination: "consumers", max_in_flight: 64 });
  stream.on("data", (d: Delivery__Output) => {
    const id = d.message_id ?? "";
    received.set(id, (received.get(id) ?? 0) + 1);
    const ack = () =>
      void call(client.router.Ack.bind(client.router), { destination: "consumers", message_ids: [id] }).catch(
        () => undefined,
      );
    if (ackDelayMs > 0) setTimeout(ack, ackDelayMs);
    else ack();
  });
  stream.on("error", () => undefined);
  return stream;
}

/**
 * Publishes `key`'s messages: one Publish per key, or one PublishBatch for them all. Resolves with
 * the message id of every acknowledged key; rejects when the process is gone.
 */
type Publisher = (client: VigilStubs, keys: string[], w: number) => Promise<Array<[string, string]>>;

const unaryPublisher: Publisher = async (client, keys, w) => {
  const r = (await call(client.router.Publish.bind(client.router), {
    topic: "orders.created",
    payload: Buffer.alloc(256, w),
    idempotency_key: keys[0],
  })) as PublishResponse__Output;
  return [[keys[0] as string, r.message_id ?? ""]];
};

const batchPublisher: Publisher = async (client, keys, w) => {
  const r = (await call(client.router.PublishBatch.bind(client.router), {
    messages: keys.map((k) => ({
      topic: "orders.created",
      payload: Buffer.alloc(256, w),
      idempotency_key: k,
    })),
  })) as PublishBatchResponse__Output;
  const results = r.results ?? [];
  assert.equal(results.length, keys.length);
  return keys.map((k, i) => {
    const x = results[i];
    assert.ok(x && !x.code, `message ${k} accepted (${x?.code}: ${x?.message})`);
    return [k, x.message_id ?? ""] as [string, string];
  });
};

test("SIGKILL while publishing and delivering loses no acknowledged message; idempotency keys survive", async (t) => {
  await crashTest(t, unaryPublisher, 1);
});

test("SIGKILL while publishing in batches loses no message of an acknowledged batch", async (t) => {
  await crashTest(t, batchPublisher, 25);
});

async function crashTest(t: { diagnostic(msg: string): void }, publish: Publisher, perCall: number) {
  const dir = await mkdtemp(join(tmpdir(), "vigil-crash-"));
  const config = await writeTestConfig(
    dir,
    `router:
  destinations:
    - { name: consumers, kind: subscriber, ack_timeout: "2s" }
  routes:
    - { match: { topic: "orders.>" }, to: [consumers] }
`,
  );
  const first = spawnVigil(["run", "--config", config]);
  let second: ReturnType<typeof spawnVigil> | null = null;
  try {
    const { grpc } = await waitStarted(first);
    const client = createVigilClient(`127.0.0.1:${grpc}`);
    const acked = new Map<string, string>(); // idempotency key → message id
    const received = new Map<string, number>();
    // Slow acks: deliveries are in flight (sent, not acked) when the process is killed.
    const stream = consume(client, received, 50);
    let stop = false;
    let attempted = 0;
    const publisher = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const keys = Array.from({ length: perCall }, (_, j) => `w${w}-${i}-${j}`);
        attempted += keys.length;
        let answered: Array<[string, string]>;
        try {
          answered = await publish(client, keys, w);
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
          return; // the process is gone: this publish was never acknowledged
        }
        for (const [k, id] of answered) acked.set(k, id);
      }
    };
    let running = 16;
    const publishers = Array.from({ length: 16 }, (_, w) => publisher(w).finally(() => running--));
    while (acked.size < 3000 * perCall ** 0.5) {
      // Every publisher gave up before the kill: the calls themselves fail.
      if (running === 0)
        await Promise.all(publishers).then(() => assert.fail("publishes fail before the kill"));
      await new Promise((r) => setTimeout(r, 10));
    }
    first.child.kill("SIGKILL");
    await first.exited;
    stop = true;
    await Promise.all(publishers);
    stream.cancel();
    client.close();
    const ackedBeforeKill = acked.size;
    const deliveredBeforeKill = received.size;

    second = spawnVigil(["run", "--config", config]);
    const restarted = await waitStarted(second);
    const client2 = createVigilClient(`127.0.0.1:${restarted.grpc}`);
    const stream2 = consume(client2, received);
    const wanted = [...acked.values()];
    const until = Date.now() + 30_000;
    while (wanted.some((id) => !received.has(id)) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    const missing = wanted.filter((id) => !received.has(id));
    assert.deepEqual(missing, [], `${missing.length} acknowledged messages were lost`);
    const duplicates = [...received.values()].filter((n) => n > 1).length;
    t.diagnostic(
      `attempted ${attempted}, acknowledged ${ackedBeforeKill}, delivered before kill ${deliveredBeforeKill}, delivered in all ${received.size}, delivered twice ${duplicates}`,
    );
    const [key, id] = [...acked.entries()][0] as [string, string];
    const again = (await call(client2.router.Publish.bind(client2.router), {
      topic: "orders.created",
      payload: Buffer.from("retry"),
      idempotency_key: key,
    })) as PublishResponse__Output;
    assert.equal(again.duplicate, true);
    assert.equal(again.message_id, id);
    stream2.cancel();
    client2.close();
  } finally {
    first.child.kill("SIGKILL");
    second?.child.kill("SIGTERM");
    await second?.exited;
    await rm(dir, { recursive: true, force: true });
  }
}
