import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";

export type ConfigSourceName = "startup" | "file" | "api" | "rollback" | "import";

/** What is known of one applied config. */
export interface ConfigVersionInfo {
  version: number;
  /** sha256 of the config as written (secret references unresolved). */
  hash: string;
  appliedAt: number;
  source: ConfigSourceName;
  /** Who applied it (token name when auth is on), else "". */
  by: string;
  description: string;
  /** The file the config came from, or null. */
  path: string | null;
}

/** One file of the store: readable (info + config) or not (error). */
export interface VersionEntry {
  version: number;
  file: string;
  info?: ConfigVersionInfo;
  /** The config as the user wrote it, secret references unresolved. */
  config?: Record<string, unknown>;
  /** Why the file cannot be used; such a version is listed, never applied. */
  error?: string;
}

const FILE = /^v(\d{6,})\.json$/;
const SOURCES: readonly ConfigSourceName[] = ["startup", "file", "api", "rollback", "import"];

/**
 * Applied configs under data_dir/config-versions/, one JSON file each
 * (`v000042.json`: metadata and the config as written). Files are written to a
 * temporary name and renamed, so a crash never leaves half a version. Secrets
 * are stored only as the references the user wrote.
 */
export class ConfigVersionStore {
  readonly dir: string;
  readonly #logger: Logger;
  #entries = new Map<number, VersionEntry>();

  constructor(opts: { dir: string; logger: Logger }) {
    this.dir = opts.dir;
    this.#logger = opts.logger.child({ component: "config-versions" });
  }

  /** Reads every version file; unreadable ones are kept as such and logged. */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.#entries.clear();
    for (const name of await readdir(this.dir)) {
      const m = FILE.exec(name);
      if (!m) continue;
      const version = Number(m[1]);
      const entry = await readEntry(join(this.dir, name), version);
      if (entry.error)
        this.#logger.warn({ file: entry.file, error: entry.error }, "config version file is unreadable");
      this.#entries.set(version, entry);
    }
  }

  list(): VersionEntry[] {
    return [...this.#entries.values()].sort((a, b) => a.version - b.version);
  }

  get(version: number): VersionEntry | undefined {
    return this.#entries.get(version);
  }

  /** The newest readable version. */
  latest(): VersionEntry | undefined {
    return this.list()
      .reverse()
      .find((e) => e.info !== undefined);
  }

  /** Stores a new version numbered after every existing file. */
  async add(
    info: Omit<ConfigVersionInfo, "version">,
    config: Record<string, unknown>,
  ): Promise<ConfigVersionInfo> {
    const version = Math.max(0, ...this.#entries.keys()) + 1;
    const full: ConfigVersionInfo = { version, ...info };
    const file = join(this.dir, `v${String(version).padStart(6, "0")}.json`);
    const body = `${JSON.stringify(
      {
        version,
        hash: full.hash,
        applied_at: new Date(full.appliedAt).toISOString(),
        source: full.source,
        by: full.by,
        description: full.description,
        path: full.path,
        config,
      },
      null,
      2,
    )}\n`;
    const tmp = `${file}.tmp`;
    await writeFile(tmp, body, { mode: 0o600 });
    await rename(tmp, file);
    this.#entries.set(version, { version, file, info: full, config });
    return full;
  }

  /** Deletes the oldest versions beyond `keep`; the running one is never deleted. */
  async prune(keep: number, running: number): Promise<number[]> {
    const all = this.list();
    const excess = all.length - keep;
    if (excess <= 0) return [];
    const removed: number[] = [];
    for (const e of all) {
      if (removed.length === excess) break;
      if (e.version === running) continue;
      try {
        await rm(e.file, { force: true });
        this.#entries.delete(e.version);
        removed.push(e.version);
      } catch (err) {
        this.#logger.warn({ file: e.file, err }, "cannot prune config version");
      }
    }
    return removed;
  }
}

async function readEntry(file: string, version: number): Promise<VersionEntry> {
  try {
    const raw = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    const source = raw.source as ConfigSourceName;
    const appliedAt = Date.parse(String(raw.applied_at));
    if (
      raw.version !== version ||
      typeof raw.hash !== "string" ||
      !SOURCES.includes(source) ||
      Number.isNaN(appliedAt) ||
      typeof raw.config !== "object" ||
      raw.config === null ||
      Array.isArray(raw.config)
    ) {
      return { version, file, error: "not a config version file (missing or malformed fields)" };
    }
    return {
      version,
      file,
      info: {
        version,
        hash: raw.hash,
        appliedAt,
        source,
        by: typeof raw.by === "string" ? raw.by : "",
        description: typeof raw.description === "string" ? raw.description : "",
        path: typeof raw.path === "string" ? raw.path : null,
      },
      config: raw.config as Record<string, unknown>,
    };
  } catch (e) {
    return {
      version,
      file,
      error: e instanceof SyntaxError ? `invalid JSON: ${e.message}` : String((e as Error).message),
    };
  }
}
