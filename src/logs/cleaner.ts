import { constants } from "node:fs";
import { type FileHandle, lstat, open, readdir, readlink, realpath, stat, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Counter, Meter } from "@opentelemetry/api";
import picomatch from "picomatch";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import { toError } from "../errors.js";
import type { Clock } from "../util/clock.js";

export type CleanerConfig = Config["logs"]["cleaner"];

export interface CleanupReport {
  filesDeleted: number;
  bytesFreed: number;
  errors: string[];
  durationMs: number;
  dryRun: boolean;
  /** Paths relative to the data dir, deleted (or, on a dry run, that would be). */
  files: string[];
  /** When the run started. */
  startedAt: number;
}

interface Candidate {
  path: string;
  rel: string;
  size: number;
  mtimeMs: number;
  /** The directory it is in (relative to the data dir, "" for the data dir) and its identity. */
  dirRel: string;
  dirId: string;
  name: string;
  id: string;
}

/** Directories the walk never enters: nothing of Vigil's own state is a cleaner's business. */
const SKIP_DIRS = new Set(["config-versions"]);
/** Deeper directories are not walked (and said so): the walk holds one descriptor per level. */
const MAX_DEPTH = 32;
/** A run reports at most this many errors, then how many more there were. */
const MAX_ERRORS = 100;
/** Opens a directory only if the name itself is one: a symlink gives ELOOP, a file ENOTDIR. */
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/**
 * A directory the cleaner holds open. On Linux every path below it goes through
 * `/proc/self/fd/<fd>/`, which resolves to this very directory whatever has been renamed or
 * swapped for a symlink since (the openat/unlinkat of a runtime that has neither): a directory
 * opened inside the data dir stays the one that is read and deleted in. Elsewhere (no procfs)
 * paths are plain and the real path is checked before each use: that only narrows the window — the
 * swap test (test/regression/cleaner-symlink-swap.test.ts) still wins the race against it — so
 * production runs on Linux, where the race is closed.
 */
class OpenDir {
  readonly fh: FileHandle;
  /** Where it should be: the data dir's real path joined with `rel`. */
  readonly path: string;
  readonly rel: string;
  readonly id: string;
  readonly #viaProc: boolean;

  constructor(fh: FileHandle, path: string, rel: string, id: string, viaProc: boolean) {
    this.fh = fh;
    this.path = path;
    this.rel = rel;
    this.id = id;
    this.#viaProc = viaProc;
  }

  /** The path of `name` in this directory ("" for the directory itself). */
  at(name: string): string {
    const base = this.#viaProc ? `/proc/self/fd/${this.fh.fd}` : this.path;
    return name === "" ? base : `${base}/${name}`;
  }

  /** Whether the directory is still where it was opened, inside the data dir: checked right before deleting in it. */
  async inPlace(): Promise<boolean> {
    try {
      return (await realpath(this.at(""))) === this.path;
    } catch {
      return false;
    }
  }

  /** Opens the directory `name` in this one, never through a symlink; null if it is not a directory (now). */
  async child(name: string): Promise<OpenDir | null> {
    let fh: FileHandle;
    try {
      fh = await open(this.at(name), DIR_FLAGS);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Swapped for a symlink or a file, or removed, since it was listed: not followed.
      if (code === "ELOOP" || code === "ENOTDIR" || code === "ENOENT") return null;
      throw e;
    }
    const dir = new OpenDir(
      fh,
      join(this.path, name),
      this.rel === "" ? name : `${this.rel}/${name}`,
      identity(await fh.stat()),
      this.#viaProc,
    );
    // Without /proc the open above may have gone through a symlink higher up: check where it landed.
    if (!this.#viaProc && !(await dir.inPlace())) {
      await fh.close();
      return null;
    }
    return dir;
  }

  close(): Promise<void> {
    return this.fh.close().catch(() => undefined);
  }

  /** Opens the data dir (its real path `root`). */
  static async root(root: string): Promise<OpenDir> {
    const fh = await open(root, constants.O_RDONLY | constants.O_DIRECTORY);
    const id = identity(await fh.stat());
    let viaProc = false;
    try {
      viaProc = identity(await stat(`/proc/self/fd/${fh.fd}`)) === id;
    } catch {
      // No procfs: plain paths, checked.
    }
    return new OpenDir(fh, root, "", id, viaProc);
  }
}

function identity(st: { dev: number; ino: number }): string {
  return `${st.dev}:${st.ino}`;
}

