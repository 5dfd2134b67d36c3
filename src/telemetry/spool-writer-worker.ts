import { parentPort, workerData } from "node:worker_threads";
import { checkpointAndClose, openWriter } from "../util/sqlite.js";

/**
 * The spool's writer, on its own thread: the inserts of one turn of the main thread's event loop are one
 * transaction here (each receiver request is answered when its insert is committed), deletes of what
 * was forwarded another. Writing 50 KiB bodies costs more than receiving them, so keeping it off the
 * event loop lets the receiver and the forwarding use the main thread meanwhile.
 */
const { path, sync } = workerData as { path: string; sync: "full" | "normal" };
const db = openWriter(path, sync);
// The seq comes from the main thread, which forwards a row while its commit runs.
const insert = db.prepare(
  "INSERT INTO spool (seq, signal, content_type, body, bytes, received_at) VALUES (?, ?, ?, ?, ?, ?)",
);
const del = db.prepare("DELETE FROM spool WHERE seq = ? RETURNING signal, bytes");

interface Append {
  seq: number;
  signal: string;
  contentType: string;
  body: Uint8Array;
  receivedAt: number;
}

const appendAll = db.transaction((rows: Append[]): void => {
  for (const r of rows) {
    const body = Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
    insert.run(r.seq, r.signal, r.contentType, body, body.length, r.receivedAt);
  }
});
const deleteAll = db.transaction((seqs: number[]) =>
  seqs.flatMap((seq) => {
    const r = del.get(seq) as { signal: string; bytes: number } | undefined;
    return r ? [{ seq, signal: r.signal, bytes: r.bytes }] : [];
  }),
);

parentPort?.on("message", (m: { id: number; append?: Append[]; delete?: number[]; close?: boolean }) => {
  try {
    if (m.close) {
      checkpointAndClose(db);
      parentPort?.postMessage({ id: m.id });
      return;
    }
    if (m.append) {
      appendAll(m.append);
      parentPort?.postMessage({ id: m.id });
    } else if (m.delete) parentPort?.postMessage({ id: m.id, deleted: deleteAll(m.delete) });
  } catch (e) {
    const err = e as Error & { code?: string };
    parentPort?.postMessage({ id: m.id, error: { message: err.message, code: err.code } });
  }
});
