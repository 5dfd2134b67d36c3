import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Counter, Meter } from "@opentelemetry/api";
import type { Logger } from "pino";
import { stringify } from "yaml";
import { toError, VigilError } from "../errors.js";
import type { Clock } from "../util/clock.js";
import { type ConfigChange, diffTrees, effectiveTree, formatChanges } from "./effective.js";
import { ConfigError, type LoadedConfig, loadConfigFile, parseConfigText } from "./load.js";
import type { Config } from "./schema.js";
import {
  type ConfigSourceName,
  type ConfigVersionInfo,
  ConfigVersionStore,
  type VersionEntry,
} from "./version-store.js";
import { ConfigWatcher } from "./watcher.js";

export interface ConfigChangeOutcome {
  changed: boolean;
  configVersion: ConfigVersionInfo;
  /** Changed keys that apply only after a restart. */
  restartRequired: string[];
  changes: ConfigChange[];
  /** Set when the file on disk no longer matches the running config. */
  warning: string;
}

/** The last reload of the file that was rejected: shown in status until a good one. */
export interface ConfigRejection {
  /** The ConfigError's text: file:line:column and key paths, secret references never their values. */
  message: string;
  time: number;
  source: "file" | "signal" | "api";
}

/** Keys whose change takes effect only after a restart. */
const RESTART_KEYS: Array<[string, (c: Config) => unknown]> = [
  ["server.grpc", (c) => c.server.grpc],
  ["server.http", (c) => c.server.http],
  ["server.http_api", (c) => c.server.httpApi],
  ["data_dir", (c) => c.dataDir],
  ["telemetry", (c) => c.telemetry],
  ["bot", (c) => c.bot],
  ["logs.dir", (c) => c.logs.dir],
  ["router.sync", (c) => c.router.sync],
];

/**
 * Keys a config that arrives over the API (import, rollback) cannot change:
 * who may call, how calls are protected and bounded, and where secrets are
 * read. They change only through the file, which only the pod's owner writes.
 */
const PROTECTED_KEYS: Array<[string, (l: LoadedConfig) => unknown]> = [
  ["server.auth", (l) => l.config.server.auth],
  ["server.grpc.tls", (l) => l.config.server.grpc.tls],
  ["server.limits", (l) => l.config.server.limits],
  ["config.secret_dirs", (l) => l.secretDirs],
];

/** sha256 of a file's content, or null when it cannot be read. */
async function fileHash(path: string): Promise<string | null> {
  const text = await readFile(path, "utf8").catch(() => null);
  return text === null ? null : createHash("sha256").update(text).digest("hex");
}

export interface ConfigManagerOptions {
  loaded: LoadedConfig;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  meter: Meter;
  clock: Clock;
  /** Swaps a validated config into the running components; must not fail half-way. */
  apply: (next: LoadedConfig) => void | Promise<void>;
}

/**
 * Owns the running config and every change to it: reloads (file watcher,
 * SIGHUP, ReloadConfig), rollbacks and imports all go through one
 * validate-then-swap path, one change at a time, and every applied config is
 * recorded as a version under data_dir/config-versions/.
 */
export class ConfigManager {
  readonly #opts: ConfigManagerOptions;
  readonly #logger: Logger;
  readonly #reloads: Counter;
  #loaded: LoadedConfig;
  #store: ConfigVersionStore;
  #running: ConfigVersionInfo;
  #watcher: ConfigWatcher | null = null;
  #changing = false;
  /**
   * After a rollback or import the file on disk differs from the running
   * config: the watcher must not re-apply it until its content changes.
   */
  #fileGate: string | null = null;
  #started = false;
  #rejection: ConfigRejection | null = null;