/**
 * The timestamp-based cleaner: deletes files matching `patterns` (globs
 * relative to the data dir) whose modification time is older than
 * `retention`, then the oldest of the rest while they total more than
 * `max_total_bytes`. It never deletes a file this process holds open (the
 * active log file, queues), and nothing outside the data dir, even while
 * someone swaps a directory in it for a symlink: every directory is opened
 * from its parent's descriptor with O_NOFOLLOW (a link is neither followed
 * nor deleted), and before deleting in a directory the cleaner opens it again
 * the same way, checks it is the one it walked and that its real path is still
 * inside the data dir, and deletes only the file it saw there.
 */
export class Cleaner {
  #config: CleanerConfig;
  readonly #dataDir: string;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #filesDeleted: Counter;
  readonly #bytesFreed: Counter;
  readonly #errors: Counter;
  readonly #openFiles: () => Promise<Set<string>>;
  #matchers: Array<(p: string) => boolean>;
  #last: CleanupReport | null = null;
  #running: Promise<CleanupReport> | null = null;

  constructor(opts: {
    config: CleanerConfig;
    dataDir: string;
    logger: Logger;
    meter: Meter;
    clock: Clock;
    /** Files held open and so never deleted; defaults to this process's open files. */
    openFiles?: () => Promise<Set<string>>;
  }) {
    this.#config = opts.config;
    this.#dataDir = resolve(opts.dataDir);
    this.#logger = opts.logger.child({ component: "cleaner" });
    this.#clock = opts.clock;
    this.#openFiles = opts.openFiles ?? ownOpenFiles;
    this.#matchers = compile(opts.config.patterns);
    this.#filesDeleted = opts.meter.createCounter("vigil.cleaner.files.deleted", {
      description: "Files the cleaner deleted",
    });
    this.#bytesFreed = opts.meter.createCounter("vigil.cleaner.bytes.freed", {
      description: "Bytes the cleaner freed",
      unit: "By",
    });
    this.#errors = opts.meter.createCounter("vigil.cleaner.errors", {
      description:
        "Files or directories the cleaner could not delete or walk (among them directories swapped for a symlink)",
    });
  }

  applyConfig(config: CleanerConfig): void {
    this.#config = config;
    this.#matchers = compile(config.patterns);
  }

  get lastReport(): CleanupReport | null {
    return this.#last;
  }

  /** One run; concurrent callers share it. `dryRun` defaults to the config's. */
  run(opts: { dryRun?: boolean } = {}): Promise<CleanupReport> {
    this.#running ??= this.#run(opts.dryRun ?? this.#config.dryRun).finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #run(dryRun: boolean): Promise<CleanupReport> {
    const startedAt = this.#clock.now();
    const t0 = performance.now();
    const errors = new BoundedErrors();
    const open = await this.#openFiles().catch(() => new Set<string>());
    const candidates: Candidate[] = [];
    // Walk the real path, so paths compare with /proc/self/fd's resolved ones.
    const root = await realpath(this.#dataDir).catch(() => this.#dataDir);
    let top: OpenDir | null = null;
    try {
      top = await OpenDir.root(root);
    } catch (e) {
      const err = toError(e) as NodeJS.ErrnoException;
      if (err.code !== "ENOENT") errors.push(`.: ${err.code ?? err.message}`);
    }
    if (top) await this.#walk(top, 0, candidates, errors);
    const keep = candidates.filter((c) => !open.has(c.path));
    keep.sort((a, b) => a.mtimeMs - b.mtimeMs);

    const doomed: Candidate[] = [];
    const cutoff = startedAt - this.#config.retentionMs;
    let total = 0;
    for (const c of keep) {
      if (c.mtimeMs < cutoff) doomed.push(c);
      else total += c.size;
    }
    // Oldest first until the rest fits the size cap.
    for (const c of keep) {
      if (total <= this.#config.maxTotalBytes) break;
      if (c.mtimeMs < cutoff) continue;
      doomed.push(c);
      total -= c.size;
    }

    const report: CleanupReport = {
      filesDeleted: 0,
      bytesFreed: 0,
      errors: errors.list,
      durationMs: 0,
      dryRun,
      files: [],
      startedAt,
    };
    // The directory deleted in, opened again for the deletions (one at a time: few descriptors).
    let dir = null as OpenDir | null;
    try {
      for (const c of doomed) {
        if (!dryRun) {
          if (dir?.rel !== c.dirRel) {
            if (dir !== top) await dir?.close();
            dir = top ? await reopen(top, c.dirRel) : null;
          }
          if (!(await deleteIn(dir, c, errors))) continue;
        }
        report.filesDeleted++;
        report.bytesFreed += c.size;
        report.files.push(c.rel);
      }
    } finally {
      if (dir !== top) await dir?.close();
      await top?.close();
    }
    errors.finish();
    report.durationMs = performance.now() - t0;
    if (!dryRun && report.filesDeleted > 0) {
      this.#filesDeleted.add(report.filesDeleted);
      this.#bytesFreed.add(report.bytesFreed);
    }
    if (errors.count > 0) this.#errors.add(errors.count);
    this.#last = report;
    const { files: _files, ...summary } = report;
    if (errors.count > 0) this.#logger.warn(summary, "cleanup finished with errors");
    else this.#logger.info(summary, dryRun ? "cleanup dry run" : "cleanup finished");
    return report;
  }

  async #walk(dir: OpenDir, depth: number, out: Candidate[], errors: BoundedErrors): Promise<void> {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(dir.at(""), { withFileTypes: true });
    } catch (e) {
      const err = toError(e) as NodeJS.ErrnoException;
      if (err.code !== "ENOENT") errors.push(`${dir.rel || "."}: ${err.code ?? err.message}`);
      return;
    }
    for (const e of entries) {
      const rel = dir.rel === "" ? e.name : `${dir.rel}/${e.name}`;
      if (e.isDirectory()) {
        if (depth === 0 && SKIP_DIRS.has(e.name)) continue;
        if (depth + 1 >= MAX_DEPTH) {
          errors.push(`${rel}: deeper than ${MAX_DEPTH} directories; not walked`);
          continue;
        }
        let sub: OpenDir | null;
        try {
          sub = await dir.child(e.name);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          errors.push(`${rel}: ${code ?? String(err)}`);
          continue;
        }
        if (!sub) continue;
        try {
          await this.#walk(sub, depth + 1, out, errors);
        } finally {
          await sub.close();
        }
        continue;
      }
      // Symlinks (to files or directories) are neither followed nor deleted.
      if (!e.isFile() || !this.#matchers.some((m) => m(rel))) continue;
      try {
        const st = await lstat(dir.at(e.name));
        if (st.isFile())
          out.push({
            path: join(dir.path, e.name),
            rel,
            size: st.size,
            mtimeMs: st.mtimeMs,
            dirRel: dir.rel,
            dirId: dir.id,
            name: e.name,
            id: identity(st),
          });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== "ENOENT") errors.push(`${rel}: ${code ?? String(err)}`);
      }
    }
  }
}

