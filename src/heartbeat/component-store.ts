import { join } from "node:path";
import type { Database as Db, Statement } from "better-sqlite3";
import type { Logger } from "pino";
import { toError } from "../errors.js";
import { openSqlite } from "../util/sqlite.js";
import {
  boundAttributes,
  COMPONENT_MESSAGE_LIMIT,
  type ComponentChanges,
  type ComponentError,
  type ComponentState,
  type Health,
  type HeartbeatMonitor,
  MAX_OPEN_RUNS,
  type PersistedComponent,
  type Signal,
  truncateText,
} from "./heartbeat-monitor.js";

/** How often changed components are written: what a crash (SIGKILL, power loss) may lose at most. */
export const PERSIST_INTERVAL_MS = 1000;

const MIGRATIONS = [
  `CREATE TABLE components (
     name TEXT PRIMARY KEY,
     declared INTEGER NOT NULL,
     last_beat INTEGER,
     data TEXT NOT NULL
   ) WITHOUT ROWID;`,
];

const NAME = /^[A-Za-z0-9_.:-]{1,128}$/;
const STATES: readonly ComponentState[] = ["UNKNOWN", "UP", "LATE", "DOWN"];
const HEALTHS: readonly Health[] = ["OK", "DEGRADED", "FAILING"];
const SIGNALS: readonly Signal[] = ["ALIVE", "START", "SUCCESS", "FAIL"];

/**
 * Component state in `data_dir/heartbeats.db` (SQLite, WAL, synchronous NORMAL), so a restart of
 * Vigil alone neither forgets a component nor turns DOWN into UNKNOWN. Beats never write: the monitor
 * marks what changed, and `flush()` (the scheduler's `heartbeat-persist` task, every
 * PERSIST_INTERVAL_MS, and `stop()`) writes it in one transaction. A crash loses at most that window;
 * a SIGTERM loses nothing. One row per component, so the file holds at most as many rows as the
 * monitor holds components (heartbeats.max_components plus the declared ones).
 */
export class ComponentStore {
  readonly path: string;
  readonly #logger: Logger;
  readonly #monitor: HeartbeatMonitor;
  readonly #maxRows: () => number;
  #db: Db | null = null;
  #s: { upsert: Statement; remove: Statement } | null = null;
  #stopping: Promise<void> | null = null;

  constructor(opts: { dataDir: string; logger: Logger; monitor: HeartbeatMonitor; maxRows: () => number }) {
    this.path = join(opts.dataDir, "heartbeats.db");
    this.#logger = opts.logger.child({ component: "heartbeat-store" });
    this.#monitor = opts.monitor;
    this.#maxRows = opts.maxRows;
  }

  get isOpen(): boolean {
    return this.#db !== null;
  }

