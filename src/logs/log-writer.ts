import { mkdirSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Meter } from "@opentelemetry/api";
import type { Logger } from "pino";
import sonicBoom, { type SonicBoom } from "sonic-boom";
import type { Config } from "../config/schema.js";
import type { Clock } from "../util/clock.js";

export interface LogWriterStats {
  file: string;
  records: number;
  dropped: number;
  bytesWritten: number;
  rotations: number;
  lastError: string | null;
}

const DAY = 86_400_000;
/** sonic-boom is CommonJS: its class is the default export at run time. */
const SonicBoomClass = sonicBoom as unknown as typeof SonicBoom;
/** How often a writer whose last write failed (disk full, I/O error) tries again by itself. */
const RETRY_MS = 1000;

/**
 * The constant-memory JSON-lines writer: a pino destination that appends to
 * data_dir/logs/vigil.jsonl through sonic-boom in asynchronous mode, so a slow
 * disk never blocks the event loop. The in-process buffer is bounded by
 * `logs.max_buffer_bytes`: past it records are dropped and counted, never
 * buffered without bound. It rotates by size and at UTC midnight (the old
 * file becomes vigil-<time>.jsonl, which the cleaner's default pattern
 * covers) and recovers by itself after a failed write, ENOSPC included.
 */
export class LogWriter {
  readonly dir: string;
  readonly path: string;
  #config: Config["logs"];
  readonly #clock: Clock;
  readonly #logger: Logger | null;
  #sonic: SonicBoom | null = null;
  #bytes = 0;
  #records = 0;
  #dropped = 0;
  #written = 0;
  #rotations = 0;
  #nextDay = 0;
  #lastError: string | null = null;
  #retry: NodeJS.Timeout | null = null;
  /** A rotation's reopen is in progress: no second rotation until the new file is open. */
  #reopening = false;
  #stopping: Promise<void> | null = null;

  constructor(opts: {
    dataDir: string;
    config: Config["logs"];
    clock: Clock;
    meter: Meter;
    logger?: Logger;
  }) {
    this.#config = opts.config;
    this.dir = join(opts.dataDir, opts.config.dir);
    this.path = join(this.dir, "vigil.jsonl");
    this.#clock = opts.clock;
    this.#logger = opts.logger?.child({ component: "log-writer" }) ?? null;
    // Observed rather than added per record: the write path stays a few field updates.
    opts.meter
      .createObservableCounter("vigil.logs.records", {
        description: "Records written to the local log files",
      })
      .addCallback((r) => r.observe(this.#records));
    opts.meter
      .createObservableCounter("vigil.logs.dropped", {
        description: "Records dropped because the log buffer was full (the disk could not keep up)",
      })
      .addCallback((r) => r.observe(this.#dropped));
  }

  /** Opens the file (creating the directory); resolves when it is ready. */
  async start(): Promise<void> {
    if (this.#sonic) return;
    mkdirSync(this.dir, { recursive: true });
    try {
      this.#bytes = statSync(this.path).size;
    } catch {
      this.#bytes = 0;
    }
    this.#nextDay = nextMidnight(this.#clock.now());
    const sonic = new SonicBoomClass({
      dest: this.path,
      sync: false,
      append: true,
      mkdir: true,
      minLength: 0,
      // 64 KiB per write(2): with sonic-boom's 16 KiB default four times as many
      // asynchronous round trips were needed; at 256 KiB and above its string
      // buffering collapsed to ~5,000 records/s (bench/log-writer.bench.ts).
      maxWrite: 64 * 1024,
      maxLength: this.#config.maxBufferBytes,
    });
    sonic.on("drop", () => {
      this.#dropped++;
    });
    sonic.on("write", (n: number) => {
      this.#written += n;
      this.#lastError = null;
    });
    sonic.on("error", (err: NodeJS.ErrnoException) => this.#onError(err));
    sonic.on("ready", () => {
      this.#reopening = false;
    });
    this.#sonic = sonic;
    await new Promise<void>((resolve, reject) => {
      sonic.once("ready", resolve);
      sonic.once("error", reject);
    });
  }

  applyConfig(config: Config["logs"]): void {
    this.#config = config;
    // sonic-boom reads maxLength on every write; its typings omit the field.
    if (this.#sonic) (this.#sonic as unknown as { maxLength: number }).maxLength = config.maxBufferBytes;
  }

  /** pino's destination interface; the hot path. */
  write(line: string): boolean {
    const sonic = this.#sonic;
    if (sonic === null) {
      this.#dropped++;
      return false;
    }
    this.#records++;
    this.#bytes += line.length;
    if (
      !this.#reopening &&
      (this.#bytes > this.#config.rotate.maxBytes ||
        (this.#config.rotate.daily && this.#clock.now() >= this.#nextDay))
    ) {
      this.#rotate();
    }
    return sonic.write(line);
  }

  stats(): LogWriterStats {
    return {
      file: this.path,
      records: this.#records,
      dropped: this.#dropped,
      bytesWritten: this.#written,
      rotations: this.#rotations,
      lastError: this.#lastError,
    };
  }

  /** Flushes what is buffered and closes the file; safe before start and twice. */
  stop(): Promise<void> {
    this.#stopping ??= new Promise<void>((resolve) => {
      if (this.#retry) clearTimeout(this.#retry);
      const sonic = this.#sonic;
      this.#sonic = null;
      if (!sonic) return resolve();
      sonic.once("close", () => resolve());
      sonic.once("error", () => resolve());
      sonic.end();
    });
    return this.#stopping;
  }

  /**
   * The current file becomes vigil-<time>.jsonl; new records go to a fresh
   * vigil.jsonl once sonic-boom has reopened it (records buffered meanwhile land
   * in the new file, so sizes are approximate).
   */
  #rotate(): void {
    const sonic = this.#sonic as SonicBoom;
    const now = this.#clock.now();
    const stamp = new Date(now).toISOString().replace(/[-:.]/g, "");
    // Time, then a zero-padded sequence: names sort in the order the files were written.
    const rotated = join(this.dir, `vigil-${stamp}-${String(this.#rotations).padStart(6, "0")}.jsonl`);
    this.#bytes = 0;
    this.#nextDay = nextMidnight(now);
    try {
      renameSync(this.path, rotated);
      this.#rotations++;
    } catch (e) {
      // Removed under us: reopening recreates it. Anything else: keep writing to
      // the current file and try again after another max_bytes.
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
        this.#onError(e as NodeJS.ErrnoException);
        return;
      }
    }
    this.#reopening = true;
    sonic.reopen();
  }

  #onError(err: NodeJS.ErrnoException): void {
    const first = this.#lastError === null;
    this.#lastError = err.code ?? err.message;
    if (first)
      this.#logger?.warn(
        { err: { code: err.code, message: err.message } },
        "log file write failed; retrying",
      );
    // sonic-boom keeps the unwritten data and retries on the next write. On a timer,
    // reopen the path as well: a quiet sidecar recovers once the disk has room
    // again, and a file replaced or removed under us is recreated.
    if (this.#retry === null) {
      this.#retry = setTimeout(() => {
        this.#retry = null;
        if (this.#sonic && this.#lastError !== null) this.#sonic.reopen();
      }, RETRY_MS);
      this.#retry.unref();
    }
  }
}

function nextMidnight(now: number): number {
  return Math.floor(now / DAY) * DAY + DAY;
}
