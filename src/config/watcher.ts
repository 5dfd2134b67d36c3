import { type FSWatcher, watch } from "node:fs";
import { basename, dirname } from "node:path";
import type { Logger } from "pino";

/**
 * Watches the config file's directory, not the file: editors replace files and
 * Kubernetes swaps a ConfigMap by re-pointing the `..data` symlink, both of
 * which a watch on the file itself misses. Events are debounced; the callback
 * decides whether the content really changed.
 */
export class ConfigWatcher {
  readonly #path: string;
  readonly #logger: Logger;
  readonly #onChange: () => void;
  readonly #debounceMs: number;
  #watcher: FSWatcher | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(opts: { path: string; logger: Logger; onChange: () => void; debounceMs?: number }) {
    this.#path = opts.path;
    this.#logger = opts.logger.child({ component: "config-watcher" });
    this.#onChange = opts.onChange;
    this.#debounceMs = opts.debounceMs ?? 250;
  }

  start(): void {
    if (this.#watcher) return;
    const name = basename(this.#path);
    try {
      this.#watcher = watch(dirname(this.#path), { persistent: false }, (_event, file) => {
        if (file !== null && file !== name && file !== "..data" && !file.startsWith("..")) return;
        if (this.#timer) clearTimeout(this.#timer);
        this.#timer = setTimeout(() => {
          this.#timer = null;
          this.#onChange();
        }, this.#debounceMs);
        this.#timer.unref();
      });
      this.#watcher.on("error", (e) =>
        this.#logger.warn({ err: e }, "config watch failed; reload with SIGHUP"),
      );
    } catch (e) {
      this.#logger.warn({ err: e }, "cannot watch the config directory; reload with SIGHUP");
    }
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#watcher?.close();
    this.#watcher = null;
  }
}
