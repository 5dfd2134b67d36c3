import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import type { ClientReadableStream } from "@grpc/grpc-js";
import { status } from "@grpc/grpc-js";
import type { Delivery__Output as DeliveryOut } from "../../src/generated/vigil/v1/Delivery.js";
import type { PublishRequest } from "../../src/generated/vigil/v1/PublishRequest.js";
import type { PublishResponse__Output as PublishOut } from "../../src/generated/vigil/v1/PublishResponse.js";
import { call, eventually, startSidecar, startSidecarFrom, type TestSidecar } from "../helpers/sidecar.js";

type Delivery__Output = Required<DeliveryOut>;
type PublishResponse__Output = Required<PublishOut>;

const SUBSCRIBER = `
router:
  destinations:
    - { name: consumers, kind: subscriber, ack_timeout: "2s" }
  routes:
    - { match: { topic: "orders.>" }, to: [consumers] }
`;

function publish(s: TestSidecar, req: PublishRequest): Promise<PublishResponse__Output> {
  return call(s.client.router.Publish.bind(s.client.router), req) as Promise<PublishResponse__Output>;
}

/** A consumer on a Subscribe stream that records deliveries and acks them unless told not to. */
class Consumer {
  readonly received: Delivery__Output[] = [];
  readonly stream: ClientReadableStream<DeliveryOut>;
  constructor(
    readonly s: TestSidecar,
    destination: string,
    opts: { maxInFlight?: number; autoAck?: boolean } = {},
  ) {
    this.stream = s.client.router.Subscribe({ destination, max_in_flight: opts.maxInFlight ?? 0 });
    this.stream.on("data", (d: Delivery__Output) => {
      this.received.push(d);
      // An ack racing the test's teardown (channel closed) is not a failure: the test asserts on deliveries.
      if (opts.autoAck !== false) this.ack([d.message_id]).catch(() => undefined);
    });
    this.stream.on("error", () => undefined);
  }
  ack(ids: string[], nacks: string[] = []) {
    return call(this.s.client.router.Ack.bind(this.s.client.router), {
      destination: "consumers",
      message_ids: ids,
      nack_ids: nacks,
    });
  }
  close() {
    this.stream.cancel();
  }
}

async function status_(s: TestSidecar, name: string) {
  const st = await s.sidecar.status();
  const d = st.destinations.find((x) => x.name === name);
  assert.ok(d, `destination ${name} in status`);
  return d;
}

test("a published message reaches a subscriber, is acked and leaves the queue", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    const consumer = new Consumer(s, "consumers");
    const r = await publish(s, {
      topic: "orders.created",
      payload: Buffer.from('{"id":1}'),
      content_type: "application/json",
      attributes: { shop: "berlin" },
      priority: "PRIORITY_HIGH",
    });
    assert.equal(r.routed, 1);
    assert.equal(r.duplicate, false);
    assert.match(r.message_id, /^[0-9a-f-]{36}$/);
    await eventually(() => consumer.received.length === 1, 5000, "delivery");
    const d = consumer.received[0] as Delivery__Output;
    assert.equal(d.message_id, r.message_id);
    assert.equal(d.topic, "orders.created");
    assert.equal(d.payload.toString(), '{"id":1}');
    assert.equal(d.content_type, "application/json");
    assert.deepEqual(d.attributes, { shop: "berlin" });
    assert.equal(d.priority, "PRIORITY_HIGH");
    assert.equal(d.attempt, 1);
    assert.match(d.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    await eventually(async () => (await status_(s, "consumers")).queueDepth === 0, 5000, "queue drained");
    const st = await status_(s, "consumers");
    assert.equal(st.delivered, 1);
    assert.equal(st.subscribers, 1);
    consumer.close();
  } finally {
    await s.close();
  }
});

test("a subscriber gets a message while its commit runs; the publish is answered only once it is committed", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    const consumer = new Consumer(s, "consumers", { autoAck: false });
    await eventually(async () => (await status_(s, "consumers")).subscribers === 1, 5000, "subscribed");
    const hold = s.sidecar.router.holdCommitsForTest();
    let answered = false;
    const published = publish(s, { topic: "orders.created", payload: Buffer.from("early") }).then((r) => {
      answered = true;
      return r;
    });
    await eventually(() => consumer.received.length === 1, 5000, "delivery while the commit is held");
    assert.equal(answered, false, "no answer before the commit");
    hold.release();
    const r = await published;
    assert.equal(consumer.received[0]?.message_id, r.message_id);
    await consumer.ack([r.message_id]);
    await eventually(async () => (await status_(s, "consumers")).queueDepth === 0, 5000, "acked and gone");
    consumer.close();
  } finally {
    await s.close();
  }
});

