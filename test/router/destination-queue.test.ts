import assert from "node:assert/strict";
import { test } from "node:test";
import { DestinationQueue } from "../../src/router/destination-queue.js";
import { type QueuedMessage, QueueStore } from "../../src/router/queue-store.js";
import { queueMessage, withQueueStore } from "../helpers/queue-message.js";

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

const withStore = (fn: (store: CountingStore) => Promise<void>) =>
  withQueueStore(fn, (opts) => new CountingStore(opts));

/**
 * Publishes as the router does: a seq from the store, offered to the queue (the objects become the
 * queued rows) before the commit, then the commit and its acknowledgement to the queue.
 */
async function publish(store: QueueStore, q: DestinationQueue, priorities: number[]): Promise<number[]> {
  const msgs = priorities.map((priority, i) => ({ ...queueMessage(i), priority, seq: store.nextSeq() }));
  for (const m of msgs) {
    q.added(m.bytes);
    q.offer(m);
  }
  await store.commit({ inserts: msgs, deletes: [], attempts: [], dedup: [] });
  for (const m of msgs) q.committed(m);
  return msgs.map((m) => m.seq);
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

// Against a model: after any mix of publishes (some past the hot cache, some whose commit fails),
// leases while commits run, deliveries and immediate redeliveries, a lease returns exactly the
// highest-priority, oldest messages not held, and the depth counts what is left.
test("leases follow priority then seq through the hot cache, its overflow, failed commits, retries and a restart", async () => {
  await withStore(async (store) => {
    let q = new DestinationQueue("d", store);
    const queued = new Map<number, number>(); // seq → priority, not yet delivered
    const leased = new Set<number>();
    const notYet = new Set<number>(); // published, not in the cache, commit under way: not leasable
    const doomed = new Set<number>(); // leased when their commit failed
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const expectLease = (n: number) => {
      const want = [...queued]
        .filter(([seq]) => !leased.has(seq) && !notYet.has(seq))
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, n)
        .map(([seq]) => seq);
      const got = q.lease(n, 0).map((m) => m.seq);
      assert.deepEqual(got, want);
      for (const seq of got) leased.add(seq);
    };
    const settleSome = async () => {
      const done: number[] = [];
      for (const seq of [...leased]) {
        const r = rand(3);
        if (r === 0) {
          q.finish(seq);
          leased.delete(seq);
          queued.delete(seq);
          doomed.delete(seq);
          done.push(seq);
        } else if (r === 1) {
          q.release(seq);
          leased.delete(seq);
          if (doomed.delete(seq)) queued.delete(seq);
        }
      }
      await store.commit({ inserts: [], deletes: done, attempts: [], dedup: [] });
      q.deleted(done);
    };
    for (let round = 0; round < 60; round++) {
      // Now and then a burst larger than the hot cache (4,096), so some rows are only on disk.
      const count = round % 10 === 3 ? 5000 : rand(200);
      const msgs = Array.from({ length: count }, (_, i) => ({
        ...queueMessage(i),
        priority: 1 + rand(4),
        seq: store.nextSeq(),
      }));
      for (const m of msgs) {
        q.added(m.bytes);
        if (!q.offer(m)) notYet.add(m.seq);
        queued.set(m.seq, m.priority);
      }
      expectLease(rand(100)); // deliveries while the commit runs
      if (round % 7 === 5) {
        // The commit failed: nothing of the batch is queued any more, and what is in delivery goes when it ends.
        for (const m of msgs) {
          q.abandon(m);
          notYet.delete(m.seq);
          if (leased.has(m.seq)) doomed.add(m.seq);
          else queued.delete(m.seq);
        }
      } else {
        await store.commit({ inserts: msgs, deletes: [], attempts: [], dedup: [] });
        for (const m of msgs) {
          q.committed(m);
          notYet.delete(m.seq);
        }
      }
      expectLease(1 + rand(300));
      await settleSome();
      expectLease(rand(50));
      assert.equal(q.depth, queued.size, "depth counts what is queued or in delivery");
      if (round === 25) {
        // A restart: what is leased comes back, read from the store (a doomed one never was stored).
        for (const seq of doomed) queued.delete(seq);
        doomed.clear();
        leased.clear();
        q = new DestinationQueue("d", store, { depth: queued.size, bytes: queued.size * 3 });
      }
    }
    expectLease(queued.size + 1);
    for (const seq of doomed) queued.delete(seq);
    assert.equal(leased.size - doomed.size, queued.size, "every queued message leased once at the end");
  });
});
