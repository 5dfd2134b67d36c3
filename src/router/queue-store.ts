import type { Worker } from "node:worker_threads";
import type { Database as Db, Statement } from "better-sqlite3";
import type { Logger } from "pino";
import { lastAutoincrementSeq, openSqlite, queuePragmas } from "../util/sqlite.js";
import { startWorker } from "../util/worker.js";

/** One queued copy of a message for one destination (a row of `queue`). */
export interface QueuedMessage {
  seq: number;
  dest: string;
  /** 1 (LOW) … 4 (CRITICAL). */
  priority: number;
  messageId: string;
  topic: string;
  payload: Buffer;
  contentType: string;
  attributes: Record<string, string>;
  idempotencyKey: string;
  publishedAt: number;
  /** Epoch ms, or 0 for no TTL. */
  expiresAt: number;
  traceparent: string;
  /** Failed delivery attempts recorded so far. */
  attempt: number;
  bytes: number;
}

export type NewMessage = Omit<QueuedMessage, "seq">;

/** What one reclaim step (`QueueStore.reclaim`) left. */
export interface ReclaimResult {
  /** Free pages still in the file. */
  freePages: number;
  /** Pages given back to the file system by this step. */
  vacuumed: number;
  /** The main file's size after the step. */
  fileBytes: number;
}

export interface DedupEntry {
  messageId: string;
  routed: number;
  expiresAt: number;
}

/** What one group commit writes, in one transaction. */
export interface CommitBatch {
  /** With the seq `nextSeq()` gave them (the router's), or without for the store to choose one. */
  inserts: Array<NewMessage & { seq?: number }>;
  deletes: number[];
  attempts: Array<[seq: number, attempt: number]>;
  dedup: Array<[key: string, entry: DedupEntry]>;
}

/** A queued row without its payload and attributes (QueueStore.summariesAfter). */
export type QueuedSummary = Pick<
  QueuedMessage,
  "seq" | "messageId" | "topic" | "priority" | "publishedAt" | "expiresAt" | "attempt" | "bytes"
>;

interface SummaryRow {
  seq: number;
  message_id: string;
  topic: string;
  priority: number;
  published_at: number;
  expires_at: number;
  attempt: number;
  bytes: number;
}

interface Row {
  seq: number;
  dest: string;
  priority: number;
  message_id: string;
  topic: string;
  payload: Buffer;
  content_type: string;
  attributes: string;
  idempotency_key: string;
  published_at: number;
  expires_at: number;
  traceparent: string;
  attempt: number;
  bytes: number;
}

/**
 * Versioned schema migrations; `PRAGMA user_version` holds how many ran.
 * Append only: a released migration never changes.
 */
const MIGRATIONS: string[] = [
  // AUTOINCREMENT: a seq is never reused, even after the highest row is deleted, so a
  // destination's read cursor never passes over a newer message (destination-queue.ts).
  `CREATE TABLE queue (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     dest TEXT NOT NULL,
     priority INTEGER NOT NULL,
     message_id TEXT NOT NULL,
     topic TEXT NOT NULL,
     payload BLOB NOT NULL,
     content_type TEXT NOT NULL,
     attributes TEXT NOT NULL,
     idempotency_key TEXT NOT NULL,
     published_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     traceparent TEXT NOT NULL,
     attempt INTEGER NOT NULL DEFAULT 0,
     bytes INTEGER NOT NULL
   );
   CREATE INDEX queue_order ON queue (dest, priority, seq);
   CREATE INDEX queue_expiry ON queue (expires_at) WHERE expires_at > 0;
   CREATE TABLE dedup (
     key TEXT PRIMARY KEY,
     message_id TEXT NOT NULL,
     routed INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX dedup_expiry ON dedup (expires_at);
   CREATE TABLE destination_state (
     name TEXT PRIMARY KEY,
     paused INTEGER NOT NULL DEFAULT 0
   ) WITHOUT ROWID;`,
];

