import { close, closeSync, fstatSync, write as fsWrite, mkdirSync, openSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { Counter, Meter } from "@opentelemetry/api";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import type { Clock } from "../util/clock.js";
import { APPEND_NO_FOLLOW, assertInside, FILE_MODE, refusedSymlink } from "../util/no-follow.js";

export interface LogWriterStats {
  file: string;
  records: number;
  dropped: number;
  bytesWritten: number;
  rotations: number;
  lastError: string | null;
}

const DAY = 86_400_000;
/** How often a writer whose last write failed (disk full, I/O error) tries again by itself. */
const RETRY_MS = 1000;

/**
 * The constant-memory JSON-lines writer: a pino destination that appends to
 * data_dir/logs/vigil.jsonl.
 *
 * Memory is two buffers of half of `logs.max_buffer_bytes`, allocated once.
 * Records are encoded into the filling buffer; the other is written with one
 * asynchronous write(2) on libuv's thread pool, so a slow disk never blocks the
 * event loop. When both are full the record is dropped and counted
 * (vigil.logs.dropped) — never buffered without bound, never blocking.
 * Hand-written rather than sonic-boom: sonic-boom's asynchronous mode keeps
 * records as concatenated strings and wrote far below its synchronous mode
 * (bench/log-writer.bench.ts).
 *
 * Files rotate by size and at UTC midnight (the active file becomes
 * vigil-<time>-<sequence>.jsonl, which the cleaner's default pattern covers).
 * After a failed write (ENOSPC, a file removed under it) the data stays in its
 * buffer and the writer reopens its path and retries every second.
 *
 * The file is opened with O_NOFOLLOW, and only while the logs directory's real
 * path is inside the data dir: a symlink planted at vigil.jsonl (or a logs
 * directory swapped for one) is refused with an error in the log, counted in
 * vigil.logs.errors, and retried like a full disk — records wait in the
 * bounded buffer, never written where the link points.
 */
export class LogWriter {
  readonly dir: string;
  readonly path: string;
  readonly #dataDir: string;
  #config: Config["logs"];
  readonly #clock: Clock;
  readonly #logger: Logger | null;
  #fd: number | null = null;
  /** Set by start(): records are taken even while no file is open (an open failed; retried). */
  #started = false;
  readonly #errors: Counter;
  /** The buffer records are encoded into, and how much of it is used. */
  #fill: Buffer = Buffer.alloc(0);
  #fillLen = 0;
  /** The buffer being written: [buffer, offset written so far, length]. */
  #spare: Buffer = Buffer.alloc(0);
  #inflight: { buf: Buffer; off: number; len: number } | null = null;
  #writing = false;
  #rotatePending = false;
  #bytes = 0;
  #records = 0;
  #dropped = 0;
  #written = 0;
  #rotations = 0;
  #nextDay = 0;
  #lastError: string | null = null;
  #retry: NodeJS.Timeout | null = null;
  #idle: Array<() => void> = [];
  #stopping: Promise<void> | null = null;
  readonly #onWritten: (err: NodeJS.ErrnoException | null, n: number) => void;

  constructor(opts: {
    dataDir: string;
    config: Config["logs"];
    clock: Clock;
    meter: Meter;
    logger?: Logger;
  }) {
    this.#config = opts.config;
    this.#dataDir = opts.dataDir;
    this.dir = join(opts.dataDir, opts.config.dir);
    this.path = join(this.dir, "vigil.jsonl");
    this.#clock = opts.clock;
    this.#logger = opts.logger?.child({ component: "log-writer" }) ?? null;
    this.#onWritten = (err, n) => this.#written_(err, n);
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
    this.#errors = opts.meter.createCounter("vigil.logs.errors", {
      description:
        "Failed opens and writes of the local log file, by errno (ELOOP: a symlink at its path, refused)",
    });
  }

  /** Opens the file (creating the directory) and allocates the buffers. */
  async start(): Promise<void> {
    if (this.#started || this.#stopping) return;
    mkdirSync(this.dir, { recursive: true });
    const half = Math.max(4096, Math.floor(this.#config.maxBufferBytes / 2));
    this.#fill = Buffer.allocUnsafe(half);
    this.#spare = Buffer.allocUnsafe(half);
    this.#nextDay = nextMidnight(this.#clock.now());
    this.#started = true;
    // A file that cannot be opened (a symlink at its path, no space) does not stop the sidecar:
    // records wait in the buffer and the open is retried every second.
    this.#reopen();
  }

  /** Rotation settings apply at once; a new buffer size at the next start. */
  applyConfig(config: Config["logs"]): void {
    this.#config = config;
  }

  /** pino's destination interface; the hot path. */
  write(line: string): boolean {
    if (!this.#started || this.#stopping) {
      this.#dropped++;
      return false;
    }
    const cap = this.#fill.length;
    // UTF-8 needs at most 3 bytes per UTF-16 unit: only a near-full buffer pays for an exact length.
    if (cap - this.#fillLen < line.length * 3 && cap - this.#fillLen < Buffer.byteLength(line)) {
      this.#kick();
      if (cap - this.#fillLen < Buffer.byteLength(line)) {
        this.#dropped++;
        return false;
      }
    }
    const n = this.#fill.write(line, this.#fillLen);
    this.#fillLen += n;
    this.#bytes += n;
    this.#records++;
    if (
      this.#bytes > this.#config.rotate.maxBytes ||
      (this.#config.rotate.daily && this.#clock.now() >= this.#nextDay)
    ) {
      this.#rotatePending = true;
    }
    if (!this.#writing) this.#kick();
    return true;
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

  /** Writes what is buffered and closes the file; safe before start and twice. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.#retry) clearTimeout(this.#retry);
      this.#retry = null;
      // No file open (its open was refused or failed): one last try, else what is buffered is lost.
      if (this.#fd === null && this.#started) this.#reopen();
      if (this.#fd === null) return;
      // Give buffered records until one retry interval to reach the disk.
      const deadline = Date.now() + RETRY_MS;
      while ((this.#writing || this.#fillLen > 0 || this.#inflight) && Date.now() < deadline) {
        if (!this.#writing) this.#kick();
        await new Promise<void>((r) => {
          this.#idle.push(r);
          setTimeout(r, 20).unref();
        });
      }
      const fd = this.#fd;
      this.#fd = null;
      await new Promise<void>((r) => close(fd, () => r()));
    })();
    return this.#stopping;
  }

  /** Starts writing the filled buffer when no write is in flight. */
  #kick(): void {
    if (this.#writing || this.#fd === null) return;
    if (this.#inflight === null) {
      if (this.#rotatePending) this.#rotate();
      if (this.#fillLen === 0) return;
      const buf = this.#fill;
      this.#inflight = { buf, off: 0, len: this.#fillLen };
      this.#fill = this.#spare;
      this.#spare = buf;
      this.#fillLen = 0;
    }
    const w = this.#inflight;
    this.#writing = true;
    fsWrite(this.#fd, w.buf, w.off, w.len - w.off, null, this.#onWritten);
  }

  #written_(err: NodeJS.ErrnoException | null, n: number): void {
    this.#writing = false;
    const w = this.#inflight;
    if (err || w === null) {
      if (err) this.#onError(err);
      this.#wake();
      return;
    }
    if (this.#lastError !== null) {
      this.#lastError = null;
      this.#logger?.info("log file writable again");
    }
    this.#written += n;
    w.off += n;
    if (w.off >= w.len) this.#inflight = null;
    if (this.#inflight !== null || this.#fillLen > 0 || this.#rotatePending) this.#kick();
    this.#wake();
  }

  #wake(): void {
    const waiting = this.#idle;
    this.#idle = [];
    for (const r of waiting) r();
  }

  /** Between writes: the current file becomes vigil-<time>-<sequence>.jsonl, a new vigil.jsonl is opened. */
  #rotate(): void {
    this.#rotatePending = false;
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
    this.#reopen();
  }

  #reopen(): void {
    let fd: number;
    try {
      assertInside(this.#dataDir, this.dir);
      fd = openSync(this.path, APPEND_NO_FOLLOW, FILE_MODE);
    } catch (e) {
      const err = refusedSymlink(this.path, e) as NodeJS.ErrnoException;
      // Refused: write nothing more to the file held so far either (at rotation it is the rotated
      // file, otherwise one replaced under us); records wait in the buffer until the link is gone.
      if (err.code === "ELOOP" && this.#fd !== null) {
        closeSync(this.#fd);
        this.#fd = null;
      }
      this.#onError(err);
      return;
    }
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = fd;
    try {
      this.#bytes = fstatSync(fd).size;
    } catch {
      this.#bytes = 0;
    }
  }

  #onError(err: NodeJS.ErrnoException): void {
    const first = this.#lastError === null;
    this.#lastError = err.code ?? err.message;
    this.#errors.add(1, { "error.type": err.code ?? "unknown" });
    if (first && err.code === "ELOOP")
      this.#logger?.error({ path: this.path, err: { code: err.code } }, err.message);
    else if (first)
      this.#logger?.warn(
        { err: { code: err.code, message: err.message } },
        "log file write failed; retrying",
      );
    // The unwritten data stays in its buffer. Reopen the path and retry on a
    // timer: a quiet sidecar recovers once the disk has room again, and a file
    // replaced or removed under us is recreated.
    if (this.#retry === null && !this.#stopping) {
      this.#retry = setTimeout(() => {
        this.#retry = null;
        if (this.#stopping || this.#lastError === null) return;
        this.#reopen();
        this.#kick();
      }, RETRY_MS);
      this.#retry.unref();
    }
  }
}

function nextMidnight(now: number): number {
  return Math.floor(now / DAY) * DAY + DAY;
}
