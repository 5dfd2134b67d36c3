import assert from "node:assert/strict";
import { test } from "node:test";
import { RouteTable } from "../../src/router/route-table.js";

test("topic patterns match as in NATS: * one token, a final > one or more; attributes must be equal", () => {
  const t = new RouteTable([
    { topic: "orders.*", attributes: {}, to: ["crm"] },
    { topic: "orders.>", attributes: {}, to: ["archive"] },
    { topic: "chat.>", attributes: { lang: "en" }, to: ["consumers"] },
    { topic: "chat.*.urgent", attributes: {}, to: ["pager", "archive"] },
    { topic: "exact.topic", attributes: {}, to: ["crm"] },
  ]);
  assert.deepEqual(t.match("orders.created", {}), ["crm", "archive"]);
  assert.deepEqual(t.match("orders.eu.created", {}), ["archive"]);
  assert.deepEqual(t.match("orders", {}), [], "> needs at least one more token");
  assert.deepEqual(t.match("chat.room1", { lang: "en" }), ["consumers"]);
  assert.deepEqual(t.match("chat.room1", { lang: "de" }), []);
  assert.deepEqual(t.match("chat.room1.urgent", { lang: "en" }), ["consumers", "pager", "archive"]);
  assert.deepEqual(t.match("exact.topic", {}), ["crm"]);
  assert.deepEqual(t.match("exact.topic.more", {}), []);
  assert.deepEqual(t.match("other", {}), []);
});
