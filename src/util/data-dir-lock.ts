import { closeSync, constants, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Database as Db } from "better-sqlite3";

/** The data dir is held by another running process. */
export class DataDirInUse extends Error {
  readonly pid: number | null;
  constructor(dir: string, pid: number | null) {
    super(
      `data dir ${dir} is in use by ${pid === null ? "another process" : `pid ${pid}`}: one Vigil per data dir (stop the other, or give this one another data_dir / VIGIL_DATA_DIR)`,
    );
    this.name = "DataDirInUse";
    this.pid = pid;
  }
}

/**
 * One Vigil per data dir. The lock is SQLite's own file lock on `vigil.lock`
 * (POSIX fcntl, taken by an EXCLUSIVE transaction in exclusive locking mode
 * and held until the connection closes): the kernel drops it when the process
 * ends in any way, SIGKILL included, so there is never a stale lock to remove
 * by hand. `vigil.pid` names the holder for the message a second instance
 * prints; it is only informative — the lock is the truth.
 */
export class DataDirLock {
  readonly #db: Db;
  readonly dir: string;

  private constructor(dir: string, db: Db) {
    this.dir = dir;
    this.#db = db;
  }

  /** Takes the lock or throws DataDirInUse; creates the directory (0700) if needed. */
  static acquire(dir: string): DataDirLock {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, "vigil.lock");
    // Created 0600 and never through a symlink, like Vigil's other files.
    closeSync(openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600));
    const Database = createRequire(import.meta.url)("better-sqlite3") as typeof import("better-sqlite3");
    const db = new Database(path, { timeout: 0 });
    try {
      db.pragma("locking_mode = EXCLUSIVE");
      db.exec("BEGIN EXCLUSIVE");
      db.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER)");
      // A write, so that exclusive locking mode keeps the EXCLUSIVE lock until the connection closes.
      db.exec("DELETE FROM holder");
      db.prepare("INSERT INTO holder (pid) VALUES (?)").run(process.pid);
      db.exec("COMMIT");
    } catch (e) {
      db.close();
      const code = (e as { code?: string }).code;
      if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") throw new DataDirInUse(dir, holderPid(dir));
      throw e;
    }
    const pidFile = join(dir, "vigil.pid");
    const fd = openSync(
      pidFile,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      0o600,
    );
    try {
      writeFileSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    return new DataDirLock(dir, db);
  }

  /** Gives the lock up (the process's exit does too). */
  release(): void {
    if (this.#db.open) this.#db.close();
  }
}

function holderPid(dir: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(join(dir, "vigil.pid"), "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
