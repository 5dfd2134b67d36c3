import { existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { metrics } from "@opentelemetry/api";
import pino from "pino";
import { effectiveTree } from "../config/effective.js";
import type { LoadedConfig } from "../config/load.js";
import { ConfigVersionStore } from "../config/version-store.js";
import { toError } from "../errors.js";
import { Cleaner, type CleanupReport } from "../logs/cleaner.js";
import { type LogQuery, queryLogs } from "../logs/log-query.js";
import { directorySize } from "../sidecar.js";
import { systemClock } from "../util/clock.js";
import { VERSION } from "../version.js";

/*
 * What the CLI reads from the data dir itself when the sidecar does not answer (a crash loop is
 * exactly when `vigil diagnose` and `vigil logs` are needed). Everything here only reads: no lock
 * is taken, nothing is created, and queue.db is opened read-only.
 */

const silent = pino({ level: "silent" });

/** The log files' records matching `q`, as the sidecar's QueryLogs would stream them. */
export function offlineLogs(loaded: LoadedConfig, q: LogQuery): AsyncIterable<{ json: string }> {
  const c = loaded.config;
  return queryLogs(join(resolve(c.dataDir), c.logs.dir), q);
}

/** A dry run of the cleaner with the config's patterns and retention: deletes nothing. */
export function offlineCleanup(loaded: LoadedConfig): Promise<CleanupReport> {
  const c = loaded.config;
  const cleaner = new Cleaner({
    config: c.logs.cleaner,
    dataDir: c.dataDir,
    logger: silent,
    meter: metrics.getMeter("vigil-cli"),
    clock: systemClock,
  });
  return cleaner.run({ dryRun: true });
}

/** Queue depth and bytes per destination from queue.db, opened read-only. */
function queueDepths(dataDir: string): Record<string, unknown> {
  const path = join(dataDir, "queue.db");
  if (!existsSync(path)) return { error: "no queue.db in the data dir" };
  try {
    const Database = createRequire(import.meta.url)("better-sqlite3") as typeof import("better-sqlite3");
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare("SELECT dest, COUNT(*) AS depth, COALESCE(SUM(bytes), 0) AS bytes FROM queue GROUP BY dest")
        .all() as Array<{ dest: string; depth: number; bytes: number }>;
      return {
        destinations: rows.map((r) => ({ name: r.dest, queue_depth: r.depth, queue_bytes: r.bytes })),
      };
    } finally {
      db.close();
    }
  } catch (e) {
    return { error: `cannot read queue.db: ${toError(e).message}` };
  }
}

/**
 * The part of a diagnose report that can be read without the sidecar: the config as the CLI
 * loads it (secrets redacted), the recorded config versions, the data dir's size, queue depths
 * and the last warnings and errors of the log files.
 */
export async function offlineDiagnose(
  loaded: LoadedConfig,
  reason: string,
): Promise<Record<string, unknown>> {
  const c = loaded.config;
  const dataDir = resolve(c.dataDir);
  let versions: unknown[] = [];
  const versionsDir = join(dataDir, "config-versions");
  if (existsSync(versionsDir)) {
    const store = new ConfigVersionStore({ dir: versionsDir, logger: silent });
    await store.open();
    versions = store.list().map((v) => v.info ?? { version: v.version, error: v.error });
  }
  const errors: unknown[] = [];
  const q: LogQuery = {
    from: null,
    to: null,
    minLevel: 40,
    contains: "",
    component: "",
    limit: 50,
    newestFirst: true,
  };
  for await (const r of offlineLogs(loaded, q)) {
    try {
      errors.push(JSON.parse(r.json));
    } catch {
      errors.push(r.json);
    }
  }
  return {
    generated_at: new Date().toISOString(),
    offline: {
      reason,
      note: "the sidecar did not answer: this report was read from the data dir by the CLI",
    },
    vigil: { cli_version: VERSION, pid: process.pid },
    runtime: { node: process.version, platform: `${process.platform} ${process.arch}` },
    config: {
      path: loaded.path,
      effective: effectiveTree(loaded.display),
      versions,
    },
    data_dir: { path: dataDir, exists: existsSync(dataDir), bytes: await directorySize(dataDir) },
    queue: queueDepths(dataDir),
    recent_errors: { log: errors },
  };
}

/** Writes a diagnose report owner-only (it holds the config and log lines); returns the file. */
export function writeDiagnoseFile(output: string | undefined, json: string): string {
  const file = output ?? `vigil-diagnose-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
  writeFileSync(file, `${json}\n`, { mode: 0o600 });
  return file;
}
