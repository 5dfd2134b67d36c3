import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type NewMessage, QueueStore } from "../../src/router/queue-store.js";
import { captureLogger } from "../helpers/log-capture.js";
import { queueMessage, withQueueStore } from "../helpers/queue-message.js";
import { eventually } from "../helpers/sidecar.js";

const batch = (inserts: NewMessage[]) => ({ inserts, deletes: [], attempts: [], dedup: [] });

test("a queue.db that is not a database is moved aside and a fresh queue starts", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-queue-"));
  const { logger, records } = captureLogger();
  try {
    await writeFile(join(dir, "queue.db"), "this is not SQLite ".repeat(500));
    const store = new QueueStore({ path: join(dir, "queue.db"), sync: "normal", logger });
    store.open();
    const seqs = await store.commit(batch([queueMessage(1)]));
    assert.equal(seqs.length, 1);
    assert.equal(store.get(seqs[0] as number)?.messageId, "m1");
    await store.close();
    const names = await readdir(dir);
    assert.ok(
      names.some((n) => n.startsWith("queue.db.corrupt-")),
      names.join(", "),
    );
    assert.ok(
      records.some((r) => r.msg === "queue.db is corrupt; moved it aside and started an empty queue"),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a writer thread that dies is replaced at the next commit; what it had committed stays", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-queue-"));
  const { logger, records } = captureLogger();
  const store = new QueueStore({ path: join(dir, "queue.db"), sync: "normal", logger });
  try {
    store.open();
    const [first] = await store.commit(batch([queueMessage(1)]));
    await store.killWriterForTest();
    await eventually(
      () =>
        records.find((r) => r.msg === "queue writer thread exited; a new one starts with the next commit"),
      5000,
      "restart",
    );
    const [second] = await eventually(
      () => store.commit(batch([queueMessage(2)])).catch(() => null),
      10_000,
      "a commit after the restart",
    );
    assert.equal(store.get(first as number)?.messageId, "m1");
    assert.equal(store.get(second as number)?.messageId, "m2");
    assert.ok((second as number) > (first as number));
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("a committed batch reads back field for field: payloads of every size, unicode, attributes, TTLs", () =>
  withQueueStore(async (store) => {
    const inserts = [0, 1, 1024, 70_000].map(
      (size, i): NewMessage => ({
        ...queueMessage(i),
        dest: i % 2 ? "ünïcode-dest" : "d",
        priority: 1 + i,
        topic: `orders.${"é".repeat(i)}`,
        payload: Buffer.alloc(size, 0x41 + i),
        contentType: i === 2 ? "application/json" : "",
        attributes: i === 3 ? { region: "eu", "emoji 🛰": "ok" } : ({} as Record<string, string>),
        idempotencyKey: i === 1 ? "key-1" : "",
        expiresAt: i === 2 ? 1_900_000_000_000 : 0,
        traceparent: i === 3 ? "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" : "",
        attempt: i,
        bytes: size + 10,
      }),
    );
    const seqs = await store.commit({ inserts, deletes: [], attempts: [], dedup: [] });
    assert.equal(seqs.length, inserts.length);
    inserts.forEach((m, i) => {
      assert.deepEqual(store.get(seqs[i] as number), { ...m, seq: seqs[i] });
    });
  }));