  /**
   * Opens (creating or migrating) the file and restores its components into the monitor; a corrupt
   * file is moved aside (openSqlite) and Vigil starts with no kept component state. Rows that do
   * not read back as a component are logged and deleted, never a failed start.
   */
  start(): void {
    if (this.#db || this.#stopping) return;
    const db = openSqlite({
      path: this.path,
      migrations: MIGRATIONS,
      pragmas: ["journal_mode = WAL", "synchronous = NORMAL", "busy_timeout = 5000"],
      logger: this.#logger,
      corruptMessage: "heartbeats.db is corrupt; moved it aside and started with no kept component state",
    });
    this.#db = db;
    this.#s = {
      upsert: db.prepare(
        `INSERT INTO components (name, declared, last_beat, data) VALUES (@name, @declared, @last_beat, @data)
         ON CONFLICT(name) DO UPDATE SET declared = excluded.declared, last_beat = excluded.last_beat, data = excluded.data`,
      ),
      remove: db.prepare("DELETE FROM components WHERE name = ?"),
    };
    const limit = this.#maxRows();
    // Declared first, then the most recent beats: a lowered max_components keeps the live ones.
    const rows = db
      .prepare("SELECT name, data FROM components ORDER BY declared DESC, last_beat DESC LIMIT ?")
      .all(limit) as Array<{ name: string; data: string }>;
    const good: PersistedComponent[] = [];
    const bad: string[] = [];
    for (const row of rows) {
      const c = parseRow(row.name, row.data);
      if (c) good.push(c);
      else bad.push(row.name);
    }
    if (bad.length > 0)
      this.#logger.warn({ rows: bad.length, first: bad[0] }, "heartbeats.db rows not readable; dropped");
    const dropped = this.#monitor.restore(good);
    db.transaction(() => {
      for (const name of [...bad, ...dropped]) this.#s?.remove.run(name);
      const beyond = db
        .prepare(
          "DELETE FROM components WHERE name NOT IN (SELECT name FROM components ORDER BY declared DESC, last_beat DESC LIMIT ?)",
        )
        .run(limit).changes;
      if (beyond > 0)
        this.#logger.warn(
          { rows: beyond, limit },
          "heartbeats.db held more components than the limit; dropped the oldest",
        );
    })();
    if (good.length > 0)
      this.#logger.info({ components: good.length - dropped.length }, "component state restored");
    // Restoring re-applies config (declared components, released ones): write that out at once.
    this.flush();
  }

  /** Writes what changed since the last flush in one transaction; on failure it stays queued and this throws. */
  flush(): void {
    const db = this.#db;
    const s = this.#s;
    if (!db || !s) return;
    const changes = this.#monitor.takeChanges();
    if (changes.upserts.length === 0 && changes.removed.length === 0) return;
    try {
      db.transaction((c: ComponentChanges) => {
        for (const name of c.removed) s.remove.run(name);
        for (const u of c.upserts)
          s.upsert.run({
            name: u.name,
            declared: u.declared ? 1 : 0,
            last_beat: u.lastBeat,
            data: JSON.stringify(u),
          });
      })(changes);
    } catch (e) {
      this.#monitor.requeueChanges(changes);
      throw new Error(`heartbeats.db: write failed: ${toError(e).message}`);
    }
  }

  /** Writes the last changes and closes the file; safe before start and twice. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const db = this.#db;
      if (!db) return;
      try {
        this.flush();
      } catch (e) {
        this.#logger.error({ err: toError(e) }, "component state not written at stop");
      } finally {
        db.close();
        this.#db = null;
        this.#s = null;
      }
    })();
    return this.#stopping;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const isTime = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isDuration = (v: unknown): v is number | null => v === null || (isTime(v) && v > 0);

/**
 * One row back as a component, or null when it is not one (a file edited by hand, or written by
 * something else): every field checked and bounded as a beat would be, so a row can never carry more
 * than a beat could.
 */
export function parseRow(name: string, data: string): PersistedComponent | null {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(v) || v.name !== name || !NAME.test(name)) return null;
  if (typeof v.declared !== "boolean" || !isDuration(v.intervalMs) || !isDuration(v.graceMs)) return null;
  if (!HEALTHS.includes(v.health as Health) || !STATES.includes(v.reportedState as ComponentState))
    return null;
  if (typeof v.message !== "string" || !isTime(v.registeredAt)) return null;
  if (v.lastBeat !== null && !isTime(v.lastBeat)) return null;
  if (!Number.isSafeInteger(v.beatCount) || (v.beatCount as number) < 0) return null;
  if (!isObject(v.attributes) || !Object.values(v.attributes).every((x) => typeof x === "string"))
    return null;
  if (!Array.isArray(v.errors) || !Array.isArray(v.runs) || !isObject(v.received)) return null;
  const errors: ComponentError[] = [];
  for (const e of v.errors.slice(0, 10)) {
    if (!isObject(e) || !isTime(e.time) || typeof e.message !== "string") return null;
    if (!HEALTHS.includes(e.health as Health) || !STATES.includes(e.state as ComponentState)) return null;
    errors.push({
      time: e.time,
      message: truncateText(e.message, COMPONENT_MESSAGE_LIMIT),
      health: e.health as Health,
      state: e.state as ComponentState,
    });
  }
  const runs: Array<[string, number]> = [];
  for (const r of v.runs.slice(-MAX_OPEN_RUNS)) {
    if (!Array.isArray(r) || typeof r[0] !== "string" || r[0].length > 64 || !isTime(r[1])) return null;
    runs.push([r[0], r[1]]);
  }
  const received = { ALIVE: 0, START: 0, SUCCESS: 0, FAIL: 0 } as Record<Signal, number>;
  for (const sig of SIGNALS) {
    const n = v.received[sig];
    if (n !== undefined && (!Number.isSafeInteger(n) || (n as number) < 0)) return null;
    received[sig] = (n as number | undefined) ?? 0;
  }
  return {
    name,
    declared: v.declared,
    intervalMs: v.intervalMs,
    graceMs: v.graceMs,
    health: v.health as Health,
    message: truncateText(v.message, COMPONENT_MESSAGE_LIMIT),
    attributes: boundAttributes(v.attributes as Record<string, string>),
    lastBeat: v.lastBeat as number | null,
    beatCount: v.beatCount as number,
    errors,
    registeredAt: v.registeredAt,
    runs,
    reportedState: v.reportedState as ComponentState,
    received,
  };
}
