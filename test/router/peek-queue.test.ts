import assert from "node:assert/strict";
import { test } from "node:test";
import { status } from "@grpc/grpc-js";
import type { Delivery__Output } from "../../src/generated/vigil/v1/Delivery.js";
import type { PeekQueueResponse__Output } from "../../src/generated/vigil/v1/PeekQueueResponse.js";
import { ManualClock } from "../../src/util/clock.js";
import { runVigil } from "../helpers/process.js";
import { call, eventually, startSidecar, type TestSidecar } from "../helpers/sidecar.js";

const SUBSCRIBER = `
router:
  destinations:
    - { name: consumers, kind: subscriber, ack_timeout: "2s" }
  routes:
    - { match: { topic: "orders.>" }, to: [consumers] }
`;

function peek(s: TestSidecar, req: object): Promise<PeekQueueResponse__Output> {
  return call(s.client.admin.PeekQueue.bind(s.client.admin), req) as Promise<PeekQueueResponse__Output>;
}

test("PeekQueue lists a paused destination's queue in delivery order without taking anything", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    await call(s.client.admin.PauseDestination.bind(s.client.admin), { name: "consumers" });
    const publish = (topic: string, priority: string, payload: string) =>
      call(s.client.router.Publish.bind(s.client.router), { topic, priority, payload: Buffer.from(payload) });
    await publish("orders.low", "PRIORITY_LOW", "l");
    await publish("orders.n1", "PRIORITY_NORMAL", "n1");
    await publish("orders.high", "PRIORITY_HIGH", "hhhh");
    await publish("orders.n2", "PRIORITY_UNSPECIFIED", "n2");

    const all = await peek(s, { destination: "consumers" });
    assert.equal(Number(all.depth), 4);
    assert.deepEqual(
      all.messages.map((m) => [m.topic, m.priority]),
      [
        ["orders.high", "PRIORITY_HIGH"],
        ["orders.n1", "PRIORITY_NORMAL"],
        ["orders.n2", "PRIORITY_NORMAL"],
        ["orders.low", "PRIORITY_LOW"],
      ],
    );
    const high = all.messages[0];
    assert.ok(high);
    assert.match(high.message_id ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(high.attempts ?? 0, 0);
    assert.ok(Number(high.size_bytes) >= 4, "size counts the payload");
    assert.ok(high.published_at, "published_at");
    assert.ok(high.age, "age");
    assert.equal(high.next_attempt ?? null, null, "due at once");
    assert.equal(high.in_delivery ?? false, false);

    const normal = await peek(s, { destination: "consumers", priority: "PRIORITY_NORMAL", limit: 1 });
    assert.deepEqual(
      normal.messages.map((m) => m.topic),
      ["orders.n1"],
    );

    // Nothing was taken: all four are still queued and delivered once resumed.
    const again = await peek(s, { destination: "consumers" });
    assert.equal(again.messages.length, 4);
    const received: Delivery__Output[] = [];
    const stream = s.client.router.Subscribe({ destination: "consumers", max_in_flight: 10 });
    stream.on("data", (d: Delivery__Output) => received.push(d));
    stream.on("error", () => undefined);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(received.length, 0, "paused: nothing delivered");
    await call(s.client.admin.ResumeDestination.bind(s.client.admin), { name: "consumers" });
    await eventually(() => received.length === 4, 5000, "four deliveries after resume");
    // In delivery (sent, not acked) they are still queued, and listed as such.
    const inFlight = await peek(s, { destination: "consumers" });
    assert.equal(inFlight.messages.length, 4);
    assert.ok(inFlight.messages.every((m) => m.in_delivery));
    stream.cancel();
  } finally {
    await s.close();
  }
});

test("PeekQueue shows a retry's next attempt and attempt count", async () => {
  const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
  const s = await startSidecar(SUBSCRIBER, { clock });
  try {
    const received: Delivery__Output[] = [];
    const stream = s.client.router.Subscribe({ destination: "consumers", max_in_flight: 10 });
    stream.on("data", (d: Delivery__Output) => received.push(d));
    stream.on("error", () => undefined);
    await eventually(
      async () => (await s.sidecar.status()).destinations[0]?.subscribers === 1,
      5000,
      "attached",
    );
    await call(s.client.router.Publish.bind(s.client.router), {
      topic: "orders.x",
      payload: Buffer.from("x"),
    });
    await eventually(() => received.length === 1, 5000, "delivery");
    await call(s.client.router.Ack.bind(s.client.router), {
      destination: "consumers",
      nack_ids: [received[0]?.message_id ?? ""],
    });
    const r = await eventually(
      async () => {
        const p = await peek(s, { destination: "consumers" });
        return p.messages[0]?.next_attempt ? p : null;
      },
      5000,
      "a next attempt",
    );
    const m = r.messages[0];
    assert.equal(m?.attempts, 1);
    assert.ok(Number(m?.next_attempt?.seconds) * 1000 >= clock.now() - 1000);
    stream.cancel();
  } finally {
    await s.close();
  }
});

test("PeekQueue: an unknown destination is NOT_FOUND, a limit over 1,000 INVALID_ARGUMENT", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    await assert.rejects(
      peek(s, { destination: "nope" }),
      (e: { code: number }) => e.code === status.NOT_FOUND,
    );
    await assert.rejects(
      peek(s, { destination: "" }),
      (e: { code: number }) => e.code === status.INVALID_ARGUMENT,
    );
    await assert.rejects(
      peek(s, { destination: "consumers", limit: 1001 }),
      (e: { code: number }) => e.code === status.INVALID_ARGUMENT,
    );
  } finally {
    await s.close();
  }
});

test("vigil queue peek lists a paused destination's messages; a bad priority is a usage error", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    await call(s.client.admin.PauseDestination.bind(s.client.admin), { name: "consumers" });
    await call(s.client.router.Publish.bind(s.client.router), {
      topic: "orders.created",
      priority: "PRIORITY_HIGH",
      payload: Buffer.from("hello"),
    });
    const r = await runVigil(["queue", "peek", "consumers", "--address", s.grpcAddress]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^MESSAGE ID\s+PRIORITY\s+TOPIC\s+AGE\s+ATTEMPTS\s+BYTES\s+NEXT ATTEMPT$/m);
    assert.match(r.stdout, /^[0-9a-f-]{36}\s+high\s+orders\.created\s+\d+s\s+0\s+\d+\s+now$/m);
    assert.match(r.stdout, /^consumers: 1 queued$/m);
    const json = await runVigil([
      "queue",
      "peek",
      "consumers",
      "normal",
      "--json",
      "--address",
      s.grpcAddress,
    ]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout).messages, []);
    const bad = await runVigil(["queue", "peek", "consumers", "urgent", "--address", s.grpcAddress]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /priority must be one of low, normal, high, critical/);
    const unknown = await runVigil(["queue", "peek", "nope", "--address", s.grpcAddress]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /VIGIL_ERR_ROUTER_UNKNOWN_DESTINATION/);
  } finally {
    await s.close();
  }
});