test("a commit that fails refuses its publishes and takes their messages out, also one in delivery", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    const consumer = new Consumer(s, "consumers", { autoAck: false });
    await eventually(async () => (await status_(s, "consumers")).subscribers === 1, 5000, "subscribed");
    const hold = s.sidecar.router.holdCommitsForTest();
    const refused = publish(s, { topic: "orders.created", payload: Buffer.from("doomed") }).then(
      () => assert.fail("the publish was answered OK"),
      (e: { code?: number }) => e,
    );
    await eventually(() => consumer.received.length === 1, 5000, "delivery while the commit is held");
    const doomed = consumer.received[0]?.message_id ?? "";
    hold.fail(Object.assign(new Error("disk I/O error"), { code: "SQLITE_IOERR" }));
    assert.equal((await refused).code, status.UNAVAILABLE);
    // Nacked: it would be retried if it were queued; it is not, so it is gone.
    await consumer.ack([], [doomed]);
    await eventually(
      async () => (await status_(s, "consumers")).queueDepth === 0,
      5000,
      "nothing left queued",
    );
    // The queue goes on: the next message is delivered and nothing comes back.
    const r = await publish(s, { topic: "orders.created", payload: Buffer.from("next") });
    await eventually(() => consumer.received.length === 2, 5000, "the next delivery");
    assert.equal(consumer.received[1]?.message_id, r.message_id);
    await consumer.ack([r.message_id]);
    await eventually(async () => (await status_(s, "consumers")).queueDepth === 0, 5000, "drained");
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(consumer.received.length, 2, "the refused message is not delivered again");
    consumer.close();
  } finally {
    await s.close();
  }
});

test("a topic no route matches is answered routed: 0 and counted, not queued", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    const r = await publish(s, { topic: "chat.hello", payload: Buffer.from("x") });
    assert.equal(r.routed, 0);
    assert.equal((await status_(s, "consumers")).queueDepth, 0);
  } finally {
    await s.close();
  }
});

test("bad publishes get INVALID_ARGUMENT naming the field", async () => {
  const s = await startSidecar(`${SUBSCRIBER}  max_payload_bytes: 1KiB\n`);
  try {
    const cases: Array<[PublishRequest, RegExp]> = [
      [{ topic: "" }, /topic: required/],
      [{ topic: "orders..x" }, /topic: must be/],
      [{ topic: "orders.*" }, /topic: must be/],
      [{ topic: "orders.big", payload: Buffer.alloc(2048) }, /payload: 2048 bytes exceeds/],
      [{ topic: "orders.x", idempotency_key: "k".repeat(300) }, /idempotency_key/],
      [{ topic: "orders.x", ttl: { seconds: -1 } }, /ttl/],
    ];
    for (const [req, re] of cases) {
      await assert.rejects(publish(s, req), (e: { code: number; details: string }) => {
        assert.equal(e.code, status.INVALID_ARGUMENT, e.details);
        assert.match(e.details, re);
        return true;
      });
    }
  } finally {
    await s.close();
  }
});

test("deliveries come highest priority first, FIFO within a priority", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    s.sidecar.setPaused("consumers", true);
    const order: Array<[string, string]> = [];
    const prios = ["PRIORITY_LOW", "PRIORITY_NORMAL", "PRIORITY_CRITICAL", "PRIORITY_HIGH"] as const;
    for (let i = 0; i < 40; i++) {
      const p = prios[i % 4] as (typeof prios)[number];
      const r = await publish(s, { topic: "orders.x", payload: Buffer.from(String(i)), priority: p });
      order.push([p, r.message_id]);
    }
    const consumer = new Consumer(s, "consumers", { maxInFlight: 1 });
    await eventually(async () => (await status_(s, "consumers")).subscribers === 1, 5000, "subscriber");
    s.sidecar.setPaused("consumers", false);
    await eventually(() => consumer.received.length === 40, 10_000, "all deliveries");
    const expected = ["PRIORITY_CRITICAL", "PRIORITY_HIGH", "PRIORITY_NORMAL", "PRIORITY_LOW"].flatMap((p) =>
      order.filter(([q]) => q === p).map(([, id]) => id),
    );
    assert.deepEqual(
      consumer.received.map((d) => d.message_id),
      expected,
    );
    consumer.close();
  } finally {
    await s.close();
  }
});

