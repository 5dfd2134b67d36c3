import assert from "node:assert/strict";
import { test } from "node:test";
import { DestinationQueue } from "../../src/router/destination-queue.js";
import { queueMessage, withQueueStore } from "../helpers/queue-message.js";

// Found by the flapping fault test under CPU load: a delivered row whose delete was not committed yet
// was read again behind a cursor rewound by a retry, delivered twice, and counted out twice; the
// negative depth then stalled the queue with messages still in it.
test("a finished row whose delete is not committed yet is not leased again when a retry rewinds the cursor", async () => {
  await withQueueStore(async (store) => {
    const seqs = await store.commit({
      inserts: [queueMessage(1), queueMessage(2), queueMessage(3)],
      deletes: [],
      attempts: [],
      dedup: [],
    });
    const q = new DestinationQueue("d", store, { depth: 3, bytes: 9 });
    const first = q.lease(2, 0).map((m) => m.seq);
    assert.deepEqual(first, seqs.slice(0, 2));
    q.finish(seqs[1] as number); // delivered; its delete waits for the next group commit
    q.release(seqs[0] as number); // failed: back at once, the cursor rewinds before it
    const again = q.lease(10, 0).map((m) => m.seq);
    assert.deepEqual(again, [seqs[0], seqs[2]], "the finished row is skipped");
    assert.equal(q.depth, 2);
    await store.commit({ inserts: [], deletes: [seqs[1] as number], attempts: [], dedup: [] });
    q.deleted([seqs[1] as number]);
  });
});