/**
 * The durable buffer: `queue.db` in the data dir, SQLite in WAL mode with
 * incremental auto-vacuum. Every destination's queue lives in one table,
 * ordered by (dest, priority, seq); a message routed to three destinations is
 * three rows, so each destination's bound and acknowledgement stand alone.
 *
 * Writes go to a writer thread (queue-writer-worker.ts), one transaction per
 * group commit, so the fsync never blocks the event loop; reads (the next
 * messages of a destination, an idempotency key) use this thread's own
 * connection, which WAL lets run beside the writer.
 *
 * A file SQLite cannot open or that fails its integrity check is moved aside
 * (`queue.db.corrupt-<time>`) and a fresh queue is started, with an error log
 * naming the moved file: a bad file never becomes a crash loop.
 */
export class QueueStore {
  readonly path: string;
  readonly #logger: Logger;
  readonly #sync: "full" | "normal";
  #db: Db | null = null;
  #stmts: ReturnType<QueueStore["prepare"]> | null = null;
  #writer: Worker | null = null;
  #nextId = 0;
  #lastSeq = 0;
  #held: Array<{ id: number; batch: CommitBatch }> | null = null;
  readonly #pending = new Map<number, { resolve: (r: never) => void; reject: (e: Error) => void }>();

  constructor(opts: { path: string; sync: "full" | "normal"; logger: Logger }) {
    this.path = opts.path;
    this.#sync = opts.sync;
    this.#logger = opts.logger;
  }

