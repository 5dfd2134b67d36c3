import { join } from "node:path";
import type { Counter, Meter } from "@opentelemetry/api";
import type { Database, Statement } from "better-sqlite3";
import { CircuitState, ConsecutiveBreaker, circuitBreaker, ExponentialBackoff, handleAll } from "cockatiel";
import type { Logger } from "pino";
import { toError } from "../errors.js";
import type { ClientTlsFiles } from "../util/client-tls.js";
import type { Clock } from "../util/clock.js";
import { DeliveryError } from "../util/delivery-error.js";
import { HttpPoster } from "../util/http-poster.js";
import { openSqlite } from "../util/sqlite.js";

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
  #running = false;
  #stopped = false;
  readonly #next: () => Row | undefined;
  readonly #done: (seq: number) => void;
  readonly #logger: Logger;
  readonly #config: SpoolConfig;
  readonly #inst: { exported: Counter; failed: Counter; dropped: Counter };

  constructor(opts: {
    signal: Signal;
    upstream: SpoolUpstream;
    config: SpoolConfig;
    logger: Logger;
    next: () => Row | undefined;
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
      maxSockets: 1,
    });
    this.#backoff = new ExponentialBackoff({
      initialDelay: opts.config.retry.initialMs,
      maxDelay: opts.config.retry.maxMs,
    });
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: opts.config.retry.maxMs,
      breaker: new ConsecutiveBreaker(5),
    });
    this.breaker.onBreak(() =>
      this.#logger.warn({ signal: this.signal, lastError: this.lastError }, "spool export circuit opened"),
    );
    this.breaker.onReset(() => this.#logger.info({ signal: this.signal }, "spool export circuit closed"));
  }

  /** Something new to send: start now unless a send or a backoff wait is under way. */
  kick(): void {
    if (this.#running || this.#timer || this.#stopped) return;
    void this.#run();
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      for (let row = this.#next(); row && !this.#stopped; row = this.#next()) {
        const r = row;
        try {
          const ac = new AbortController();
          const t = setTimeout(() => ac.abort(), this.#config.timeoutMs);
          try {
            await this.breaker.execute(() =>
              this.#poster.post(r.body, { "content-type": r.content_type }, ac.signal),
            );
          } finally {
            clearTimeout(t);
          }
          this.#done(r.seq);
          this.exported++;
          this.#inst.exported.add(1, { signal: this.signal });
          this.#attempt = 0;
          this.lastError = null;
        } catch (e: unknown) {
          const err = toError(e);
          if (e instanceof DeliveryError && e.kind === "permanent") {
            // The collector refuses this request for good (a 4xx): retrying would block everything behind it.
            this.#done(r.seq);
            this.dropped++;
            this.#inst.dropped.add(1, { signal: this.signal, reason: "rejected" });
            this.#logger.warn(
              { signal: this.signal, error: err.message },
              "spooled telemetry rejected by the collector; dropped",
            );
            continue;
          }
          this.failed++;
          this.#inst.failed.add(1, { signal: this.signal });
          this.lastError = err.message;
          let wait = this.#delay(this.#attempt++);
          if (e instanceof DeliveryError && e.retryAfterMs > 0)
            wait = Math.min(e.retryAfterMs, this.#config.retry.maxMs);
          this.#timer = setTimeout(() => {
            this.#timer = null;
            this.kick();
          }, wait);
          this.#timer.unref();
          return;
        }
      }
    } finally {
      this.#running = false;
    }
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

/**
 * The OTLP spool: every request the receiver accepts is committed to `spool.db` before it is answered,
 * then sent to the collector, oldest first per signal, with retry, backoff and a breaker. Bounded by
 * `maxBytes`: when full, the oldest requests are dropped, counted in `vigil.spool.dropped{reason}` and
 * logged, never silently. Requests are stored and forwarded as the bot encoded them (protobuf or JSON).
 */
