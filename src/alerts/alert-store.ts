import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Database as Db, Statement } from "better-sqlite3";
import type { Logger } from "pino";
import { openSqlite } from "../util/sqlite.js";

export type AlertStateName = "pending" | "firing" | "resolved";
export type Severity = "info" | "warning" | "critical";

/** What one notifier has been told about one alert. */
export interface NotifyState {
  /** When the firing alert was last sent (first send or a repeat); null = never. */
  sentAt: number | null;
  /** The resolve was sent. */
  resolvedSent: boolean;
}

export interface Acknowledgement {
  by: string;
  at: number;
  comment: string;
}

/** One alert instance: from the first evaluation its condition held until it resolved. */
export interface AlertRecord {
  /** Row id; 0 until first saved. */
  id: number;
  rule: string;
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  severity: Severity;
  state: AlertStateName;
  value: number;
  activeSince: number;
  firedAt: number | null;
  resolvedAt: number | null;
  /** Last evaluation at which the condition held. */
  lastTrue: number;
  acknowledged: Acknowledgement | null;
  resolvedBy: string | null;
  resolveComment: string;
  notified: Record<string, NotifyState>;
}

export type MatchOp = "=" | "!=" | "=~" | "!~";

export interface SilenceMatcher {
  name: string;
  value: string;
  op: MatchOp;
}

export interface Silence {
  id: string;
  matchers: SilenceMatcher[];
  startsAt: number;
  endsAt: number;
  comment: string;
  createdBy: string;
}

const MIGRATIONS = [
  `CREATE TABLE alerts (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     fingerprint TEXT NOT NULL,
     rule TEXT NOT NULL,
     labels TEXT NOT NULL,
     annotations TEXT NOT NULL,
     severity TEXT NOT NULL,
     state TEXT NOT NULL,
     value REAL NOT NULL,
     active_since INTEGER NOT NULL,
     fired_at INTEGER,
     resolved_at INTEGER,
     last_true INTEGER NOT NULL,
     ack TEXT,
     resolved_by TEXT,
     resolve_comment TEXT NOT NULL DEFAULT '',
     notified TEXT NOT NULL DEFAULT '{}',
     done INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX alerts_open ON alerts (done) WHERE done = 0;
   CREATE INDEX alerts_resolved ON alerts (resolved_at);
   CREATE INDEX alerts_fingerprint ON alerts (fingerprint, fired_at);
   CREATE TABLE silences (
     id TEXT PRIMARY KEY,
     matchers TEXT NOT NULL,
     starts_at INTEGER NOT NULL,
     ends_at INTEGER NOT NULL,
     comment TEXT NOT NULL,
     created_by TEXT NOT NULL
   );`,
];

interface AlertRow {
  id: number;
  fingerprint: string;
  rule: string;
  labels: string;
  annotations: string;
  severity: string;
  state: string;
  value: number;
  active_since: number;
  fired_at: number | null;
  resolved_at: number | null;
  last_true: number;
  ack: string | null;
  resolved_by: string | null;
  resolve_comment: string;
  notified: string;
}

/**
 * Alert state and history in `data_dir/alerts.db` (SQLite, WAL, synchronous
 * NORMAL: transitions are rare, and a row lost to power failure costs one
 * repeated notification, never a forgotten alert that still holds). An alert
 * row is "open" (`done = 0`) while it is pending or firing, or resolved with a
 * resolve notification still to send; open rows are loaded at start.
 */
export class AlertStore {
  readonly path: string;
  readonly #logger: Logger;
  #db: Db | null = null;
  #s: ReturnType<AlertStore["prepare"]> | null = null;

  constructor(opts: { dataDir: string; logger: Logger }) {
    this.path = join(opts.dataDir, "alerts.db");
    this.#logger = opts.logger;
  }

  get isOpen(): boolean {
    return this.#db !== null;
  }

  get exists(): boolean {
    return existsSync(this.path);
  }

