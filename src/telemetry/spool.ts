import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import type { Counter, Meter } from "@opentelemetry/api";
import type { Database, Statement } from "better-sqlite3";
import { CircuitState, ConsecutiveBreaker, circuitBreaker, ExponentialBackoff, handleAll } from "cockatiel";
import type { Logger } from "pino";
import { toError } from "../errors.js";
import type { ClientTlsFiles } from "../util/client-tls.js";
import type { Clock } from "../util/clock.js";
import { DeliveryError } from "../util/delivery-error.js";
import { HttpPoster } from "../util/http-poster.js";
import { firstAbove } from "../util/sorted.js";
import { lastAutoincrementSeq, openSqlite, queuePragmas } from "../util/sqlite.js";
import { startWorker } from "../util/worker.js";
import { type SpoolWrites, spoolWrites } from "./spool-writes.js";

export const SIGNALS = ["traces", "metrics", "logs"] as const;
export type Signal = (typeof SIGNALS)[number];

export interface SpoolConfig {
  maxBytes: number;
  sync: "full" | "normal";
  retry: { initialMs: number; maxMs: number };
  timeoutMs: number;
}

export interface SpoolUpstream {
  /** Where each signal goes: an OTLP/HTTP URL ending in /v1/<signal>. */
  url(signal: Signal): string;
  headers: Record<string, string>;
  tls: ClientTlsFiles;
}

export interface SpoolSignalStatus {
  signal: Signal;
  depth: number;
  bytes: number;
  oldestAgeMs: number;
  exported: number;
  failed: number;
  dropped: number;
  circuit: "closed" | "open" | "half_open";
  lastError: string | null;
}

/** Requests in flight to the collector per signal: oldest first in the order sent, not in completion. */
const CONCURRENCY = 4;
/** Spooled protobuf requests are concatenated into one forward up to this size. */
const BATCH_MAX_BYTES = 2 * 1024 * 1024;
const PROTOBUF = "application/x-protobuf";

const MIGRATIONS = [
  `CREATE TABLE spool (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     signal TEXT NOT NULL,
     content_type TEXT NOT NULL,
     body BLOB NOT NULL,
     bytes INTEGER NOT NULL,
     received_at INTEGER NOT NULL
   );
   CREATE INDEX spool_by_signal ON spool (signal, seq);`,
];

interface Row {
  seq: number;
  content_type: string;
  body: Buffer;
  bytes: number;
  received_at: number;
}

/** One signal's exporter: oldest first, one request at a time, behind a breaker with backoff. */
class SignalExporter {
  readonly signal: Signal;
  exported = 0;
  failed = 0;
  dropped = 0;
  lastError: string | null = null;
  readonly breaker;
  readonly #poster: HttpPoster;
  readonly #backoff: ExponentialBackoff<unknown>;
  #attempt = 0;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  /** The highest seq handed to a send; the next send takes the first row after it. */
  #cursor = 0;
  #inFlight = 0;
  /** The oldest row whose send failed (transiently) since the last backoff; null while all goes well. */
  #failedSeq: number | null = null;
  #retryAfterMs = 0;
  /** Rows up to this seq go one request each (a batch of them was refused). */
  #singleUntil = 0;
  readonly #next: (after: number) => Row | undefined;
  readonly #done: (seq: number) => void;
  readonly #logger: Logger;
  readonly #config: SpoolConfig;
  readonly #inst: { exported: Counter; failed: Counter; dropped: Counter };

