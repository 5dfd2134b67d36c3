import assert from "node:assert/strict";
import { test } from "node:test";
import { type ServiceError, status } from "@grpc/grpc-js";
import type { SubscribeBatchesResponse__Output } from "../../src/generated/vigil/v1/SubscribeBatchesResponse.js";
import { call, eventually, startSidecar, type TestSidecar } from "../helpers/sidecar.js";

const SUBSCRIBER = `
router:
  destinations:
    - { name: consumers, kind: subscriber, ack_timeout: "30s" }
  routes:
    - { match: { topic: "orders.>" }, to: [consumers] }
`;

function publishMany(s: TestSidecar, n: number, prefix = "m") {
  return call(s.client.router.PublishBatch.bind(s.client.router), {
    messages: Array.from({ length: n }, (_, i) => ({
      topic: "orders.created",
      payload: Buffer.from(`${prefix}${i}`),
    })),
  });
}

function ack(s: TestSidecar, ids: string[]) {
  return call(s.client.router.Ack.bind(s.client.router), { destination: "consumers", message_ids: ids });
}

/** A SubscribeBatches consumer that records each stream message's deliveries and acks nothing by itself. */
function subscribeBatches(s: TestSidecar, maxInFlight: number, maxBatch: number) {
  const batches: string[][] = [];
  const stream = s.client.router.SubscribeBatches({
    destination: "consumers",
    max_in_flight: maxInFlight,
    max_batch: maxBatch,
  });
  stream.on("data", (r: SubscribeBatchesResponse__Output) =>
    batches.push((r.deliveries ?? []).map((d) => d.payload?.toString() ?? "")),
  );
  stream.on("error", () => undefined);
  return { batches, stream, ids: new Map<string, string>() };
}

test("SubscribeBatches: max_in_flight below max_batch is the flow control; acks let the next batch through", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    const ids = new Map<string, string>(); // payload → message id
    const stream = s.client.router.SubscribeBatches({
      destination: "consumers",
      max_in_flight: 3,
      max_batch: 10,
    });
    const batches: string[][] = [];
    stream.on("data", (r: SubscribeBatchesResponse__Output) => {
      const b: string[] = [];
      for (const d of r.deliveries ?? []) {
        b.push(d.payload?.toString() ?? "");
        ids.set(d.payload?.toString() ?? "", d.message_id ?? "");
      }
      batches.push(b);
    });
    stream.on("error", () => undefined);
    await eventually(
      async () => (await s.sidecar.status()).destinations[0]?.subscribers === 1,
      5000,
      "attached",
    );
    await publishMany(s, 10);
    await eventually(() => batches.flat().length === 3, 5000, "the first three deliveries");
    // Three in flight, none acked: nothing more comes, however large max_batch is.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(batches.flat().length, 3);
    assert.deepEqual(batches[0], ["m0", "m1", "m2"], "one stream message carried the three ready deliveries");
    let acked = 0;
    for (let round = 0; batches.flat().length < 10 && round < 10; round++) {
      const seen = batches.flat();
      await ack(
        s,
        seen.slice(acked).map((p) => ids.get(p) ?? ""),
      );
      acked = seen.length;
      await eventually(() => batches.flat().length > acked, 5000, "the next batch after an ack");
    }
    assert.deepEqual(
      batches.flat(),
      Array.from({ length: 10 }, (_, i) => `m${i}`),
    );
    for (const b of batches) assert.ok(b.length <= 3, `a stream message of ${b.length} deliveries`);
    stream.cancel();
  } finally {
    await s.close();
  }
});

