import assert from "node:assert/strict";
import { test } from "node:test";
import { call, startSidecar } from "../helpers/sidecar.js";

const ROUTES =
  "router:\n  destinations: [{ name: sink, kind: log }]\n  routes: [{ match: { topic: '>' }, to: [sink] }]\n";

// A subscriber can get a message while its commit runs; if Vigil is killed before the commit lands,
// the bot's retry (same idempotency key) is the first the new queue sees. It must carry the same
// message id, so the consumer sees a redelivery, not a second message (found by the Go client's
// restart test under load: two deliveries of one key with two ids).
test("a message published again with the same idempotency key after its row was lost keeps its message id", async () => {
  const publishOnce = async (key: string | undefined) => {
    const t = await startSidecar(ROUTES);
    try {
      const r = await call<object, { message_id: string }>(t.client.router.Publish.bind(t.client.router), {
        topic: "orders.new",
        payload: Buffer.from("x"),
        ...(key ? { idempotency_key: key } : {}),
      });
      return r.message_id;
    } finally {
      await t.close();
    }
  };
  const first = await publishOnce("order-42");
  const again = await publishOnce("order-42");
  assert.equal(again, first, "the same key gives the same id on a fresh queue");
  assert.match(first, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(await publishOnce("order-43"), first);
  assert.notEqual(await publishOnce(undefined), await publishOnce(undefined), "unkeyed ids are random");
});