  constructor(opts: {
    signal: Signal;
    upstream: SpoolUpstream;
    config: SpoolConfig;
    logger: Logger;
    next: (after: number) => Row | undefined;
    done: (seq: number) => void;
    inst: { exported: Counter; failed: Counter; dropped: Counter };
  }) {
    this.signal = opts.signal;
    this.#config = opts.config;
    this.#logger = opts.logger;
    this.#next = opts.next;
    this.#done = opts.done;
    this.#inst = opts.inst;
    this.#poster = new HttpPoster({
      url: opts.upstream.url(opts.signal),
      headers: opts.upstream.headers,
      tls: opts.upstream.tls,
      maxSockets: CONCURRENCY,
    });
    this.#backoff = new ExponentialBackoff({
      initialDelay: opts.config.retry.initialMs,
      maxDelay: opts.config.retry.maxMs,
    });
    this.breaker = circuitBreaker(handleAll, {
      // The first probe comes retry.initial after the breaker opens, and each failed probe doubles the
      // wait up to retry.max: a collector back from a restart is found within a step of the backoff,
      // not retry.max (30 s by default) after the outage began. The retries' backoff is a factory
      // (each next() starts a fresh sequence), so the breaker draws its waits from it too.
      halfOpenAfter: this.#backoff,
      breaker: new ConsecutiveBreaker(5),
    });
    this.breaker.onBreak(() =>
      this.#logger.warn({ signal: this.signal, lastError: this.lastError }, "spool export circuit opened"),
    );
    this.breaker.onReset(() => this.#logger.info({ signal: this.signal }, "spool export circuit closed"));
  }

  /** Something new to send: start more sends unless the concurrency is used or a backoff wait is on. */
  kick(): void {
    if (this.#timer || this.#stopped || this.#failedSeq !== null) return;
    while (this.#inFlight < CONCURRENCY) {
      const first = this.#next(this.#cursor);
      if (!first) return;
      const rows = [first];
      // Protobuf Export requests concatenate into one valid request (their one field is repeated), so
      // a backlog goes out in fewer, larger requests, as the Collector's batch processor would send.
      let bytes = first.bytes;
      if (first.content_type === PROTOBUF && first.seq > this.#singleUntil) {
        for (
          let r = this.#next(first.seq);
          r && r.content_type === PROTOBUF && bytes + r.bytes <= BATCH_MAX_BYTES;
          r = this.#next(r.seq)
        ) {
          rows.push(r);
          bytes += r.bytes;
        }
      }
      this.#cursor = (rows.at(-1) as Row).seq;
      this.#inFlight++;
      void this.#send(rows);
    }
  }

  /** One request to the collector; its outcome decides what happens to the rows and to the exporter. */
  async #send(rows: Row[]): Promise<void> {
    const first = rows[0] as Row;
    try {
      const body = rows.length === 1 ? first.body : Buffer.concat(rows.map((r) => r.body));
      const ac = new AbortController();
      const t = setTimeout(() => ac.abort(), this.#config.timeoutMs);
      try {
        await this.breaker.execute(() =>
          this.#poster.post(body, { "content-type": first.content_type }, ac.signal),
        );
      } finally {
        clearTimeout(t);
      }
      for (const r of rows) this.#done(r.seq);
      this.exported += rows.length;
      this.#inst.exported.add(rows.length, { signal: this.signal });
      this.#attempt = 0;
      this.lastError = null;
    } catch (e: unknown) {
      const err = toError(e);
      if (e instanceof DeliveryError && e.kind === "permanent" && rows.length > 1) {
        // Refused as a batch: try its requests one by one, so only a bad one is dropped.
        this.#singleUntil = Math.max(this.#singleUntil, (rows.at(-1) as Row).seq);
        if (this.#failedSeq === null || first.seq < this.#failedSeq) this.#failedSeq = first.seq;
        this.#retryAfterMs = Math.max(this.#retryAfterMs, 1);
      } else if (e instanceof DeliveryError && e.kind === "permanent") {
        // The collector refuses this request for good (a 4xx): retrying would block everything behind it.
        this.#done(first.seq);
        this.dropped++;
        this.#inst.dropped.add(1, { signal: this.signal, reason: "rejected" });
        this.#logger.warn(
          { signal: this.signal, error: err.message },
          "spooled telemetry rejected by the collector; dropped",
        );
      } else {
        this.failed++;
        this.#inst.failed.add(1, { signal: this.signal });
        this.lastError = err.message;
        if (this.#failedSeq === null || first.seq < this.#failedSeq) this.#failedSeq = first.seq;
        if (e instanceof DeliveryError && e.retryAfterMs > 0)
          this.#retryAfterMs = Math.max(
            this.#retryAfterMs,
            Math.min(e.retryAfterMs, this.#config.retry.maxMs),
          );
      }
    } finally {
      this.#inFlight--;
      this.#settled();
    }
  }

  /**
   * After a transient failure no new send starts; once the sends in flight are over, the cursor goes
   * back before the oldest failed row (those sent since were deleted) and the exporter waits its backoff.
   */
  #settled(): void {
    if (this.#stopped) return;
    if (this.#failedSeq === null) {
      this.kick();
      return;
    }
    if (this.#inFlight > 0) return;
    this.#cursor = this.#failedSeq - 1;
    this.#failedSeq = null;
    const wait = this.#retryAfterMs > 0 ? this.#retryAfterMs : this.#delay(this.#attempt++);
    this.#retryAfterMs = 0;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.kick();
    }, wait);
    this.#timer.unref();
  }

  #delay(attempt: number): number {
    let b = this.#backoff.next();
    for (let i = 0; i < Math.min(attempt, 64); i++) b = b.next(undefined);
    return Math.min(Math.max(b.duration, 1), this.#config.retry.maxMs);
  }

  get circuit(): "closed" | "open" | "half_open" {
    const s = this.breaker.state;
    return s === CircuitState.Closed ? "closed" : s === CircuitState.HalfOpen ? "half_open" : "open";
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#poster.close();
  }
}