test("SubscribeBatches: a lone message goes at once in a batch of one; max_batch bounds a stream message", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    const c = subscribeBatches(s, 100, 4);
    await eventually(
      async () => (await s.sidecar.status()).destinations[0]?.subscribers === 1,
      5000,
      "attached",
    );
    await publishMany(s, 1, "lone");
    await eventually(() => c.batches.length === 1, 2000, "the lone delivery");
    assert.deepEqual(c.batches[0], ["lone0"]);
    await publishMany(s, 10);
    await eventually(() => c.batches.flat().length === 11, 5000, "ten more deliveries");
    for (const b of c.batches) assert.ok(b.length <= 4, `a stream message of ${b.length} deliveries`);
    assert.ok(c.batches.length <= 1 + 10, "batched");
    assert.ok(
      c.batches.some((b) => b.length > 1),
      "several deliveries in one stream message",
    );
    c.stream.cancel();
  } finally {
    await s.close();
  }
});

test("SubscribeBatches: deliveries not acked when the stream drops are delivered again", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    const first = subscribeBatches(s, 10, 10);
    await eventually(
      async () => (await s.sidecar.status()).destinations[0]?.subscribers === 1,
      5000,
      "attached",
    );
    await publishMany(s, 5);
    await eventually(() => first.batches.flat().length === 5, 5000, "five deliveries");
    first.stream.cancel();
    const second = subscribeBatches(s, 10, 10);
    await eventually(() => second.batches.flat().length === 5, 5000, "the five again");
    assert.deepEqual(second.batches.flat().sort(), ["m0", "m1", "m2", "m3", "m4"]);
    second.stream.cancel();
  } finally {
    await s.close();
  }
});

test("SubscribeBatches refuses max_batch over 1,000 and an unknown destination", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    const statusOf = (req: object) =>
      new Promise<number>((resolve) => {
        const st = s.client.router.SubscribeBatches(req);
        st.on("data", () => undefined);
        st.on("error", (e: { code: number }) => resolve(e.code));
        st.on("end", () => resolve(status.OK));
      });
    assert.equal(await statusOf({ destination: "consumers", max_batch: 1001 }), status.INVALID_ARGUMENT);
    assert.equal(await statusOf({ destination: "nope" }), status.NOT_FOUND);
  } finally {
    await s.close();
  }
});

test("SubscribeBatches streams count against server.limits.max_subscribers, as Subscribe streams do", async () => {
  const s = await startSidecar(SUBSCRIBER, { server: "  limits: { max_subscribers: 1 }\n" });
  try {
    const open = (batches: boolean) => {
      const sub = batches
        ? s.client.router.SubscribeBatches({ destination: "consumers" })
        : s.client.router.Subscribe({ destination: "consumers" });
      const outcome = new Promise<ServiceError | null>((resolve) => {
        sub.on("error", (e: ServiceError) => resolve(e));
        sub.on("data", () => undefined);
        setTimeout(() => resolve(null), 500).unref();
      });
      return { sub, outcome };
    };
    const first = open(true);
    assert.equal(await first.outcome, null, "the first subscriber stays");
    const second = open(false);
    const refused = await second.outcome;
    assert.equal(refused?.code, status.RESOURCE_EXHAUSTED);
    assert.match(refused?.details ?? "", /max_subscribers is 1/);
    first.sub.cancel();
  } finally {
    await s.close();
  }
});

test("SubscribeBatches closes a stream message at about 1 MiB, whatever max_batch says", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    const c = subscribeBatches(s, 100, 100);
    await eventually(
      async () => (await s.sidecar.status()).destinations[0]?.subscribers === 1,
      5000,
      "attached",
    );
    await call(s.client.router.PublishBatch.bind(s.client.router), {
      messages: Array.from({ length: 6 }, (_, i) => ({
        topic: "orders.big",
        payload: Buffer.alloc(400 * 1024, 48 + i),
      })),
    });
    await eventually(() => c.batches.flat().length === 6, 10_000, "six big deliveries");
    for (const b of c.batches)
      assert.ok(b.length <= 2, `a stream message of ${b.length} deliveries of 400 KiB`);
    c.stream.cancel();
  } finally {
    await s.close();
  }
});