test("a nacked delivery and one whose stream drops are delivered again", async () => {
  const s = await startSidecar(
    `${SUBSCRIBER.replace('ack_timeout: "2s"', 'ack_timeout: "2s", retry: { initial: "50ms", max: "100ms" }')}`,
  );
  try {
    const first = new Consumer(s, "consumers", { autoAck: false });
    await eventually(async () => (await status_(s, "consumers")).subscribers === 1, 5000, "subscriber");
    const r = await publish(s, { topic: "orders.x", payload: Buffer.from("a") });
    await eventually(() => first.received.length === 1, 5000, "first delivery");
    const ack = (await first.ack([], [r.message_id])) as { nacked: number };
    assert.equal(ack.nacked, 1);
    await eventually(() => first.received.length === 2, 5000, "redelivery after nack");
    assert.equal(first.received[1]?.attempt, 2);
    first.close();
    const second = new Consumer(s, "consumers");
    await eventually(() => second.received.length === 1, 5000, "redelivery after the stream dropped");
    assert.equal(second.received[0]?.message_id, r.message_id);
    assert.equal(second.received[0]?.attempt, 3);
    await eventually(async () => (await status_(s, "consumers")).queueDepth === 0, 5000, "acked");
    const unknown = (await second.ack(["nope"])) as { unknown_ids: string[] };
    assert.deepEqual(unknown.unknown_ids, ["nope"]);
    second.close();
  } finally {
    await s.close();
  }
});

test("an idempotency key is answered duplicate: true, also after a restart", async () => {
  const s = await startSidecar(SUBSCRIBER);
  let restarted: Awaited<ReturnType<typeof startSidecarFrom>> | null = null;
  try {
    const a = await publish(s, { topic: "orders.x", payload: Buffer.from("1"), idempotency_key: "order-1" });
    const [b, c] = await Promise.all([
      publish(s, { topic: "orders.x", payload: Buffer.from("1"), idempotency_key: "order-1" }),
      publish(s, { topic: "orders.x", payload: Buffer.from("2"), idempotency_key: "order-2" }),
    ]);
    assert.equal(a.duplicate, false);
    assert.equal(b.duplicate, true);
    assert.equal(b.message_id, a.message_id);
    assert.equal(c.duplicate, false);
    assert.equal((await status_(s, "consumers")).queueDepth, 2);
    await s.sidecar.stop();
    restarted = await startSidecarFrom(s.configPath);
    const { createVigilClient } = await import("../../src/client/client.js");
    const client = createVigilClient(`127.0.0.1:${restarted.grpcPort}`);
    const again = (await call(client.router.Publish.bind(client.router), {
      topic: "orders.x",
      payload: Buffer.from("1"),
      idempotency_key: "order-1",
    })) as PublishResponse__Output;
    assert.equal(again.duplicate, true);
    assert.equal(again.message_id, a.message_id);
    const st = (await restarted.status()).destinations[0];
    assert.equal(st?.queueDepth, 2, "queued messages survive the restart");
    client.close();
  } finally {
    await restarted?.stop();
    await s.close();
  }
});

