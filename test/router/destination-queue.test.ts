import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DestinationQueue } from "../../src/router/destination-queue.js";
import { type QueuedMessage, QueueStore } from "../../src/router/queue-store.js";
import { captureLogger } from "../helpers/log-capture.js";
import { queueMessage } from "../helpers/queue-message.js";

/** A real store that counts the reads the queue makes of it. */
class CountingStore extends QueueStore {
  reads = 0;
  override rowsAfter(dest: string, priority: number, afterSeq: number, limit: number): QueuedMessage[] {
    this.reads++;
    return super.rowsAfter(dest, priority, afterSeq, limit);
  }
  override seqsAfter(dest: string, priority: number, afterSeq: number, limit: number): number[] {
    this.reads++;
    return super.seqsAfter(dest, priority, afterSeq, limit);
  }
  override get(seq: number): QueuedMessage | undefined {
    this.reads++;
    return super.get(seq);
  }
}

async function withStore(fn: (store: CountingStore) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "vigil-dq-"));
  const store = new CountingStore({
    path: join(dir, "queue.db"),
    sync: "normal",
    logger: captureLogger().logger,
  });
  try {
    store.open();
    await fn(store);
  } finally {
    // Closed on a failed assertion too: its writer thread would keep the test process alive.
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Commits messages as the router does and offers them to the queue (the objects become the queued rows). */
async function publish(store: QueueStore, q: DestinationQueue, priorities: number[]): Promise<number[]> {
  const inserts = priorities.map((priority, i) => ({ ...queueMessage(i), priority }));
  const seqs = await store.commit({ inserts, deletes: [], attempts: [], dedup: [] });
  inserts.forEach((m, i) => {
    q.added(m.bytes);
    q.offer({ ...m, seq: seqs[i] as number });
  });
  return seqs;
}

test("a destination keeping up leases what was just committed without reading the store", async () => {
  await withStore(async (store) => {
    const q = new DestinationQueue("d", store);
    const seqs = await publish(store, q, [2, 4, 1, 2, 4]);
    const before = store.reads;
    const leased = q.lease(10, 0).map((m) => m.seq);
    // CRITICAL first, FIFO within a priority.
    assert.deepEqual(leased, [seqs[1], seqs[4], seqs[0], seqs[3], seqs[2]]);
    assert.deepEqual(q.lease(10, 0), [], "nothing left");
    assert.equal(store.reads, before, "no query for rows already in memory, nor for empty priorities");
  });
});

// Against a model: after any mix of publishes (some past the hot cache), leases, deliveries and
// immediate redeliveries, a lease returns exactly the highest-priority, oldest messages not held.
test("leases follow priority then seq through the hot cache, its overflow, retries and a restart", async () => {
  await withStore(async (store) => {
    let q = new DestinationQueue("d", store);
    const queued = new Map<number, number>(); // seq → priority, not yet delivered
    const leased = new Set<number>();
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const expectLease = (n: number) => {
      const want = [...queued]
        .filter(([seq]) => !leased.has(seq))
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, n)
        .map(([seq]) => seq);
      const got = q.lease(n, 0).map((m) => m.seq);
      assert.deepEqual(got, want);
      for (const seq of got) leased.add(seq);
    };
    for (let round = 0; round < 40; round++) {
      // Now and then a burst larger than the hot cache (4,096), so some rows are only on disk.
      const count = round % 10 === 3 ? 5000 : rand(200);
      const priorities = Array.from({ length: count }, () => 1 + rand(4));
      const seqs = await publish(store, q, priorities);
      seqs.forEach((seq, i) => {
        queued.set(seq, priorities[i] as number);
      });
      expectLease(1 + rand(300));
      const done: number[] = [];
      for (const seq of [...leased]) {
        const r = rand(3);
        if (r === 0) {
          q.finish(seq);
          leased.delete(seq);
          queued.delete(seq);
          done.push(seq);
        } else if (r === 1) {
          q.release(seq);
          leased.delete(seq);
        }
      }
      await store.commit({ inserts: [], deletes: done, attempts: [], dedup: [] });
      q.deleted(done);
      expectLease(rand(50));
      if (round === 25) {
        // A restart: what is leased comes back, read from the store.
        leased.clear();
        let bytes = 0;
        for (const _ of queued) bytes += 3;
        q = new DestinationQueue("d", store, { depth: queued.size, bytes });
      }
    }
    expectLease(queued.size + 1);
    assert.equal(leased.size, queued.size, "every queued message leased once at the end");
  });
});
