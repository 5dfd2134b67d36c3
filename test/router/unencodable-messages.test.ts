import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { NatsServer } from "../helpers/nats-server.js";
import { call, eventually, startSidecar, type TestSidecar } from "../helpers/sidecar.js";

const nats = new NatsServer();
before(async () => {
  await nats.start();
});
after(async () => {
  await nats.stop();
});

async function fleet(s: TestSidecar) {
  const d = (await s.sidecar.status()).destinations.find((x) => x.name === "fleet");
  assert.ok(d);
  return d;
}

async function publish(s: TestSidecar, payload: Buffer): Promise<string> {
  const r = (await call(s.client.router.Publish.bind(s.client.router), { topic: "big.one", payload })) as {
    message_id: string;
  };
  return r.message_id;
}

/** Publishes 4 messages the destination cannot take, then 5 it can; checks the 5 arrive and the 4 are dead letters. */
async function poisonThenGood(s: TestSidecar, big: Buffer, arrived: () => Promise<string[]>): Promise<void> {
  const poison: string[] = [];
  for (let i = 0; i < 4; i++) poison.push(await publish(s, big));
  const good: string[] = [];
  for (let i = 0; i < 5; i++) good.push(await publish(s, Buffer.from(`small ${i}`)));
  await eventually(
    async () => {
      const got = new Set(await arrived());
      return good.every((id) => got.has(id));
    },
    10_000,
    "the small messages",
  );
  await eventually(async () => (await fleet(s)).deadLettered === 4, 5000, "four dead letters");
  const d = await fleet(s);
  assert.equal(d.circuit, "closed");
  assert.equal(d.degraded, false, "a message's fault does not mark the destination degraded");
  assert.equal(s.logs.filter((r) => r.msg === "circuit opened").length, 0);
  assert.ok(d.faults.some((f) => f.kind === "unencodable"));
  const letters = (await readFile(join(s.sidecar.router.deadLetterDir, "fleet.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { message_id: string; reason: string });
  assert.deepEqual(
    letters.map((l) => l.message_id),
    poison,
  );
  assert.ok(letters.every((l) => l.reason === "unencodable"));
}

test("nats: a payload over the server's max_payload is dead-lettered as unencodable and holds nothing back", async () => {
  const nc = await nats.connect();
  const got: string[] = [];
  const sub = nc.subscribe("bots.>", {
    callback: (_e, m) => got.push(m.headers?.get("vigil-message-id") ?? ""),
  });
  await nc.flush();
  // 1 MiB is router.max_payload_bytes and nats-server's max_payload: with the headers it is over.
  const s = await startSidecar(`
router:
  destinations:
    - name: fleet
      kind: nats
      url: "${nats.url}"
      subject: "bots.{topic}"
      retry: { initial: 50ms, max: 200ms }
      circuit_breaker: { consecutive_failures: 2, half_open_after: 30s }
  routes:
    - { match: { topic: ">" }, to: [fleet] }
`);
  try {
    await poisonThenGood(s, Buffer.alloc(1024 * 1024, 1), async () => got);
  } finally {
    await s.close();
    sub.unsubscribe();
    await nc.close();
  }
});

test("nats JetStream: a message over the stream's max_msg_size is dead-lettered as unencodable", async () => {
  const nc = await nats.connect();
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: "SMALL", subjects: ["small.>"], max_msg_size: 4096 });
  const s = await startSidecar(`
router:
  destinations:
    - name: fleet
      kind: nats
      url: "${nats.url}"
      subject: "small.{topic}"
      jetstream: true
      retry: { initial: 50ms, max: 200ms }
      circuit_breaker: { consecutive_failures: 2, half_open_after: 30s }
  routes:
    - { match: { topic: ">" }, to: [fleet] }
`);
  try {
    await poisonThenGood(s, Buffer.alloc(8192, 1), async () => {
      const ids: string[] = [];
      const info = await jsm.streams.info("SMALL");
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        const m = await jsm.streams.getMessage("SMALL", { seq });
        ids.push(m.header.get("vigil-message-id"));
      }
      return ids;
    });
  } finally {
    await s.close();
    await jsm.streams.delete("SMALL");
    await nc.close();
  }
});