  constructor(opts: ConfigManagerOptions) {
    this.#opts = opts;
    this.#loaded = opts.loaded;
    this.#logger = opts.logger.child({ component: "config" });
    this.#reloads = opts.meter.createCounter("vigil.config.reloads", {
      description: "Config changes, by result (applied, unchanged, rejected) and source",
    });
    this.#store = new ConfigVersionStore({ dir: this.#versionsDir(opts.loaded.config), logger: opts.logger });
    this.#running = {
      version: 0,
      hash: opts.loaded.contentHash,
      appliedAt: opts.clock.now(),
      source: "startup",
      by: "",
      description: "configuration at start-up",
      path: opts.loaded.path,
    };
  }

  get config(): Config {
    return this.#loaded.config;
  }

  /** The running config as written (secret references unresolved). */
  get display(): Record<string, unknown> {
    return this.#loaded.display;
  }

  get running(): ConfigVersionInfo {
    return this.#running;
  }

  /**
   * The file's last rejected reload, null once a reload of it succeeds: a bad
   * file keeps the old config running silently otherwise, until the next restart
   * fails on it.
   */
  get rejection(): ConfigRejection | null {
    return this.#rejection;
  }

  /** Opens the version store, records the start-up config, starts watching the file. */
  async start(): Promise<void> {
    await this.#store.open();
    const latest = this.#store.latest()?.info;
    if (latest && latest.hash === this.#loaded.contentHash) {
      this.#running = latest;
    } else {
      this.#running = await this.#store.add(
        this.#versionFields("startup", "", "configuration at start-up", this.#loaded),
        this.#loaded.display,
      );
    }
    await this.#prune();
    this.#started = true;
    this.#syncWatcher();
  }

  stop(): void {
    this.#started = false;
    this.#watcher?.stop();
    this.#watcher = null;
  }

  /**
   * Re-reads the config file. `file` (the watcher) never re-applies a file a
   * rollback or import replaced; `signal` (SIGHUP) and `api` always do.
   */
  async reload(source: "file" | "signal" | "api", by = ""): Promise<ConfigChangeOutcome> {
    const path = this.#loaded.path;
    if (path === null) {
      throw new VigilError(
        "VIGIL_ERR_CONFIG_NO_FILE",
        "Vigil runs on its embedded defaults or an imported config; start it with --config FILE to reload",
      );
    }
    if (source === "file" && this.#fileGate !== null) {
      if ((await fileHash(path)) === this.#fileGate) {
        this.#logger.info(
          { path },
          "config file unchanged since the last rollback or import; not re-applying it",
        );
        return this.#unchanged();
      }
    }
    try {
      const outcome = await this.#change(
        source === "signal" ? "file" : source,
        by,
        "",
        () => loadConfigFile(path, this.#opts.env),
        () => {
          this.#fileGate = null;
        },
      );
      this.#rejection = null;
      return outcome;
    } catch (e) {
      if (e instanceof VigilError && e.code === "VIGIL_ERR_CONFIG_INVALID") {
        this.#rejection = { message: e.message, time: this.#opts.clock.now(), source };
      }
      throw e;
    }
  }

  /** Applies a stored version again, validated against today's schema. */
  async rollback(version: number, by = ""): Promise<ConfigChangeOutcome> {
    const entry = this.#readable(version);
    const text = stringify(entry.config);
    return this.#change(
      "rollback",
      by,
      `rollback to v${version}`,
      () =>
        parseConfigText(text, `config version v${version}`, this.#loaded.path, this.#opts.env, {
          secretDirs: this.#loaded.secretDirs,
        }),
      () => this.#gateFile(),
    );
  }

  /** Applies a config given as YAML text (vigil config import). */
  async import(text: string, description: string, by = ""): Promise<ConfigChangeOutcome> {
    return this.#change(
      "import",
      by,
      description || "imported config",
      () =>
        parseConfigText(text, "imported config", this.#loaded.path, this.#opts.env, {
          secretDirs: this.#loaded.secretDirs,
        }),
      () => this.#gateFile(),
    );
  }

  versions(): VersionEntry[] {
    return this.#store.list();
  }

  /** Key-path diff between two versions (0 = the running one), in the user's notation, secrets redacted. */
  diff(from: number, to: number): ConfigChange[] {
    const a = this.#readable(from || this.#running.version);
    const b = this.#readable(to || this.#running.version);
    return diffTrees(
      effectiveTree(a.config as Record<string, unknown>),
      effectiveTree(b.config as Record<string, unknown>),
    );
  }

  /** A version as YAML, as it was written (secret references unresolved); 0 = the running one. */
  export(version: number): { yaml: string; info: ConfigVersionInfo } {
    const entry = this.#readable(version || this.#running.version);
    const info = entry.info as ConfigVersionInfo;
    const header = `# Vigil config v${info.version} (${info.source}, ${new Date(info.appliedAt).toISOString()})${
      info.description ? `: ${info.description}` : ""
    }\n`;
    return { yaml: header + stringify(entry.config), info };
  }

  #readable(version: number): Required<Pick<VersionEntry, "config" | "info">> & VersionEntry {
    const entry = this.#store.get(version);
    if (!entry)
      throw new VigilError("VIGIL_ERR_CONFIG_VERSION_NOT_FOUND", `version: no config version ${version}`);
    if (entry.error || !entry.info || !entry.config) {
      throw new VigilError(
        "VIGIL_ERR_CONFIG_VERSION_UNREADABLE",
        `version: v${version} is unreadable (${entry.error ?? "empty"})`,
      );
    }
    return entry as Required<Pick<VersionEntry, "config" | "info">> & VersionEntry;
  }

  async #change(
    source: ConfigSourceName,
    by: string,
    description: string,
    produce: () => LoadedConfig,
    afterApply: () => void | Promise<void>,
  ): Promise<ConfigChangeOutcome> {
    if (this.#changing) {
      throw new VigilError("VIGIL_ERR_CONFIG_BUSY", "another config change is being applied; try again");
    }
    this.#changing = true;
    try {
      let next: LoadedConfig;
      try {
        next = produce();
      } catch (e) {
        const message = e instanceof ConfigError ? e.message : toError(e).message;
        this.#reloads.add(1, { result: "rejected", source });
        this.#logger.warn({ source, error: message }, "config change rejected; keeping the running config");
        throw new VigilError("VIGIL_ERR_CONFIG_INVALID", message);
      }
      if (source === "import" || source === "rollback") {
        const touched = PROTECTED_KEYS.filter(
          ([, get]) => JSON.stringify(get(next)) !== JSON.stringify(get(this.#loaded)),
        ).map(([k]) => k);
        if (touched.length > 0) {
          this.#reloads.add(1, { result: "denied", source });
          this.#logger.warn({ source, by, keys: touched }, "config change denied: it changes protected keys");
          throw new VigilError(
            "VIGIL_ERR_CONFIG_PROTECTED_KEY",
            `${touched.join(", ")}: ${touched.length === 1 ? "changes" : "change"} only through the config file, not through a config sent over the API (keep ${touched.length === 1 ? "it" : "them"} as running)`,
          );
        }
      }
      const changes = diffTrees(effectiveTree(this.#loaded.display), effectiveTree(next.display));
      if (next.hash === this.#loaded.hash) {
        await afterApply();
        return this.#unchanged(source);
      }
      const restartRequired = RESTART_KEYS.filter(
        ([, get]) => JSON.stringify(get(next.config)) !== JSON.stringify(get(this.#loaded.config)),
      ).map(([k]) => k);
      // Record first, then swap: the running config and its version change together, and a
      // version that cannot be written (disk full) leaves the running config as it was.
      const version =
        next.contentHash === this.#running.hash
          ? this.#running
          : await this.#store.add(this.#versionFields(source, by, description, next), next.display);
      await this.#opts.apply(next);
      this.#loaded = next;
      this.#running = version;
      await this.#prune();
      await afterApply();
      this.#syncWatcher();
      this.#reloads.add(1, { result: "applied", source });
      this.#logger.info(
        {
          source,
          version: this.#running.version,
          restartRequired,
          changes: formatChanges(changes.slice(0, 50)),
        },
        "config applied",
      );
      return {
        changed: true,
        configVersion: this.#running,
        restartRequired,
        changes,
        warning: this.#warning(),
      };
    } finally {
      this.#changing = false;
    }
  }

  #unchanged(source?: ConfigSourceName): ConfigChangeOutcome {
    if (source) this.#reloads.add(1, { result: "unchanged", source });
    return {
      changed: false,
      configVersion: this.#running,
      restartRequired: [],
      changes: [],
      warning: this.#warning(),
    };
  }

  async #gateFile(): Promise<void> {
    const path = this.#loaded.path;
    if (path === null) return;
    this.#fileGate = await fileHash(path);
  }

  #warning(): string {
    if (this.#fileGate === null || this.#loaded.path === null) return "";
    return `the running config is v${this.#running.version} (${this.#running.description}); ${this.#loaded.path} still holds another config and will not be re-applied until it changes (or on SIGHUP / ReloadConfig)`;
  }

  #versionFields(
    source: ConfigSourceName,
    by: string,
    description: string,
    l: LoadedConfig,
  ): Omit<ConfigVersionInfo, "version"> {
    return {
      hash: l.contentHash,
      appliedAt: this.#opts.clock.now(),
      source,
      by,
      description:
        description || (source === "startup" ? "configuration at start-up" : `reloaded (${source})`),
      path: source === "rollback" || source === "import" ? null : l.path,
    };
  }

  async #prune(): Promise<void> {
    const removed = await this.#store.prune(this.#loaded.config.config.keepVersions, this.#running.version);
    if (removed.length > 0) this.#logger.debug({ removed }, "pruned config versions");
  }

  #versionsDir(c: Config): string {
    return join(c.dataDir, "config-versions");
  }

  /** Watches the file while config.watch is on and there is a file. */
  #syncWatcher(): void {
    const path = this.#loaded.path;
    const want = this.#started && path !== null && this.#loaded.config.config.watch;
    if (want && !this.#watcher) {
      this.#watcher = new ConfigWatcher({
        path,
        logger: this.#logger,
        onChange: () => this.#onFileChange(),
      });
      this.#watcher.start();
    } else if (!want && this.#watcher) {
      this.#watcher.stop();
      this.#watcher = null;
    }
  }

  #onFileChange(attempt = 0): void {
    this.reload("file").catch((e: unknown) => {
      // Rejections are logged by #change; a busy manager is retried shortly.
      if (e instanceof VigilError && e.code === "VIGIL_ERR_CONFIG_BUSY" && attempt < 20) {
        setTimeout(() => this.#onFileChange(attempt + 1), 250).unref();
      }
    });
  }
}