test("a full queue rejects with RESOURCE_EXHAUSTED; drop_oldest drops and counts", async () => {
  const s = await startSidecar(`
router:
  destinations:
    - { name: consumers, kind: subscriber, buffer: { max_messages: 3 } }
    - { name: lossy, kind: subscriber, buffer: { max_messages: 3, overflow: drop_oldest } }
  routes:
    - { match: { topic: "strict.*" }, to: [consumers] }
    - { match: { topic: "lossy.*" }, to: [lossy] }
`);
  try {
    for (let i = 0; i < 3; i++) await publish(s, { topic: "strict.x", payload: Buffer.from(String(i)) });
    await assert.rejects(
      publish(s, { topic: "strict.x", payload: Buffer.from("4") }),
      (e: { code: number; details: string }) => {
        assert.equal(e.code, status.RESOURCE_EXHAUSTED);
        assert.match(e.details, /VIGIL_ERR_ROUTER_QUEUE_FULL: destination consumers is full/);
        return true;
      },
    );
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await publish(s, { topic: "lossy.x", payload: Buffer.from(String(i)) })).message_id);
    assert.equal((await status_(s, "lossy")).queueDepth, 3);
    const dropLog = await eventually(() =>
      s.logs.find((l) => l.msg === "queue full: messages dropped by the overflow policy"),
    );
    assert.equal(dropLog.reason, "overflow_oldest");
    const consumer = new Consumer(s, "lossy");
    await eventually(() => consumer.received.length === 3, 5000, "the newest three");
    assert.deepEqual(
      consumer.received.map((d) => d.message_id),
      ids.slice(2),
    );
    consumer.close();
  } finally {
    await s.close();
  }
});

test("drop_oldest also drops messages waiting out a retry's backoff, never the one in delivery", async () => {
  // Port 1 refuses at once: each message is tried as soon as it is published and then waits 10 s.
  const s = await startSidecar(`router:
  destinations:
    - { name: down, kind: http, url: "http://127.0.0.1:1/x", concurrency: 1, retry: { initial: 10s, max: 10s }, circuit_breaker: { consecutive_failures: 100 }, buffer: { max_messages: 2, overflow: drop_oldest } }
  routes: [{ match: { topic: ">" }, to: [down] }]
`);
  try {
    for (let i = 0; i < 5; i++) {
      await publish(s, { topic: "t", payload: Buffer.from(String(i)) });
      await eventually(async () => (await status_(s, "down")).failed > i, 5000, `attempt ${i}`);
    }
    await publish(s, { topic: "t", payload: Buffer.from("last") });
    const st = await eventually(
      async () => {
        const d = await status_(s, "down");
        return d.queueDepth <= 2 ? d : null;
      },
      5000,
      "the bound of 2 held",
    );
    assert.equal(st.dropped, 4);
  } finally {
    await s.close();
  }
});

test("an expired message goes to the dead-letter file and can be redriven", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    s.sidecar.setPaused("consumers", true);
    const r = await publish(s, {
      topic: "orders.x",
      payload: Buffer.from("late"),
      ttl: { nanos: 200_000_000 },
    });
    const file = join(s.sidecar.dataDir, "dead-letter", "consumers.jsonl");
    const line = await eventually(
      async () => (await readFile(file, "utf8").catch(() => "")).trim(),
      5000,
      "dead letter",
    );
    const letter = JSON.parse(line) as Record<string, unknown>;
    assert.equal(letter.message_id, r.message_id);
    assert.equal(letter.reason, "expired");
    assert.equal(letter.payload, "late");
    // The letter is on disk before its row is deleted: the depth drops right after.
    await eventually(
      async () => (await status_(s, "consumers")).queueDepth === 0,
      5000,
      "expired row deleted",
    );
    const redriven = (await call(s.client.admin.RedriveDeadLetters.bind(s.client.admin), {
      destination: "consumers",
    })) as {
      redriven: number;
    };
    assert.equal(Number(redriven.redriven), 1);
    assert.deepEqual(await readdir(join(s.sidecar.dataDir, "dead-letter")), []);
    s.sidecar.setPaused("consumers", false);
    const consumer = new Consumer(s, "consumers");
    await eventually(() => consumer.received.length === 1, 5000, "redriven delivery");
    assert.equal(consumer.received[0]?.message_id, r.message_id);
    consumer.close();
    await assert.rejects(
      call(s.client.admin.PauseDestination.bind(s.client.admin), { name: "nope" }),
      (e: { code: number }) => {
        assert.equal(e.code, status.NOT_FOUND);
        return true;
      },
    );
  } finally {
    await s.close();
  }
});