  open(): void {
    if (this.#db) return;
    this.#db = openSqlite({
      path: this.path,
      migrations: MIGRATIONS,
      // auto_vacuum must be chosen before the first table exists.
      pragmas: ["auto_vacuum = INCREMENTAL", ...queuePragmas(this.#sync)],
      logger: this.#logger,
      corruptMessage: "queue.db is corrupt; moved it aside and started an empty queue",
    });
    this.#stmts = this.prepare(this.#db);
    this.#lastSeq = lastAutoincrementSeq(this.#db, "queue");
  }

  /**
   * The seq of the next message, given on this thread at publish so that the message can be
   * handed to its destination while its commit runs. Seqs only grow: a destination's read
   * cursor never passes over a newer message.
   */
  nextSeq(): number {
    return ++this.#lastSeq;
  }

  /**
   * Starts the writer thread. If it dies (it should not: errors of a commit are
   * answered, not thrown), the commits it held are failed (their publishes get
   * UNAVAILABLE and are retried by the caller) and a new writer is started.
   */
  #startWriter(): void {
    const writer = startWorker(import.meta.url, "queue-writer-worker", { path: this.path, sync: this.#sync });
    this.#writer = writer;
    writer.on(
      "message",
      (m: {
        id: number;
        seqs?: number[];
        reclaimed?: ReclaimResult;
        error?: { message: string; code?: string };
      }) => {
        const p = this.#pending.get(m.id);
        if (!p) return;
        this.#pending.delete(m.id);
        if (m.error) p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
        else (p.resolve as (r: unknown) => void)(m.reclaimed ?? m.seqs ?? []);
      },
    );
    writer.on("error", (e) => this.#logger.error({ err: e }, "queue writer thread failed"));
    writer.on("exit", (code) => {
      if (this.#writer !== writer) return; // closed on purpose
      this.#failAll(new Error(`queue writer exited with code ${code}`));
      this.#logger.error({ code }, "queue writer thread exited; a new one starts with the next commit");
    });
  }

  #failAll(e: Error): void {
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
    this.#writer = null;
  }

  /** Stops the writer thread as a crash would (tests of the restart path). */
  async killWriterForTest(): Promise<void> {
    await this.#writer?.terminate();
  }

  private prepare(db: Db) {
    return {
      dedupGet: db.prepare("SELECT message_id, routed, expires_at FROM dedup WHERE key = ?"),
      dedupPurge: db.prepare("DELETE FROM dedup WHERE expires_at <= ?"),
      seqsAfter: db
        .prepare("SELECT seq FROM queue WHERE dest = ? AND priority = ? AND seq > ? ORDER BY seq LIMIT ?")
        .pluck() as Statement<[string, number, number, number], number>,
      get: db.prepare("SELECT * FROM queue WHERE seq = ?") as Statement<[number], Row>,
      summariesAfter: db.prepare(
        "SELECT seq, message_id, topic, priority, published_at, expires_at, attempt, bytes FROM queue WHERE dest = ? AND priority = ? AND seq > ? ORDER BY seq LIMIT ?",
      ) as Statement<[string, number, number, number], SummaryRow>,
      rowsAfter: db.prepare(
        "SELECT * FROM queue WHERE dest = ? AND priority = ? AND seq > ? ORDER BY seq LIMIT ?",
      ) as Statement<[string, number, number, number], Row>,
      counts: db.prepare(
        "SELECT dest, count(*) AS depth, coalesce(sum(bytes), 0) AS bytes FROM queue GROUP BY dest",
      ) as Statement<[], { dest: string; depth: number; bytes: number }>,
      expired: db
        .prepare("SELECT seq FROM queue WHERE expires_at > 0 AND expires_at <= ? ORDER BY expires_at LIMIT ?")
        .pluck() as Statement<[number, number], number>,
      paused: db.prepare("SELECT name FROM destination_state WHERE paused = 1").pluck() as Statement<
        [],
        string
      >,
      setPaused: db.prepare(
        "INSERT INTO destination_state (name, paused) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET paused = excluded.paused",
      ),
    };
  }

  get #s() {
    if (!this.#stmts) throw new Error("queue store: not open");
    return this.#stmts;
  }

  /**
   * Writes a batch in one transaction on the writer thread; resolves once it is
   * committed (and synced) with the seqs of the inserted rows, in order.
   */
  commit(batch: CommitBatch): Promise<number[]> {
    if (!this.#db) return Promise.reject(new Error("queue store: not open"));
    // Started on the first commit: a sidecar that routes nothing does not pay for the thread (~20 MiB RSS).
    if (!this.#writer) this.#startWriter();
    const w = this.#writer as Worker;
    const id = ++this.#nextId;
    return new Promise<number[]>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#held) this.#held.push({ id, batch });
      else w.postMessage({ id, batch });
    });
  }

  /**
   * One step of giving freed pages back to the file system, on the writer thread, after the
   * commits sent before it: the WAL checkpointed and truncated, up to `pages` free pages vacuumed.
   * Skipped (nothing written) while less than `minBytes` (free pages and WAL) would come back.
   * Rejects like a commit, e.g. with SQLITE_FULL when even that has no room.
   */
  reclaim(pages: number, minBytes = 0): Promise<ReclaimResult> {
    if (!this.#db) return Promise.reject(new Error("queue store: not open"));
    if (!this.#writer) this.#startWriter();
    const w = this.#writer as Worker;
    const id = ++this.#nextId;
    return new Promise<ReclaimResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      w.postMessage({ id, reclaim: { pages, minBytes } });
    });
  }

  /**
   * Tests: commits wait until `release()` (then go to the writer in order) or fail with
   * `fail(error)` as a commit the writer refused would.
   */
  holdCommitsForTest(): { release(): void; fail(e: Error): void; heldInserts(): number[] } {
    this.#held ??= [];
    const take = () => {
      const held = this.#held ?? [];
      this.#held = null;
      return held;
    };
    return {
      release: () => {
        for (const h of take()) this.#writer?.postMessage(h);
      },
      fail: (e) => {
        for (const h of take()) {
          this.#pending.get(h.id)?.reject(e);
          this.#pending.delete(h.id);
        }
      },
      /** Rows inserted by each held commit, in order (what one transaction would write). */
      heldInserts: () => (this.#held ?? []).map((h) => h.batch.inserts.length),
    };
  }

  /** Depth and bytes of every destination's queue (read at start). */
  counts(): Map<string, { depth: number; bytes: number }> {
    const out = new Map<string, { depth: number; bytes: number }>();
    for (const r of this.#s.counts.all()) out.set(r.dest, { depth: r.depth, bytes: r.bytes });
    return out;
  }

  /** Seqs of one destination and priority after `afterSeq`, in order (an index-only scan). */
  seqsAfter(dest: string, priority: number, afterSeq: number, limit: number): number[] {
    return this.#s.seqsAfter.all(dest, priority, afterSeq, limit);
  }

  /** Whole rows of one destination and priority after `afterSeq`, in order. */
  rowsAfter(dest: string, priority: number, afterSeq: number, limit: number): QueuedMessage[] {
    return this.#s.rowsAfter.all(dest, priority, afterSeq, limit).map(fromRow);
  }

  /** Like rowsAfter without payloads and attributes (PeekQueue lists rows without loading their bytes). */
  summariesAfter(dest: string, priority: number, afterSeq: number, limit: number): QueuedSummary[] {
    return this.#s.summariesAfter.all(dest, priority, afterSeq, limit).map((r) => ({
      seq: r.seq,
      messageId: r.message_id,
      topic: r.topic,
      priority: r.priority,
      publishedAt: r.published_at,
      expiresAt: r.expires_at,
      attempt: r.attempt,
      bytes: r.bytes,
    }));
  }

  get(seq: number): QueuedMessage | undefined {
    const r = this.#s.get.get(seq);
    return r ? fromRow(r) : undefined;
  }

  /** Seqs whose TTL has passed, soonest first. */
  expired(now: number, limit: number): number[] {
    return this.#s.expired.all(now, limit);
  }

  dedupGet(key: string): DedupEntry | undefined {
    const r = this.#s.dedupGet.get(key) as
      | { message_id: string; routed: number; expires_at: number }
      | undefined;
    return r ? { messageId: r.message_id, routed: r.routed, expiresAt: r.expires_at } : undefined;
  }

  /** Forgets idempotency keys whose window is over; returns how many. */
  purgeDedup(now: number): number {
    return this.#s.dedupPurge.run(now).changes;
  }

  pausedDestinations(): Set<string> {
    return new Set(this.#s.paused.all());
  }

  setPaused(name: string, paused: boolean): void {
    this.#s.setPaused.run(name, paused ? 1 : 0);
  }

  /** Returns freed pages to the file system, a few at a time (the file shrinks after a backlog drains). */
  vacuumStep(pages = 256): void {
    this.#db?.pragma(`incremental_vacuum(${pages})`);
  }

  /** Checkpoints the WAL into the main file and truncates it (gives its space back). */
  checkpoint(): void {
    this.#db?.pragma("wal_checkpoint(TRUNCATE)");
  }

  /** Waits for commits in flight, stops the writer, closes the read connection. */
  async close(): Promise<void> {
    const w = this.#writer;
    if (w) {
      const id = ++this.#nextId;
      await new Promise<void>((resolve) => {
        this.#pending.set(id, { resolve: () => resolve(), reject: () => resolve() });
        w.postMessage({ id, close: true });
      });
      this.#writer = null;
      await w.terminate();
    }
    if (!this.#db) return;
    this.#db.close();
    this.#db = null;
    this.#stmts = null;
  }
}

function fromRow(r: Row): QueuedMessage {
  return {
    seq: r.seq,
    dest: r.dest,
    priority: r.priority,
    messageId: r.message_id,
    topic: r.topic,
    payload: r.payload,
    contentType: r.content_type,
    attributes: JSON.parse(r.attributes) as Record<string, string>,
    idempotencyKey: r.idempotency_key,
    publishedAt: r.published_at,
    expiresAt: r.expires_at,
    traceparent: r.traceparent,
    attempt: r.attempt,
    bytes: r.bytes,
  };
}

/** What a queued message counts against its destination's `max_bytes`: payload, topic and attributes. */
export function messageBytes(
  payload: Buffer,
  topic: string,
  attributes: Readonly<Record<string, string>>,
): number {
  let n = payload.length + topic.length;
  for (const k in attributes) n += k.length + (attributes[k] as string).length;
  return n;
}
