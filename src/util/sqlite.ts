import { closeSync, constants, existsSync, fchmodSync, fstatSync, openSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import { basename } from "node:path";
import type { Database as Db } from "better-sqlite3";
import type { Logger } from "pino";

export interface SqliteOptions {
  path: string;
  /** Schema migrations, in order; `PRAGMA user_version` counts those applied. */
  migrations: readonly string[];
  /** Applied at every open, before the check (auto_vacuum must come before the first table). */
  pragmas: readonly string[];
  logger: Logger;
  /** The log line when a corrupt file was moved aside (what the user lost). */
  corruptMessage: string;
}

/**
 * Opens (creating or migrating) one of Vigil's SQLite files. A corrupt file
 * (failed quick_check, or not a database) is moved aside with its WAL to
 * `<file>.corrupt-<time>` and a fresh one started: a clear error in the log,
 * never a crash loop. A schema newer than this Vigil knows is an error.
 * better-sqlite3 is loaded on first use: a sidecar that needs no file never loads it.
 */
export function openSqlite(opts: SqliteOptions): Db {
  try {
    return openChecked(opts);
  } catch (e) {
    const err = e as Error & { code?: string };
    if (!existsSync(opts.path) || (err.code !== "SQLITE_CORRUPT" && err.code !== "SQLITE_NOTADB")) throw e;
    const aside = `${opts.path}.corrupt-${new Date().toISOString().replace(/[-:.]/g, "")}`;
    for (const suffix of ["", "-wal", "-shm"])
      if (existsSync(opts.path + suffix)) renameSync(opts.path + suffix, aside + suffix);
    opts.logger.error({ err: { code: err.code, message: err.message }, movedTo: aside }, opts.corruptMessage);
    return openChecked(opts);
  }
}

function openChecked(opts: SqliteOptions): Db {
  const Database = createRequire(import.meta.url)("better-sqlite3") as typeof import("better-sqlite3");
  ownerOnly(opts.path, opts.logger);
  const db = new Database(opts.path);
  try {
    for (const p of opts.pragmas) db.pragma(p);
    const check = db.pragma("quick_check", { simple: true });
    if (check !== "ok") {
      const err = new Error(`integrity check failed: ${String(check)}`) as Error & { code: string };
      err.code = "SQLITE_CORRUPT";
      throw err;
    }
    const version = db.pragma("user_version", { simple: true }) as number;
    const known = opts.migrations.length;
    if (version > known)
      throw new Error(
        `${basename(opts.path)} has schema version ${version}, newer than this Vigil knows (${known}); use a newer Vigil or another data_dir`,
      );
    for (let v = version; v < known; v++) {
      db.transaction(() => {
        db.exec(opts.migrations[v] as string);
        db.pragma(`user_version = ${v + 1}`);
      })();
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * Creates `path` mode 0600 if it is missing, and tightens it and its -wal/-shm to 0600 if they
 * are looser (files of an older Vigil). SQLite creates a database 0644 (less the umask) and gives
 * its -wal/-shm the database's mode, so a database created 0600 first keeps all three private.
 * Opened with O_NOFOLLOW: a symlink planted at one of these names is refused rather than followed
 * (the queue written elsewhere, or the mode of the file it points to changed).
 */
function ownerOnly(path: string, logger: Logger): void {
  for (const suffix of ["", "-wal", "-shm"]) {
    const file = path + suffix;
    let fd: number;
    try {
      fd = openSync(
        file,
        constants.O_RDONLY | constants.O_NOFOLLOW | (suffix === "" ? constants.O_CREAT : 0),
        0o600,
      );
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" && suffix !== "") continue;
      if (code === "ELOOP")
        throw Object.assign(
          new Error(`${file} is a symlink; Vigil does not follow symlinks for its data files (remove it)`),
          { code },
        );
      throw e;
    }
    try {
      if ((fstatSync(fd).mode & 0o077) !== 0) fchmodSync(fd, 0o600);
    } catch (e) {
      // Not ours to change (another owner): SQLite still opens it; say so.
      logger.warn(
        { file, err: { code: (e as NodeJS.ErrnoException).code } },
        "cannot make data file mode 0600",
      );
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * The last seq an AUTOINCREMENT key of `table` (column `seq`) has given: its high-water mark in
 * sqlite_sequence, which outlives deleted rows, or the highest row. A thread that gives seqs
 * itself continues from here, so no seq is ever given twice.
 */
export function lastAutoincrementSeq(db: Db, table: string): number {
  return db
    .prepare(
      `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0), coalesce((SELECT max(seq) FROM "${table}"), 0))`,
    )
    .pluck()
    .get(table) as number;
}

/** Closes a WAL database after truncating its -wal file (closing checkpoints anyway; this keeps it small). */
export function checkpointAndClose(db: Db): void {
  try {
    db.pragma("wal_checkpoint(TRUNCATE)");
  } catch {
    // Busy or failed: close() checkpoints what it can.
  }
  db.close();
}

/**
 * The pragmas of every connection to `queue.db` and `spool.db`, the main thread's and the writer
 * thread's: WAL, the configured durability, a wait rather than SQLITE_BUSY while the other connection
 * writes, and a 2 MiB page cache. better-sqlite3 builds SQLite with 16 MiB per connection, and with a
 * large backlog each connection filled it (queue.db's two took 20 MiB of the sidecar's RSS with
 * 1,000,000 messages queued); both files are queues written at one end and deleted at the other, so
 * their working set is a few dozen pages, and bodies are read once.
 */
export function queuePragmas(sync: "full" | "normal"): string[] {
  return [
    "journal_mode = WAL",
    `synchronous = ${sync === "full" ? "FULL" : "NORMAL"}`,
    "busy_timeout = 5000",
    "cache_size = -2048",
  ];
}

/**
 * The writer thread's connection to a file the main thread already opened (and migrated), with the
 * same pragmas (`queuePragmas`).
 */
export function openWriter(path: string, sync: "full" | "normal"): Db {
  const Database = createRequire(import.meta.url)("better-sqlite3") as typeof import("better-sqlite3");
  const db = new Database(path);
  for (const p of queuePragmas(sync)) db.pragma(p);
  return db;
}
