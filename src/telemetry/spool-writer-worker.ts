import { parentPort, workerData } from "node:worker_threads";
import { checkpointAndClose, openWriter } from "../util/sqlite.js";
import { type SpoolAppend, spoolWrites } from "./spool-writes.js";

/**
 * The spool's writer, on its own thread: the transactions the main thread hands over (large ones, and
 * those that come while one is under way; each receiver request is answered when its insert is
 * committed), and the checkpoints of what the main thread committed itself (its connection never
 * checkpoints, so the event loop never waits for one; it hands its transactions here meanwhile).
 */
const { path, sync } = workerData as { path: string; sync: "full" | "normal" };
const db = openWriter(path, sync);
const { appendAll, deleteAll } = spoolWrites(db);

interface Request {
  id: number;
  append?: SpoolAppend[];
  delete?: number[];
  close?: boolean;
  checkpoint?: boolean;
}

parentPort?.on("message", (m: Request) => {
  try {
    if (m.close) {
      checkpointAndClose(db);
      parentPort?.postMessage({ id: m.id });
      return;
    }
    if (m.checkpoint) {
      db.pragma("wal_checkpoint(PASSIVE)");
      parentPort?.postMessage({ id: m.id });
    } else if (m.append) {
      appendAll(m.append);
      parentPort?.postMessage({ id: m.id });
    } else if (m.delete) parentPort?.postMessage({ id: m.id, deleted: deleteAll(m.delete) });
  } catch (e) {
    const err = e as Error & { code?: string };
    parentPort?.postMessage({ id: m.id, error: { message: err.message, code: err.code } });
  }
});
