import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PublishError, VigilClient } from "vigil/client";
import { call, eventually, startSidecar, type TestSidecar } from "../helpers/sidecar.js";

const SUBSCRIBER = `router:
  destinations: [{ name: consumers, kind: subscriber, ack_timeout: 5s }]
  routes: [{ match: { topic: ">" }, to: [consumers] }]
`;

async function depth(s: TestSidecar): Promise<number> {
  return (await s.sidecar.status()).destinations[0]?.queueDepth ?? -1;
}

describe("VigilClient adaptive batching", () => {
  test("an idle client's lone publish goes at once, as a call of one message", async () => {
    const s = await startSidecar(SUBSCRIBER);
    const vigil = new VigilClient({ address: s.grpcAddress });
    try {
      await vigil.ready();
      const first = vigil.publish("orders.one", "1");
      // Started within publish() itself: nothing lingers waiting for company.
      assert.equal(vigil.stats.publishCalls, 1);
      assert.equal(vigil.stats.publishedMessages, 1);
      const r = await first;
      assert.equal(r.routed, 1);
      await vigil.publish("orders.two", "2");
      assert.equal(vigil.stats.publishCalls, 2, "one call per lone publish");
      assert.equal(vigil.stats.publishedMessages, 2);
      assert.equal(await depth(s), 2);
    } finally {
      await vigil.close();
      await s.close();
    }
  });

  test("a busy client's publishes coalesce into few calls; a bad one is refused alone", async () => {
    const s = await startSidecar(SUBSCRIBER);
    const vigil = new VigilClient({ address: s.grpcAddress, maxPublishBatch: 100 });
    try {
      await vigil.ready();
      const results = await Promise.allSettled(
        Array.from({ length: 300 }, (_, i) =>
          vigil.publish(i === 150 ? "bad topic" : `orders.${i}`, `m${i}`),
        ),
      );
      const calls = vigil.stats.publishCalls;
      // The first goes alone; the 299 that waited meanwhile go in batches of at most 100.
      assert.ok(calls >= 4 && calls <= 6, `${calls} calls for 300 publishes`);
      assert.equal(vigil.stats.publishedMessages, 300);
      const refused = results.filter((r) => r.status === "rejected");
      assert.equal(refused.length, 1);
      const err = (refused[0] as PromiseRejectedResult).reason;
      assert.ok(err instanceof PublishError);
      assert.equal(err.vigilCode, "VIGIL_ERR_REQUEST_INVALID_FIELD");
      assert.match(err.message, /topic/);
      assert.equal(err.code, 3, "INVALID_ARGUMENT, as a single Publish would answer");
      const ids = new Set(results.flatMap((r) => (r.status === "fulfilled" ? [r.value.messageId] : [])));
      assert.equal(ids.size, 299);
      assert.equal(await depth(s), 299);
    } finally {
      await vigil.close();
      await s.close();
    }
  });

  test("a publish refused for a full queue is retried with its idempotency key until there is room", async () => {
    const s = await startSidecar(`router:
  destinations: [{ name: consumers, kind: subscriber, ack_timeout: 5s, buffer: { max_messages: 2 } }]
  routes: [{ match: { topic: ">" }, to: [consumers] }]
`);
    const vigil = new VigilClient({ address: s.grpcAddress, retry: { initialMs: 20, maxMs: 100 } });
    try {
      await vigil.ready();
      await Promise.all([vigil.publish("a", "1"), vigil.publish("a", "2")]);
      const third = vigil.publish("a", "3");
      await eventually(() => vigil.stats.retries > 0, 5000, "a retry");
      // Room: a consumer takes and acks what is queued.
      const stop = vigil.subscribe("consumers", () => undefined);
      const r = await third;
      assert.equal(r.routed, 1);
      stop();
    } finally {
      await vigil.close();
      await s.close();
    }
  });

  test("subscribeBatches consumes through SubscribeBatches and acks every delivery", async () => {
    const s = await startSidecar(SUBSCRIBER);
    const vigil = new VigilClient({ address: s.grpcAddress });
    try {
      await vigil.ready();
      await Promise.all(Array.from({ length: 200 }, (_, i) => vigil.publish("orders.x", `m${i}`)));
      const seen = new Set<string>();
      let nacked = false;
      const stop = vigil.subscribe(
        "consumers",
        (d) => {
          if (!nacked) {
            nacked = true;
            throw new Error("not now"); // nacked: delivered again
          }
          seen.add(d.payload?.toString() ?? "");
        },
        { subscribeBatches: true, maxInFlight: 50, maxBatch: 20 },
      );
      await eventually(() => seen.size === 200, 10_000, "200 deliveries");
      await eventually(async () => (await depth(s)) === 0, 10_000, "every delivery acked");
      const st = await call(s.client.admin.GetStatus.bind(s.client.admin), {});
      assert.ok(st);
      stop();
    } finally {
      await vigil.close();
      await s.close();
    }
  });
});