export class Spool {
  readonly #db: Database;
  readonly #insert: Statement;
  readonly #next: Statement;
  readonly #delete: Statement;
  readonly #oldest: Statement;
  readonly #oldestAny: Statement;
  readonly #config: SpoolConfig;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #exporters = new Map<Signal, SignalExporter>();
  readonly #dropped: Counter;
  readonly #counts = new Map<Signal, { depth: number; bytes: number }>();
  #total = 0;
  #stopped = false;

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
    this.#db = openSqlite({
      path: join(opts.dataDir, "spool.db"),
      migrations: MIGRATIONS,
      pragmas: [
        "auto_vacuum = INCREMENTAL",
        "journal_mode = WAL",
        `synchronous = ${opts.config.sync === "full" ? "FULL" : "NORMAL"}`,
      ],
      logger: this.#logger,
      corruptMessage: "spool.db is corrupt; moved it aside and started an empty spool",
    });
    this.#insert = this.#db.prepare(
      "INSERT INTO spool (signal, content_type, body, bytes, received_at) VALUES (?, ?, ?, ?, ?)",
    );
    this.#next = this.#db.prepare(
      "SELECT seq, content_type, body, bytes, received_at FROM spool WHERE signal = ? ORDER BY seq LIMIT 1",
    );
    this.#delete = this.#db.prepare("DELETE FROM spool WHERE seq = ? RETURNING signal, bytes");
    this.#oldest = this.#db.prepare("SELECT received_at FROM spool WHERE signal = ? ORDER BY seq LIMIT 1");
    this.#oldestAny = this.#db.prepare("SELECT seq FROM spool ORDER BY seq LIMIT 64");
    for (const s of SIGNALS) this.#counts.set(s, { depth: 0, bytes: 0 });
    for (const r of this.#db
      .prepare("SELECT signal, COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM spool GROUP BY signal")
      .all() as Array<{ signal: Signal; n: number; b: number }>) {
      this.#counts.set(r.signal, { depth: r.n, bytes: r.b });
      this.#total += r.b;
    }
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
          next: () => (this.#stopped ? undefined : (this.#next.get(signal) as Row | undefined)),
          done: (seq) => this.#remove(seq),
        }),
      );
    }
  }

  /** Starts exporting what a previous run left in the spool. */
  start(): void {
    for (const e of this.#exporters.values()) e.kick();
  }

  /** Commits one request (durable when this returns), making room by dropping the oldest if needed. */
  append(signal: Signal, contentType: string, body: Buffer): void {
    if (this.#stopped) throw new Error("spool: stopped");
    const bytes = body.length;
    this.#insert.run(signal, contentType, body, bytes, this.#clock.now());
    const c = this.#counts.get(signal) as { depth: number; bytes: number };
    c.depth++;
    c.bytes += bytes;
    this.#total += bytes;
    if (this.#total > this.#config.maxBytes) this.#makeRoom();
    this.#exporters.get(signal)?.kick();
  }

  #remove(seq: number): { signal: Signal; bytes: number } | undefined {
    const r = this.#delete.get(seq) as { signal: Signal; bytes: number } | undefined;
    if (!r) return undefined;
    const c = this.#counts.get(r.signal) as { depth: number; bytes: number };
    c.depth--;
    c.bytes -= r.bytes;
    this.#total -= r.bytes;
    return r;
  }

  /** Oldest first, whatever the signal, until the spool is under its bound again. */
  #makeRoom(): void {
    const dropped = new Map<Signal, number>();
    while (this.#total > this.#config.maxBytes) {
      const seqs = this.#oldestAny.all() as Array<{ seq: number }>;
      if (seqs.length === 0) break;
      for (const { seq } of seqs) {
        if (this.#total <= this.#config.maxBytes) break;
        const r = this.#remove(seq);
        if (r) dropped.set(r.signal, (dropped.get(r.signal) ?? 0) + 1);
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

  /** Stops sending; what is still spooled stays on disk for the next start. Safe twice. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const e of this.#exporters.values()) e.stop();
    try {
      this.#db.pragma("wal_checkpoint(TRUNCATE)");
    } catch {
      // Closing checkpoints anyway.
    }
    this.#db.close();
  }
}
