import { test } from "node:test";
import type { Delivery__Output } from "../../src/generated/vigil/v1/Delivery.js";
import { call, eventually, startSidecar } from "../helpers/sidecar.js";

// Rowids of a plain INTEGER PRIMARY KEY are reused once the highest row is deleted: a message
// published after the queue emptied got a seq behind the destination's read cursor and was
// never delivered. Seqs are AUTOINCREMENT now.
test("a message published after a destination's queue emptied is still delivered", async () => {
  const s = await startSidecar(`
router:
  destinations:
    - { name: consumers, kind: subscriber }
  routes:
    - { match: { topic: ">" }, to: [consumers] }
`);
  try {
    const received: string[] = [];
    const stream = s.client.router.Subscribe({ destination: "consumers" });
    stream.on("data", (d: Delivery__Output) => {
      received.push(d.message_id ?? "");
      call(s.client.router.Ack.bind(s.client.router), {
        destination: "consumers",
        message_ids: [d.message_id],
      }).catch(() => undefined); // an ack racing the teardown
    });
    stream.on("error", () => undefined);
    for (let i = 0; i < 5; i++)
      await call(s.client.router.Publish.bind(s.client.router), { topic: "a", payload: Buffer.from("x") });
    await eventually(() => received.length === 5, 5000, "first five");
    // Let the deletes of the delivered rows be committed.
    await eventually(async () => (await s.sidecar.status()).destinations[0]?.queueDepth === 0, 5000, "empty");
    await new Promise((r) => setTimeout(r, 200));
    const late = (await call(s.client.router.Publish.bind(s.client.router), {
      topic: "a",
      payload: Buffer.from("y"),
    })) as {
      message_id: string;
    };
    await eventually(() => received.includes(late.message_id), 5000, "the late message");
    stream.cancel();
  } finally {
    await s.close();
  }
});