/** The errors of one run: the first MAX_ERRORS, then a count of the rest. */
class BoundedErrors {
  readonly list: string[] = [];
  count = 0;

  push(message: string): void {
    this.count++;
    if (this.list.length < MAX_ERRORS) this.list.push(message);
  }

  finish(): void {
    if (this.count > this.list.length) this.list.push(`... and ${this.count - this.list.length} more`);
  }
}

/**
 * Opens the directory `rel` again from the data dir (`top`, which is returned for ""), one name at
 * a time and never through a symlink; null if any step is not a directory now.
 */
async function reopen(top: OpenDir, rel: string): Promise<OpenDir | null> {
  if (rel === "") return top;
  let cur: OpenDir = top;
  for (const name of rel.split("/")) {
    const next: OpenDir | null = await cur.child(name).catch(() => null);
    if (cur !== top) await cur.close();
    if (!next) return null;
    cur = next;
  }
  return cur;
}

/**
 * Deletes `c` in `dir` if `dir` is the directory the walk saw it in and is still inside the data
 * dir, and `c` is still the file the walk saw. False (with an error) when it is not deleted.
 */
async function deleteIn(dir: OpenDir | null, c: Candidate, errors: BoundedErrors): Promise<boolean> {
  if (!dir || dir.id !== c.dirId || !(await dir.inPlace())) {
    errors.push(`${c.rel}: its directory was moved or replaced (a symlink?) during the cleanup; not deleted`);
    return false;
  }
  const path = dir.at(c.name);
  try {
    const st = await lstat(path);
    if (!st.isFile() || identity(st) !== c.id) return false; // replaced since: not the file judged
    await unlink(path);
    return true;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code !== "ENOENT") errors.push(`${c.rel}: ${err.code ?? err.message}`);
    return false;
  }
}

function compile(patterns: readonly string[]): Array<(p: string) => boolean> {
  return patterns.map((p) => picomatch(p, { dot: false }));
}

/** The files this process holds open, from /proc/self/fd (Linux); empty elsewhere. */
async function ownOpenFiles(): Promise<Set<string>> {
  const out = new Set<string>();
  let fds: string[];
  try {
    fds = await readdir("/proc/self/fd");
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      out.add(await readlink(`/proc/self/fd/${fd}`));
    } catch {
      // closed meanwhile
    }
  }
  return out;
}
