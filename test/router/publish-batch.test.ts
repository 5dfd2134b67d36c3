import assert from "node:assert/strict";
import { test } from "node:test";
import { status } from "@grpc/grpc-js";
import type { Delivery__Output } from "../../src/generated/vigil/v1/Delivery.js";
import type { PublishBatchRequest } from "../../src/generated/vigil/v1/PublishBatchRequest.js";
import type { PublishBatchResponse__Output } from "../../src/generated/vigil/v1/PublishBatchResponse.js";
import { call, eventually, startSidecar, type TestSidecar } from "../helpers/sidecar.js";

const SUBSCRIBER = `
router:
  destinations:
    - { name: consumers, kind: subscriber, ack_timeout: "2s" }
  routes:
    - { match: { topic: "orders.>" }, to: [consumers] }
`;

interface Result {
  message_id: string;
  duplicate: boolean;
  routed: number;
  code: string;
  message: string;
  retryable: boolean;
}

/** PublishBatch, with proto3's unset fields as their defaults. */
async function publishBatch(s: TestSidecar, req: PublishBatchRequest): Promise<{ results: Result[] }> {
  const r = (await call(
    s.client.router.PublishBatch.bind(s.client.router),
    req,
  )) as PublishBatchResponse__Output;
  return {
    results: (r.results ?? []).map((x) => ({
      message_id: x.message_id ?? "",
      duplicate: x.duplicate ?? false,
      routed: x.routed ?? 0,
      code: x.code ?? "",
      message: x.message ?? "",
      retryable: x.retryable ?? false,
    })),
  };
}

function consume(s: TestSidecar, received: Delivery__Output[]) {
  const stream = s.client.router.Subscribe({ destination: "consumers", max_in_flight: 64 });
  stream.on("data", (d: Delivery__Output) => {
    received.push(d);
    call(s.client.router.Ack.bind(s.client.router), {
      destination: "consumers",
      message_ids: [d.message_id],
    }).catch(() => undefined);
  });
  stream.on("error", () => undefined);
  return stream;
}

test("PublishBatch: a bad message among good ones is refused alone, in order; the good ones are delivered", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    const r = await publishBatch(s, {
      messages: [
        { topic: "orders.a", payload: Buffer.from("1"), idempotency_key: "k1" },
        { topic: "", payload: Buffer.from("no topic") },
        { topic: "orders.b", payload: Buffer.from("2") },
        { topic: "orders.c", payload: Buffer.from("3"), attributes: { "bad key": "x" } },
        { topic: "orders.a", payload: Buffer.from("1 again"), idempotency_key: "k1" },
        { topic: "nowhere", payload: Buffer.from("unrouted") },
      ],
    });
    const res = r.results;
    assert.equal(res.length, 6);
    const [a, noTopic, b, badAttr, dup, unrouted] = res as [Result, Result, Result, Result, Result, Result];
    assert.equal(a.code, "");
    assert.equal(a.routed, 1);
    assert.match(a.message_id, /^[0-9a-f-]{36}$/);
    assert.equal(noTopic.code, "VIGIL_ERR_REQUEST_INVALID_FIELD");
    assert.match(noTopic.message, /^topic: required/);
    assert.equal(noTopic.message_id, "");
    assert.equal(noTopic.retryable, false);
    assert.equal(b.code, "");
    assert.equal(b.routed, 1);
    assert.equal(badAttr.code, "VIGIL_ERR_REQUEST_INVALID_FIELD");
    assert.match(badAttr.message, /^attributes: /);
    // The same key twice in one batch: one message, the second answered as its duplicate.
    assert.equal(dup.code, "");
    assert.equal(dup.duplicate, true);
    assert.equal(dup.message_id, a.message_id);
    assert.equal(unrouted.code, "");
    assert.equal(unrouted.routed, 0);

    const received: Delivery__Output[] = [];
    const stream = consume(s, received);
    await eventually(() => received.length === 2, 5000, "two deliveries");
    assert.deepEqual(received.map((d) => d.message_id).sort(), [a.message_id, b.message_id].sort());
    stream.cancel();
  } finally {
    await s.close();
  }
});

test("PublishBatch commits the accepted messages of one batch in one transaction, answered after it", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    // A publish first, so the store is open and its writer started.
    await publishBatch(s, { messages: [{ topic: "orders.warm", payload: Buffer.from("w") }] });
    const hold = s.sidecar.router.holdCommitsForTest();
    let answered = false;
    const pending = publishBatch(s, {
      messages: Array.from({ length: 50 }, (_, i) => ({
        topic: i === 7 ? "bad topic" : `orders.${i}`,
        payload: Buffer.alloc(100, i),
      })),
    }).then((r) => {
      answered = true;
      return r;
    });
    await eventually(() => hold.heldInserts().length > 0, 5000, "the batch's commit");
    // Give a split batch every chance to show a second commit before looking.
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(hold.heldInserts(), [49], "49 accepted messages in one commit");
    assert.equal(answered, false, "no answer before the commit");
    hold.release();
    const r = await pending;
    assert.equal(r.results.filter((x) => x.code === "").length, 49);
    assert.equal(r.results[7]?.code, "VIGIL_ERR_REQUEST_INVALID_FIELD");
  } finally {
    await s.close();
  }
});

test("PublishBatch refuses a whole call over 1,000 messages with INVALID_ARGUMENT; an empty batch answers nothing", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    await assert.rejects(
      publishBatch(s, {
        messages: Array.from({ length: 1001 }, () => ({ topic: "orders.x", payload: Buffer.from("x") })),
      }),
      (e: { code: number; details: string }) =>
        e.code === status.INVALID_ARGUMENT && /messages: at most 1000/.test(e.details),
    );
    const st = await s.sidecar.status();
    assert.equal(st.destinations[0]?.queueDepth, 0, "nothing of the refused call was queued");
    const empty = await publishBatch(s, { messages: [] });
    assert.deepEqual(empty.results, []);
  } finally {
    await s.close();
  }
});
