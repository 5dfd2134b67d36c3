import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import { DestinationServer } from "../helpers/destination-server.js";
import { eventually, startSidecar, startSidecarFrom } from "../helpers/sidecar.js";

const Database = createRequire(import.meta.url)("better-sqlite3") as typeof import("better-sqlite3");

// Found on a full disk: the deletes of delivered messages that could not commit were retried every
// 25 ms, each attempt logging "queue commit failed" (~45 lines a second with no traffic), and were
// lost at shutdown, so a restart delivered them again. A real SQLite trigger refuses the deletes
// here, as a full disk would, and then lets them through.
test("deletes that cannot commit are retried with backoff and logged once, not per attempt; once committed a restart redelivers nothing", async () => {
  const hook = await new DestinationServer().start();
  const s = await startSidecar(`router:
  destinations:
    - { name: crm, kind: http, url: "${hook.url}" }
  routes: [{ match: { topic: ">" }, to: [crm] }]
`);
  const db = new Database(join(s.dir, "data", "queue.db"));
  let restarted: Awaited<ReturnType<typeof startSidecarFrom>> | null = null;
  try {
    db.pragma("busy_timeout = 5000");
    db.exec(
      "CREATE TRIGGER refuse_delete BEFORE DELETE ON queue BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
    );
    const queued = () => db.prepare("SELECT count(*) FROM queue").pluck().get() as number;
    const publish = (i: number) =>
      s.sidecar.router.publish({
        topic: "orders",
        payload: Buffer.from(`m${i}`),
        contentType: "",
        attributes: {},
        priority: 2,
        idempotencyKey: "",
        ttlMs: 0,
      });
    // One group commit: a later publish's commit would carry the refused deletes and fail too.
    await Promise.all(Array.from({ length: 20 }, (_, i) => publish(i)));
    await eventually(() => hook.received.length >= 20, 10_000, "all 20 delivered");
    const failed = () => s.logs.filter((r) => String(r.msg).startsWith("queue commit failed"));
    await eventually(() => failed().length > 0, 5000, "the refused delete logged");

    // Deletes keep failing for a while: one line says so, and the attempts back off.
    await new Promise((r) => setTimeout(r, 1500));
    const attempts = failed().length + s.logs.filter((r) => r.msg === "queue commit still failing").length;
    assert.equal(failed().length, 1, `"queue commit failed" logged ${failed().length} times in 1.5 s`);
    assert.ok(attempts <= 6, `${attempts} attempts in 1.5 s: retries back off`);
    assert.equal(queued(), 20, "the delivered rows are still stored (their deletes did not commit)");

    // The cause goes away: the kept deletes commit by themselves.
    db.exec("DROP TRIGGER refuse_delete");
    await eventually(() => queued() === 0, 10_000, "the retried deletes committed");
    assert.equal(s.logs.filter((r) => String(r.msg).startsWith("queue commits succeed again")).length, 1);

    await s.sidecar.stop();
    restarted = await startSidecarFrom(s.configPath);
    const marker = await restarted.router.publish({
      topic: "orders",
      payload: Buffer.from("marker"),
      contentType: "",
      attributes: {},
      priority: 2,
      idempotencyKey: "",
      ttlMs: 0,
    });
    await eventually(
      () => hook.received.some((q) => q.headers["vigil-message-id"] === marker.messageId),
      10_000,
      "the marker delivered after the restart",
    );
    assert.equal(hook.received.length, 21, "nothing delivered before the restart was delivered again");
  } finally {
    db.close();
    await restarted?.stop();
    await s.close();
    await hook.stop();
  }
});