  /** Opens (creating or migrating) the file; a corrupt file is moved aside and a new one started. */
  open(): void {
    if (this.#db) return;
    const db = openSqlite({
      path: this.path,
      migrations: MIGRATIONS,
      pragmas: ["journal_mode = WAL", "synchronous = NORMAL", "busy_timeout = 5000"],
      logger: this.#logger,
      corruptMessage: "alerts.db is corrupt; moved it aside and started with no alert history",
    });
    this.#db = db;
    this.#s = this.prepare(db);
  }

  close(): void {
    this.#db?.close();
    this.#db = null;
    this.#s = null;
  }

  private prepare(db: Db) {
    return {
      insert: db.prepare(
        `INSERT INTO alerts (fingerprint, rule, labels, annotations, severity, state, value, active_since,
           fired_at, resolved_at, last_true, ack, resolved_by, resolve_comment, notified, done)
         VALUES (@fingerprint, @rule, @labels, @annotations, @severity, @state, @value, @active_since,
           @fired_at, @resolved_at, @last_true, @ack, @resolved_by, @resolve_comment, @notified, @done)`,
      ),
      update: db.prepare(
        `UPDATE alerts SET annotations = @annotations, state = @state, value = @value, fired_at = @fired_at,
           resolved_at = @resolved_at, last_true = @last_true, ack = @ack, resolved_by = @resolved_by,
           resolve_comment = @resolve_comment, notified = @notified, done = @done WHERE id = @id`,
      ),
      remove: db.prepare("DELETE FROM alerts WHERE id = ?"),
      open: db.prepare("SELECT * FROM alerts WHERE done = 0 ORDER BY id") as Statement<[], AlertRow>,
      history: db.prepare(
        "SELECT * FROM alerts WHERE resolved_at IS NOT NULL AND resolved_at >= ? ORDER BY resolved_at DESC LIMIT ?",
      ) as Statement<[number, number], AlertRow>,
      changes: db.prepare(
        `SELECT fingerprint, fired_at AS t FROM alerts WHERE fired_at >= @from
         UNION ALL SELECT fingerprint, resolved_at AS t FROM alerts WHERE resolved_at >= @from AND fired_at IS NOT NULL`,
      ) as Statement<[{ from: number }], { fingerprint: string; t: number }>,
      prune: db.prepare("DELETE FROM alerts WHERE done = 1 AND resolved_at < ?"),
      silenceUpsert: db.prepare(
        `INSERT INTO silences (id, matchers, starts_at, ends_at, comment, created_by)
         VALUES (@id, @matchers, @starts_at, @ends_at, @comment, @created_by)
         ON CONFLICT(id) DO UPDATE SET ends_at = excluded.ends_at`,
      ),
      silences: db.prepare("SELECT * FROM silences WHERE ends_at > ?") as Statement<
        [number],
        {
          id: string;
          matchers: string;
          starts_at: number;
          ends_at: number;
          comment: string;
          created_by: string;
        }
      >,
      silencePrune: db.prepare("DELETE FROM silences WHERE ends_at < ?"),
    };
  }

  get #stmts() {
    if (this.#s === null) throw new Error("alert store: not open");
    return this.#s;
  }

  /** Inserts or updates one alert; `done` = nothing more will happen to it. */
  save(a: AlertRecord, done: boolean): void {
    const row = {
      fingerprint: a.fingerprint,
      rule: a.rule,
      labels: JSON.stringify(a.labels),
      annotations: JSON.stringify(a.annotations),
      severity: a.severity,
      state: a.state,
      value: Number.isFinite(a.value) ? a.value : 0,
      active_since: a.activeSince,
      fired_at: a.firedAt,
      resolved_at: a.resolvedAt,
      last_true: a.lastTrue,
      ack: a.acknowledged ? JSON.stringify(a.acknowledged) : null,
      resolved_by: a.resolvedBy,
      resolve_comment: a.resolveComment,
      notified: JSON.stringify(a.notified),
      done: done ? 1 : 0,
    };
    if (a.id === 0) a.id = Number(this.#stmts.insert.run(row).lastInsertRowid);
    else this.#stmts.update.run({ ...row, id: a.id });
  }

  /** A pending alert that never fired leaves no history. */
  remove(a: AlertRecord): void {
    if (a.id !== 0) this.#stmts.remove.run(a.id);
  }

  loadOpen(): AlertRecord[] {
    return this.#stmts.open.all().map(fromRow);
  }

  history(since: number, limit: number): AlertRecord[] {
    return this.#stmts.history.all(since, limit).map(fromRow);
  }

  /** Times each fingerprint fired or resolved since `from` (flap detection after a restart). */
  changesSince(from: number): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const r of this.#stmts.changes.all({ from })) {
      let list = out.get(r.fingerprint);
      if (!list) {
        list = [];
        out.set(r.fingerprint, list);
      }
      list.push(r.t);
    }
    for (const list of out.values()) list.sort((a, b) => a - b);
    return out;
  }

  saveSilence(s: Silence): void {
    this.#stmts.silenceUpsert.run({
      id: s.id,
      matchers: JSON.stringify(s.matchers),
      starts_at: s.startsAt,
      ends_at: s.endsAt,
      comment: s.comment,
      created_by: s.createdBy,
    });
  }

  loadSilences(now: number): Silence[] {
    return this.#stmts.silences.all(now).map((r) => ({
      id: r.id,
      matchers: JSON.parse(r.matchers) as SilenceMatcher[],
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      comment: r.comment,
      createdBy: r.created_by,
    }));
  }

  /** Deletes history resolved before `before` and silences that ended before it. */
  prune(before: number): number {
    const n = this.#stmts.prune.run(before).changes;
    this.#stmts.silencePrune.run(before);
    return n;
  }
}

function fromRow(r: AlertRow): AlertRecord {
  return {
    id: r.id,
    rule: r.rule,
    fingerprint: r.fingerprint,
    labels: JSON.parse(r.labels) as Record<string, string>,
    annotations: JSON.parse(r.annotations) as Record<string, string>,
    severity: r.severity as Severity,
    state: r.state as AlertStateName,
    value: r.value,
    activeSince: r.active_since,
    firedAt: r.fired_at,
    resolvedAt: r.resolved_at,
    lastTrue: r.last_true,
    acknowledged: r.ack ? (JSON.parse(r.ack) as Acknowledgement) : null,
    resolvedBy: r.resolved_by,
    resolveComment: r.resolve_comment,
    notified: JSON.parse(r.notified) as Record<string, NotifyState>,
  };
}
