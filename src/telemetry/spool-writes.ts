import type { Database } from "better-sqlite3";

/** One spooled request as it is written: the seq comes from the main thread, which gives them out. */
export interface SpoolAppend {
  seq: number;
  signal: string;
  contentType: string;
  body: Uint8Array;
  receivedAt: number;
}

export interface SpoolWrites {
  /** The requests in one transaction. */
  appendAll(rows: SpoolAppend[]): void;
  /** The rows in one transaction; those that were there, with their signal and size. */
  deleteAll(seqs: number[]): Array<{ seq: number; signal: string; bytes: number }>;
}

/** The spool's two writes on a connection: the writer thread's, or the main thread's own. */
export function spoolWrites(db: Database): SpoolWrites {
  const insert = db.prepare(
    "INSERT INTO spool (seq, signal, content_type, body, bytes, received_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const del = db.prepare("DELETE FROM spool WHERE seq = ? RETURNING signal, bytes");
  const appendAll = db.transaction((rows: SpoolAppend[]): void => {
    for (const r of rows) {
      const body = Buffer.isBuffer(r.body)
        ? r.body
        : Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
      insert.run(r.seq, r.signal, r.contentType, body, body.length, r.receivedAt);
    }
  });
  const deleteAll = db.transaction((seqs: number[]) =>
    seqs.flatMap((seq) => {
      const r = del.get(seq) as { signal: string; bytes: number } | undefined;
      return r ? [{ seq, signal: r.signal, bytes: r.bytes }] : [];
    }),
  );
  return { appendAll, deleteAll };
}
