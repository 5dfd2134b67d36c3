import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, test } from "node:test";
import { Metadata } from "@grpc/grpc-js";
import { AckPolicy, DeliverPolicy } from "nats";
import type { PublishResponse__Output } from "../../src/generated/vigil/v1/PublishResponse.js";
import { NatsServer } from "../helpers/nats-server.js";
import { pythonStubs, runPython } from "../helpers/python.js";
import { call, eventually, startSidecar } from "../helpers/sidecar.js";

const nats = new NatsServer();

before(async () => {
  await nats.start();
});
after(async () => {
  await nats.stop();
});

test("nats: routed messages reach JetStream with trace headers; a Python consumer takes the same messages and acks", async () => {
  const nc = await nats.connect();
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: "BOTS", subjects: ["bots.>"] });
  const stubs = await pythonStubs();
  const s = await startSidecar(`
router:
  destinations:
    - { name: fleet, kind: nats, url: "${nats.url}", subject: "bots.{topic}", jetstream: true }
    - { name: consumers, kind: subscriber }
  routes:
    - { match: { topic: "orders.>" }, to: [fleet, consumers] }
`);
  try {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const md = new Metadata();
      md.set("traceparent", `00-${traceId}-b7ad6b7169203331-01`);
      const r = (await call(
        s.client.router.Publish.bind(s.client.router),
        { topic: `orders.eu.${i}`, payload: Buffer.from(`order ${i}`), attributes: { shop: "x" } },
        md,
      )) as PublishResponse__Output;
      assert.equal(r.routed, 2);
      ids.push(r.message_id ?? "");
    }
    // JetStream has them, with the message id as Nats-Msg-Id and the trace in the headers.
    const js = nc.jetstream();
    await jsm.consumers.add("BOTS", {
      durable_name: "test",
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
    const consumer = await js.consumers.get("BOTS", "test");
    const got: Array<{ subject: string; data: string; headers: Record<string, string> }> = [];
    await eventually(
      async () => {
        const batch = await consumer.fetch({ max_messages: 10, expires: 1000 });
        for await (const m of batch) {
          const headers: Record<string, string> = {};
          for (const [k] of m.headers ?? []) headers[k] = m.headers?.get(k) ?? "";
          got.push({ subject: m.subject, data: m.string(), headers });
          m.ack();
        }
        return got.length >= 5;
      },
      15_000,
      "JetStream messages",
    );
    assert.deepEqual(
      got.map((g) => g.subject),
      [0, 1, 2, 3, 4].map((i) => `bots.orders.eu.${i}`),
    );
    for (const [i, g] of got.entries()) {
      assert.equal(g.data, `order ${i}`);
      assert.equal(g.headers["Nats-Msg-Id"], ids[i]);
      assert.equal(g.headers["vigil-message-id"], ids[i]);
      assert.equal(g.headers["vigil-attr-shop"], "x");
      assert.match(g.headers.traceparent ?? "", new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    }
    // The same messages, consumed from the subscriber destination by a Python bot that acks them.
    const out = await runPython<{
      received: Array<{ message_id: string; payload: string; traceparent: string; attempt: number }>;
      unknown_destination: [string, string];
    }>("consumer.py", [s.grpcAddress, "consumers", "5"], stubs);
    assert.deepEqual(
      out.received.map((r) => r.message_id),
      ids,
    );
    assert.ok(out.received.every((r) => r.traceparent.includes(traceId) && r.attempt === 1));
    assert.equal(out.unknown_destination[0], "NOT_FOUND");
    assert.match(out.unknown_destination[1], /VIGIL_ERR_ROUTER_UNKNOWN_DESTINATION/);
    await eventually(
      async () => (await s.sidecar.status()).destinations.every((d) => d.queueDepth === 0),
      5000,
      "both queues empty",
    );
  } finally {
    await s.close();
    await nc.close();
    await rm(stubs, { recursive: true, force: true });
  }
});

test("nats: a subject no stream takes is retried until a stream is created, then delivered", async () => {
  const s = await startSidecar(`
router:
  destinations:
    - name: fleet
      kind: nats
      url: "${nats.url}"
      subject: "late.{topic}"
      jetstream: true
      timeout: 1s
      retry: { initial: 50ms, max: 200ms }
      circuit_breaker: { consecutive_failures: 100 }
  routes:
    - { match: { topic: ">" }, to: [fleet] }
`);
  const nc = await nats.connect();
  try {
    await call(s.client.router.Publish.bind(s.client.router), { topic: "x", payload: Buffer.from("wait") });
    await eventually(
      async () => ((await s.sidecar.status()).destinations[0]?.failed ?? 0) > 0,
      10_000,
      "a failed attempt",
    );
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: "LATE", subjects: ["late.>"] });
    await eventually(async () => (await jsm.streams.info("LATE")).state.messages === 1, 10_000, "stored");
    assert.equal((await s.sidecar.status()).destinations[0]?.queueDepth, 0);
  } finally {
    await s.close();
    await nc.close();
  }
});
