import { lstat, readdir, readlink, realpath, unlink } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
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
}

/** Directories the walk never enters: nothing of Vigil's own state is a cleaner's business. */
const SKIP_DIRS = new Set(["config-versions"]);

/**
 * The timestamp-based cleaner: deletes files matching `patterns` (globs
 * relative to the data dir) whose modification time is older than
 * `retention`, then the oldest of the rest while they total more than
 * `max_total_bytes`. It walks with lstat and never follows a symlink, so
 * nothing outside the data dir is ever touched, and it never deletes a file
 * this process holds open (the active log file, queues).
 */
export class Cleaner {
  #config: CleanerConfig;
  readonly #dataDir: string;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #filesDeleted: Counter;
  readonly #bytesFreed: Counter;
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
    const errors: string[] = [];
    const open = await this.#openFiles().catch(() => new Set<string>());
    const candidates: Candidate[] = [];
    // Walk the real path, so paths compare with /proc/self/fd's resolved ones.
    const root = await realpath(this.#dataDir).catch(() => this.#dataDir);
    await this.#walk(root, root, candidates, errors);
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
      errors,
      durationMs: 0,
      dryRun,
      files: [],
      startedAt,
    };
    for (const c of doomed) {
      if (!dryRun) {
        try {
          await unlink(c.path);
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          if (err.code !== "ENOENT") errors.push(`${c.rel}: ${err.code ?? err.message}`);
          continue;
        }
      }
      report.filesDeleted++;
      report.bytesFreed += c.size;
      report.files.push(c.rel);
    }
    report.durationMs = performance.now() - t0;
    if (!dryRun && report.filesDeleted > 0) {
      this.#filesDeleted.add(report.filesDeleted);
      this.#bytesFreed.add(report.bytesFreed);
    }
    this.#last = report;
    const { files: _files, ...summary } = report;
    if (errors.length > 0) this.#logger.warn(summary, "cleanup finished with errors");
    else this.#logger.info(summary, dryRun ? "cleanup dry run" : "cleanup finished");
    return report;
  }

  async #walk(root: string, dir: string, out: Candidate[], errors: string[]): Promise<void> {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      const err = toError(e) as NodeJS.ErrnoException;
      if (err.code !== "ENOENT") errors.push(`${relative(root, dir) || "."}: ${err.code ?? err.message}`);
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      const rel = relative(root, path).split(sep).join("/");
      if (e.isDirectory()) {
        if (!(dir === root && SKIP_DIRS.has(e.name))) await this.#walk(root, path, out, errors);
        continue;
      }
      // Symlinks (to files or directories) are neither followed nor deleted.
      if (!e.isFile() || !this.#matchers.some((m) => m(rel))) continue;
      try {
        const st = await lstat(path);
        if (st.isFile()) out.push({ path, rel, size: st.size, mtimeMs: st.mtimeMs });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== "ENOENT") errors.push(`${rel}: ${code ?? String(err)}`);
      }
    }
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
