import { statSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { checkpointAndClose, openWriter } from "../util/sqlite.js";
import type { CommitBatch, ReclaimResult } from "./queue-store.js";

/**
 * The queue's writer, on its own thread: every group commit (inserts,
 * deletes, attempt counts, idempotency keys) is one transaction here, so the
 * fsync of `synchronous = FULL` never blocks the event loop, and publishes
 * arriving meanwhile form the next batch. The main thread keeps a read
 * connection (WAL lets readers and this writer work at once).
 */
const { path, sync } = workerData as { path: string; sync: "full" | "normal" };
const db = openWriter(path, sync);
const insert = db.prepare(
  `INSERT INTO queue (seq, dest, priority, message_id, topic, payload, content_type, attributes,
     idempotency_key, published_at, expires_at, traceparent, attempt, bytes)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const del = db.prepare("DELETE FROM queue WHERE seq = ?");
const setAttempt = db.prepare("UPDATE queue SET attempt = ? WHERE seq = ?");
const dedupPut = db.prepare(
  "INSERT OR REPLACE INTO dedup (key, message_id, routed, expires_at) VALUES (?, ?, ?, ?)",
);

const commit = db.transaction((b: CommitBatch): number[] => {
  const seqs: number[] = [];
  for (const m of b.inserts) {
    // Structured clone turns Buffers into Uint8Arrays; SQLite binds Buffers.
    const p = m.payload as Uint8Array;
    const r = insert.run(
      m.seq ?? null,
      m.dest,
      m.priority,
      m.messageId,
      m.topic,
      Buffer.from(p.buffer, p.byteOffset, p.byteLength),
      m.contentType,
      JSON.stringify(m.attributes),
      m.idempotencyKey,
      m.publishedAt,
      m.expiresAt,
      m.traceparent,
      m.attempt,
      m.bytes,
    );
    seqs.push(Number(r.lastInsertRowid));
  }
  for (const seq of b.deletes) del.run(seq);
  for (const [seq, attempt] of b.attempts) setAttempt.run(attempt, seq);
  for (const [key, e] of b.dedup) dedupPut.run(key, e.messageId, e.routed, e.expiresAt);
  return seqs;
});

const pragmaNumber = (p: string): number => db.pragma(p, { simple: true }) as number;
const walBytes = (): number => statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;

/**
 * Gives freed pages back to the file system, here so that it queues behind commits rather than
 * racing them for the write lock (and never blocks the event loop): the WAL is checkpointed and
 * truncated first, since on a full disk its space is all the vacuum's own writes can use; then up
 * to `pages` free pages are vacuumed (queue.db uses incremental auto-vacuum); in WAL mode the file
 * shrinks at the checkpoint that follows. Does nothing while less than `minBytes` would come back.
 */
function reclaim(pages: number, minBytes: number): ReclaimResult {
  const pageSize = pragmaNumber("page_size");
  const before = pragmaNumber("freelist_count");
  if (before * pageSize + walBytes() < minBytes)
    return { freePages: before, vacuumed: 0, fileBytes: pragmaNumber("page_count") * pageSize };
  db.pragma("wal_checkpoint(TRUNCATE)");
  if (before > 0) db.pragma(`incremental_vacuum(${Math.min(pages, before)})`);
  db.pragma("wal_checkpoint(TRUNCATE)");
  const after = pragmaNumber("freelist_count");
  return { freePages: after, vacuumed: before - after, fileBytes: pragmaNumber("page_count") * pageSize };
}

parentPort?.on(
  "message",
  (msg: {
    id: number;
    batch?: CommitBatch;
    close?: boolean;
    reclaim?: { pages: number; minBytes: number };
  }) => {
    if (msg.close) {
      checkpointAndClose(db);
      parentPort?.postMessage({ id: msg.id });
      return;
    }
    try {
      if (msg.reclaim) {
        parentPort?.postMessage({ id: msg.id, reclaimed: reclaim(msg.reclaim.pages, msg.reclaim.minBytes) });
        return;
      }
      const seqs = commit(msg.batch as CommitBatch);
      parentPort?.postMessage({ id: msg.id, seqs });
    } catch (e) {
      const err = e as Error & { code?: string };
      parentPort?.postMessage({ id: msg.id, error: { message: err.message, code: err.code } });
    }
  },
);