/** Just-committed request bodies kept in memory for the exporter, at most this many bytes. */
const HOT_MAX_BYTES = 32 * 1024 * 1024;
/** A batch of appends up to this size is committed on the event loop when the writer has nothing queued. */
const LOCAL_MAX_BYTES = 256 * 1024;
/** After this many bytes written on the event loop, the writer thread checkpoints the WAL (as SQLite's 1,000-page default). */
const CHECKPOINT_BYTES = 4 * 1024 * 1024;
/** What one transaction writes besides the bodies (table and index leaves, the WAL frame headers). */
const TRANSACTION_BYTES = 2 * 4096;

interface Pending {
  row: { seq: number; signal: Signal; contentType: string; body: Buffer; receivedAt: number };
  resolve: () => void;
  reject: (e: Error) => void;
}

/**
 * The OTLP spool: every request the receiver accepts is committed to `spool.db` before it is answered,
 * then sent to the collector, oldest first per signal, with retry, backoff and a breaker. Bounded by
 * `maxBytes`: when full, the oldest requests are dropped, counted in `vigil.spool.dropped{reason}` and
 * logged, never silently. Requests are stored and forwarded as the bot encoded them (protobuf or JSON).
 *
 * The appends of one event-loop turn are one transaction, and so are the deletes of what was
 * forwarded. A small transaction while the writer thread (spool-writer-worker.ts) has nothing queued is
 * committed on the event loop (~0.1 ms for a 50 KiB request): an SDK exports one batch at a time, so the
 * two thread hand-offs would be most of its round trip. A larger one, or one that comes while the writer
 * is busy, goes to the writer, so under load the receiver keeps reading. With `sync: full` every commit
 * waits for an fsync, so all of them go to the writer. Checkpoints never run on the event loop: the
 * writer runs them. This thread keeps the counts and the bodies it just committed (bounded), so a
 * collector that keeps up is fed from memory.
 */
export class Spool {
  readonly #db: Database;
  readonly #local: SpoolWrites;
  readonly #path: string;
  readonly #nextSeq: Statement;
  readonly #row: Statement;
  readonly #rowInfo: Statement;
  readonly #oldest: Statement;
  readonly #oldestAny: Statement;
  readonly #config: SpoolConfig;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #exporters = new Map<Signal, SignalExporter>();
  readonly #dropped: Counter;
  readonly #counts = new Map<Signal, { depth: number; bytes: number }>();
  readonly #hot = new Map<number, Row & { signal: Signal }>();
  #hotBytes = 0;
  /**
   * Per signal, the seqs of its hot rows in order (some may have left #hot since), and the highest seq
   * of a row that is not hot (from an earlier run, or committed while the hot cache was full). Past
   * that seq every row is hot, so the exporter takes its next row from memory without a query.
   */
  readonly #hotSeqs = new Map<Signal, number[]>();
  readonly #coldMax = new Map<Signal, number>();
  /** Rows whose delete is not committed yet: never handed to an exporter again. */
  readonly #deleting = new Set<number>();
  #total = 0;
  /** The last seq given out: seqs are assigned here, so a row is forwarded while its commit runs. */
  #lastSeq = 0;
  #writer: Worker | null = null;
  #nextId = 0;
  /** Appends, deletes and the close posted to the writer and not answered yet (checkpoints are not counted). */
  #writesInFlight = 0;
  /** Whether small transactions may be committed on this thread (`sync: normal`). */
  readonly #localCommits: boolean;
  /** Bytes written by this thread's transactions since the last checkpoint was asked for. */
  #uncheckpointed = 0;
  #checkpointing = false;
  readonly #replies = new Map<number, { resolve: (m: WriterReply) => void; reject: (e: Error) => void }>();
  #appends: Pending[] = [];
  #deletes: number[] = [];
  #flushScheduled = false;
  /** Append transactions posted to the writer and not answered yet. */
  #commitsInFlight = 0;
  #flushTick = false;
  /** Signals with rows appended this turn: their exporters start after the rows went to the writer. */
  readonly #kicks = new Set<Signal>();
  #stopped = false;
  #closing: Promise<void> | null = null;