test("a reload adds a destination and keeps the queue of one removed", async () => {
  const s = await startSidecar(SUBSCRIBER);
  try {
    s.sidecar.setPaused("consumers", true);
    await publish(s, { topic: "orders.x", payload: Buffer.from("kept") });
    const base = (await readFile(s.configPath, "utf8")).split("router:")[0] as string;
    await writeFile(
      s.configPath,
      `${base}router:
  destinations:
    - { name: archive, kind: log, path: logs/archive.jsonl }
  routes:
    - { match: { topic: "orders.>" }, to: [archive] }
`,
    );
    await s.sidecar.reload("api");
    const r = await publish(s, { topic: "orders.y", payload: Buffer.from("to the log") });
    assert.equal(r.routed, 1);
    const file = join(s.sidecar.dataDir, "logs", "archive.jsonl");
    const line = await eventually(
      async () => (await readFile(file, "utf8").catch(() => "")).trim(),
      5000,
      "log line",
    );
    const rec = JSON.parse(line) as Record<string, unknown>;
    assert.equal(rec.message_id, r.message_id);
    assert.equal(rec.payload, "to the log");
    await writeFile(s.configPath, `${base}${SUBSCRIBER}`);
    await s.sidecar.reload("api");
    assert.equal((await status_(s, "consumers")).queueDepth, 1, "the removed destination's message was kept");
  } finally {
    await s.close();
  }
});

test("GetStatus, the status page and vigil status show each destination; record_messages logs summaries", async () => {
  const s = await startSidecar(`${SUBSCRIBER}logs: { record_messages: true }\n`);
  try {
    s.sidecar.setPaused("consumers", true);
    const r = await publish(s, {
      topic: "orders.x",
      payload: Buffer.from("secret payload"),
      priority: "PRIORITY_CRITICAL",
    });
    const st = (await call(s.client.admin.GetStatus.bind(s.client.admin), {})) as {
      destinations: Array<{
        name: string;
        kind: string;
        paused: boolean;
        queue_depth: number;
        circuit_state: string;
      }>;
    };
    assert.deepEqual(
      st.destinations.map((d) => [d.name, d.kind, d.paused, Number(d.queue_depth), d.circuit_state]),
      [["consumers", "subscriber", true, 1, "CIRCUIT_STATE_CLOSED"]],
    );
    const page = await (await fetch(`${s.httpUrl}/`)).text();
    assert.match(page, /<h2>Destinations<\/h2>/);
    assert.match(
      page,
      /<td>consumers<\/td><td>subscriber<\/td><td><span class="badge"[^>]*>paused<\/span><\/td><td>1 \(/,
    );
    const { formatStatus } = await import("../../src/cli/status.js");
    assert.match(formatStatus(st as never), /consumers\s+subscriber\s+paused\s+1\s+0/);
    s.sidecar.setPaused("consumers", false);
    const consumer = new Consumer(s, "consumers");
    await eventually(() => consumer.received.length === 1, 5000, "delivery");
    consumer.close();
    const file = join(s.sidecar.dataDir, "logs", "vigil.jsonl");
    const records = await eventually(
      async () => {
        const lines = (await readFile(file, "utf8"))
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        const published = lines.find((l) => l.msg === "message published");
        const delivered = lines.find((l) => l.msg === "message delivered");
        return published && delivered ? { published, delivered } : null;
      },
      5000,
      "message summaries in the log file",
    );
    assert.equal(records.published.message_id, r.message_id);
    assert.equal(records.published.topic, "orders.x");
    assert.equal(records.published.priority, "CRITICAL");
    assert.deepEqual(records.published.destinations, ["consumers"]);
    assert.equal(records.delivered.destination, "consumers");
    assert.ok(!JSON.stringify(records).includes("secret payload"), "summaries carry no payload");
  } finally {
    await s.close();
  }
});

test("without destinations no queue is opened; a reload that adds the first one opens it and routes", async () => {
  const s = await startSidecar("");
  try {
    const none = await publish(s, { topic: "orders.x", payload: Buffer.from("nowhere") });
    assert.equal(none.routed, 0);
    const { existsSync } = await import("node:fs");
    const db = join(s.sidecar.dataDir, "queue.db");
    assert.equal(existsSync(db), false, "no queue.db for a sidecar that routes nothing");
    await writeFile(s.configPath, `${await readFile(s.configPath, "utf8")}${SUBSCRIBER}`);
    await s.sidecar.reload("api");
    const routed = await publish(s, { topic: "orders.x", payload: Buffer.from("queued") });
    assert.equal(routed.routed, 1);
    assert.ok(existsSync(db));
    assert.equal((await status_(s, "consumers")).queueDepth, 1);
  } finally {
    await s.close();
  }
});