  constructor(opts: {
    dataDir: string;
    config: SpoolConfig;
    upstream: SpoolUpstream;
    logger: Logger;
    meter: Meter;
    clock: Clock;
  }) {
    this.#config = opts.config;
    this.#clock = opts.clock;
    this.#logger = opts.logger.child({ component: "spool" });
    this.#path = join(opts.dataDir, "spool.db");
    this.#db = openSqlite({
      path: this.#path,
      migrations: MIGRATIONS,
      pragmas: ["auto_vacuum = INCREMENTAL", ...queuePragmas(opts.config.sync)],
      logger: this.#logger,
      corruptMessage: "spool.db is corrupt; moved it aside and started an empty spool",
    });
    this.#local = spoolWrites(this.#db);
    this.#localCommits = opts.config.sync === "normal";
    // The writer thread checkpoints (asked for by #wrote), so a checkpoint never stalls the event loop.
    this.#db.pragma("wal_autocheckpoint = 0");
    this.#nextSeq = this.#db.prepare(
      "SELECT seq FROM spool WHERE signal = ? AND seq > ? ORDER BY seq LIMIT 1",
    );
    this.#row = this.#db.prepare(
      "SELECT seq, content_type, body, bytes, received_at FROM spool WHERE seq = ?",
    );
    this.#rowInfo = this.#db.prepare("SELECT signal, bytes FROM spool WHERE seq = ?");
    this.#oldest = this.#db.prepare("SELECT received_at FROM spool WHERE signal = ? ORDER BY seq LIMIT 1");
    this.#oldestAny = this.#db.prepare(
      "SELECT seq, bytes, signal FROM spool WHERE seq > ? ORDER BY seq LIMIT 64",
    );
    for (const s of SIGNALS) {
      this.#counts.set(s, { depth: 0, bytes: 0 });
      this.#hotSeqs.set(s, []);
      this.#coldMax.set(s, 0);
    }
    // What an earlier run left is all cold (not in memory).
    for (const r of this.#db
      .prepare(
        "SELECT signal, COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b, MAX(seq) AS seq FROM spool GROUP BY signal",
      )
      .all() as Array<{ signal: Signal; n: number; b: number; seq: number }>) {
      this.#counts.set(r.signal, { depth: r.n, bytes: r.b });
      this.#total += r.b;
      this.#coldMax.set(r.signal, r.seq);
    }
    this.#lastSeq = lastAutoincrementSeq(this.#db, "spool");
    const m = opts.meter;
    const inst = {
      exported: m.createCounter("vigil.spool.exported", {
        description: "OTLP requests sent to the collector, by signal",
      }),
      failed: m.createCounter("vigil.spool.failed", {
        description: "Failed attempts to send spooled OTLP requests, by signal",
      }),
      dropped: m.createCounter("vigil.spool.dropped", {
        description: "Spooled OTLP requests dropped, by signal and reason (spool_full, rejected)",
      }),
    };
    this.#dropped = inst.dropped;
    m.createObservableGauge("vigil.spool.depth", {
      description: "OTLP requests waiting in the spool, by signal",
    }).addCallback((r) => {
      for (const [signal, c] of this.#counts) r.observe(c.depth, { signal });
    });
    m.createObservableGauge("vigil.spool.bytes", {
      unit: "By",
      description: "Bytes waiting in the spool, by signal",
    }).addCallback((r) => {
      for (const [signal, c] of this.#counts) r.observe(c.bytes, { signal });
    });
    m.createObservableGauge("vigil.spool.oldest_age", {
      unit: "s",
      description: "Age of the oldest request waiting in the spool, by signal",
    }).addCallback((r) => {
      for (const s of this.status()) r.observe(s.oldestAgeMs / 1000, { signal: s.signal });
    });
    for (const signal of SIGNALS) {
      this.#exporters.set(
        signal,
        new SignalExporter({
          signal,
          upstream: opts.upstream,
          config: opts.config,
          logger: this.#logger,
          inst,
          next: (after) => this.#take(signal, after),
          done: (seq) => this.#remove(seq),
        }),
      );
    }
  }

  /** Starts the writer and exports what a previous run left in the spool. */
  start(): void {
    this.#startWriter();
    for (const e of this.#exporters.values()) e.kick();
  }

  /**
   * Commits one request; resolves once it is durable (the receiver answers then). The exporter may
   * forward it meanwhile: the collector gets it without waiting for the disk, and should the commit
   * fail, the sender is answered 503 and retries (the collector may then see it twice, as with any
   * retried OTLP export).
   */
  append(signal: Signal, contentType: string, body: Buffer): Promise<void> {
    if (this.#stopped) return Promise.reject(new Error("spool: stopped"));
    const seq = ++this.#lastSeq;
    const receivedAt = this.#clock.now();
    const c = this.#counts.get(signal) as { depth: number; bytes: number };
    c.depth++;
    c.bytes += body.length;
    this.#total += body.length;
    if (this.#hotBytes + body.length <= HOT_MAX_BYTES) {
      this.#hot.set(seq, {
        seq,
        signal,
        content_type: contentType,
        body,
        bytes: body.length,
        received_at: receivedAt,
      });
      this.#hotBytes += body.length;
      (this.#hotSeqs.get(signal) as number[]).push(seq);
    } else this.#coldMax.set(signal, seq); // read back from spool.db once committed
    const done = new Promise<void>((resolve, reject) => {
      this.#appends.push({ row: { seq, signal, contentType, body, receivedAt }, resolve, reject });
    });
    if (this.#commitsInFlight === 0) {
      // Nothing being written: the writer starts on this request without waiting for the event loop's
      // turn, just after the exporter's request to the collector is written (the HTTP client writes it
      // on a nextTick queued by kick(), so this one runs after it).
      this.#exporters.get(signal)?.kick();
      if (!this.#flushTick) {
        this.#flushTick = true;
        process.nextTick(() => {
          this.#flushTick = false;
          this.#flushAppends();
        });
      }
    } else {
      // Writes are under way: the requests of this turn go together, after them in the writer's queue.
      this.#kicks.add(signal);
      this.#scheduleFlush();
    }
    return done;
  }

  #startWriter(): void {
    const writer = startWorker(import.meta.url, "spool-writer-worker", {
      path: this.#path,
      sync: this.#config.sync,
    });
    this.#writer = writer;
    writer.on("message", (m: WriterReply) => {
      const r = this.#replies.get(m.id);
      if (!r) return;
      this.#replies.delete(m.id);
      if (m.error) r.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
      else r.resolve(m);
    });
    writer.on("error", (e) => this.#logger.error({ err: e }, "spool writer thread failed"));
    writer.on("exit", (code) => {
      if (this.#writer !== writer) return; // closed on purpose
      this.#writer = null;
      for (const r of this.#replies.values()) r.reject(new Error(`spool writer exited with code ${code}`));
      this.#replies.clear();
      this.#logger.error({ code }, "spool writer thread exited; a new one starts");
      if (!this.#stopped) this.#startWriter();
    });
  }

  #call(message: {
    append?: unknown;
    delete?: number[];
    close?: boolean;
    checkpoint?: boolean;
  }): Promise<WriterReply> {
    const w = this.#writer;
    if (!w) return Promise.reject(new Error("spool: no writer"));
    const id = ++this.#nextId;
    const write = !message.checkpoint;
    if (write) this.#writesInFlight++;
    return new Promise<WriterReply>((resolve, reject) => {
      this.#replies.set(id, { resolve, reject });
      w.postMessage({ id, ...message });
    }).finally(() => {
      if (write) this.#writesInFlight--;
    });
  }

  /**
   * Whether a transaction of `bytes` is committed here: small, and nothing is queued at the writer (so
   * the two connections never wait for each other's write lock, and the writer's order is kept). Not
   * while the writer checkpoints either: SQLite starts the WAL file over only once a checkpoint has
   * copied every frame in it, so what comes meanwhile goes to the writer, behind the checkpoint.
   */
  #commitHere(bytes: number): boolean {
    return (
      this.#localCommits &&
      this.#writer !== null &&
      this.#writesInFlight === 0 &&
      !this.#checkpointing &&
      bytes <= LOCAL_MAX_BYTES
    );
  }

  /** A transaction committed on this thread: once enough is in the WAL, the writer checkpoints it. */
  #wrote(bytes: number): void {
    this.#uncheckpointed += bytes + TRANSACTION_BYTES;
    if (this.#uncheckpointed < CHECKPOINT_BYTES || this.#checkpointing) return;
    this.#uncheckpointed = 0;
    this.#checkpointing = true;
    this.#call({ checkpoint: true })
      .catch((e: unknown) =>
        this.#logger.warn({ err: toError(e) }, "spool checkpoint failed; asked again after 4 MiB more"),
      )
      .finally(() => {
        this.#checkpointing = false;
      });
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flushAppends();
      this.#flushDeletes();
      for (const signal of this.#kicks) this.#exporters.get(signal)?.kick();
      this.#kicks.clear();
    });
  }

  #flushAppends(): void {
    if (this.#appends.length === 0) return;
    const batch = this.#appends;
    this.#appends = [];
    const bytes = batch.reduce((n, p) => n + p.row.body.length, 0);
    if (this.#commitHere(bytes)) {
      try {
        this.#local.appendAll(batch.map((p) => p.row));
      } catch (e: unknown) {
        this.#appendFailed(batch, e);
        return;
      }
      this.#wrote(bytes);
      this.#appended(batch);
      return;
    }
    this.#commitsInFlight++;
    this.#call({ append: batch.map((p) => p.row) }).then(
      () => {
        this.#commitsInFlight--;
        this.#appended(batch);
      },
      (e: unknown) => {
        this.#commitsInFlight--;
        this.#appendFailed(batch, e);
      },
    );
  }

  #appended(batch: Pending[]): void {
    for (const p of batch) p.resolve();
    if (this.#total > this.#config.maxBytes) this.#makeRoom();
    // Rows that were not kept in memory can be read back now.
    for (const signal of new Set(batch.map((p) => p.row.signal))) this.#exporters.get(signal)?.kick();
  }

  #appendFailed(batch: Pending[], e: unknown): void {
    const err = toError(e);
    this.#logger.error({ err, requests: batch.length }, "spool commit failed; OTLP requests answered 503");
    // Not accepted: out of the counts and of memory (a send in flight finds it gone when done).
    for (const p of batch) {
      p.reject(err);
      const { seq, signal, body } = p.row;
      // Forwarded already, and forgotten then.
      if (!this.#deleting.has(seq)) this.#forget(seq, signal, body.length);
    }
  }

  #flushDeletes(): void {
    if (this.#deletes.length === 0) return;
    const seqs = this.#deletes;
    this.#deletes = [];
    // A delete writes a few pages per row (its leaves, the freed pages' list): a drained backlog's
    // long deletes go to the writer.
    const written = seqs.length * TRANSACTION_BYTES;
    if (this.#commitHere(written)) {
      try {
        this.#local.deleteAll(seqs);
      } catch (e: unknown) {
        this.#deleteFailed(seqs, e);
        return;
      }
      this.#wrote(written);
      for (const seq of seqs) this.#deleting.delete(seq);
      return;
    }
    this.#call({ delete: seqs }).then(
      () => {
        for (const seq of seqs) this.#deleting.delete(seq);
      },
      (e: unknown) => this.#deleteFailed(seqs, e),
    );
  }

  #deleteFailed(seqs: number[], e: unknown): void {
    // Tried again with the next deletes; until then the rows stay held back from the exporters.
    this.#logger.error({ err: toError(e), rows: seqs.length }, "spool delete failed; retried");
    this.#deletes.push(...seqs);
    setTimeout(() => this.#scheduleFlush(), 1000).unref();
  }

  /** The first row of `signal` after `after` that is not being deleted: from memory if it is there. */
  #take(signal: Signal, after: number): Row | undefined {
    if (this.#stopped) return undefined;
    if (after >= (this.#coldMax.get(signal) as number)) return this.#takeHot(signal, after);
    let cursor = after;
    for (;;) {
      const r = this.#nextSeq.get(signal, cursor) as { seq: number } | undefined;
      if (!r) return undefined;
      if (!this.#deleting.has(r.seq))
        return this.#hot.get(r.seq) ?? (this.#row.get(r.seq) as Row | undefined);
      cursor = r.seq;
    }
  }

  /** The first hot row of `signal` after `after` (every row past #coldMax is hot until it is done with). */
  #takeHot(signal: Signal, after: number): Row | undefined {
    const seqs = this.#hotSeqs.get(signal) as number[];
    // Done-with rows at the front go; the rest are found by binary search (a rewound cursor looks back).
    let drop = 0;
    while (drop < seqs.length && !this.#hot.has(seqs[drop] as number)) drop++;
    if (drop > 0) seqs.splice(0, drop);
    for (let i = firstAbove(seqs, seqs.length, after); i < seqs.length; i++) {
      const row = this.#hot.get(seqs[i] as number);
      if (row) return row;
    }
    return undefined;
  }

  /**
   * The row is done with (forwarded, refused, dropped): out of the counts now, its delete with the next
   * batch; until that is committed the exporters skip it.
   */
  #remove(seq: number, known?: { signal: Signal; bytes: number }): void {
    if (this.#deleting.has(seq)) return;
    const hot = this.#hot.get(seq);
    const row =
      known ??
      (hot ? { signal: hot.signal, bytes: hot.bytes } : undefined) ??
      (this.#rowInfo.get(seq) as { signal: Signal; bytes: number } | undefined);
    if (!row) return;
    this.#forget(seq, row.signal, row.bytes);
    this.#deleting.add(seq);
    this.#deletes.push(seq);
    this.#scheduleFlush();
  }

  /** A row leaves memory and the counts (forwarded, dropped, or never committed). */
  #forget(seq: number, signal: Signal, bytes: number): void {
    const hot = this.#hot.get(seq);
    if (hot) {
      this.#hot.delete(seq);
      this.#hotBytes -= hot.bytes;
    }
    const c = this.#counts.get(signal) as { depth: number; bytes: number };
    c.depth--;
    c.bytes -= bytes;
    this.#total -= bytes;
  }

  /** Oldest first, whatever the signal, until the spool is under its bound again. */
  #makeRoom(): void {
    const dropped = new Map<Signal, number>();
    let cursor = 0;
    while (this.#total > this.#config.maxBytes) {
      const rows = this.#oldestAny.all(cursor) as Array<{ seq: number; bytes: number; signal: Signal }>;
      if (rows.length === 0) break;
      for (const { seq, bytes, signal } of rows) {
        cursor = seq;
        if (this.#total <= this.#config.maxBytes) break;
        if (this.#deleting.has(seq)) continue;
        this.#remove(seq, { signal, bytes });
        dropped.set(signal, (dropped.get(signal) ?? 0) + 1);
      }
    }
    for (const [signal, n] of dropped) {
      this.#dropped.add(n, { signal, reason: "spool_full" });
      this.#logger.warn(
        { signal, dropped: n, maxBytes: this.#config.maxBytes },
        "spool full: the oldest telemetry was dropped (telemetry.spool.max_bytes)",
      );
    }
  }

  status(): SpoolSignalStatus[] {
    const now = this.#clock.now();
    return SIGNALS.map((signal) => {
      const c = this.#counts.get(signal) as { depth: number; bytes: number };
      const e = this.#exporters.get(signal) as SignalExporter;
      const first = this.#stopped
        ? undefined
        : (this.#oldest.get(signal) as { received_at: number } | undefined);
      return {
        signal,
        depth: c.depth,
        bytes: c.bytes,
        oldestAgeMs: first ? Math.max(0, now - first.received_at) : 0,
        exported: e.exported,
        failed: e.failed,
        dropped: e.dropped,
        circuit: e.circuit,
        lastError: e.lastError,
      };
    });
  }

  /**
   * Drains for up to `drainMs` (what is spooled keeps going out meanwhile), then stops sending, commits
   * what is pending and closes; what is still spooled stays for the next start. Safe twice.
   */
  stop(drainMs = 0): Promise<void> {
    this.#closing ??= (async () => {
      const until = Date.now() + drainMs;
      while (Date.now() < until && !this.#stopped && this.#writer) {
        const waiting = this.#appends.length + [...this.#counts.values()].reduce((n, c) => n + c.depth, 0);
        if (waiting === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const e of this.#exporters.values()) e.stop();
      this.#flushAppends();
      this.#flushDeletes();
      this.#stopped = true;
      const w = this.#writer;
      if (w) {
        // Replies come in order: once close is answered, every earlier commit is.
        await this.#call({ close: true }).catch(() => undefined);
        this.#writer = null;
        await w.terminate();
      }
      this.#db.close();
    })();
    return this.#closing;
  }
}

interface WriterReply {
  id: number;
  deleted?: Array<{ seq: number; signal: string; bytes: number }>;
  error?: { message: string; code?: string };
}
