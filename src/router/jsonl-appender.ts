import { type FileHandle, mkdir, open, rename } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Logger } from "pino";
import type { Clock } from "../util/clock.js";
import { APPEND_NO_FOLLOW, assertInside, FILE_MODE, refusedSymlink } from "../util/no-follow.js";

const DAY = 86_400_000;

interface Pending {
  line: string;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Appends JSON lines to a file and resolves each append once its bytes are
 * written (and, with `fsync`, on disk): for records that must not be lost —
 * the `log` destination and dead letters — unlike the log writer, which drops
 * under pressure. Appends waiting while a write runs go out together in the
 * next single write, so a busy file costs one write(2) per batch.
 *
 * Rotation by size and at UTC midnight renames the file to
 * `<name>-<time>-<sequence>.jsonl` beside it.
 *
 * Files are created mode 0600 and opened with O_NOFOLLOW, and, given `root`,
 * only while their directory's real path is inside it: a symlink planted at
 * the file's path fails the append (ELOOP, a clear message, logged once until
 * an append succeeds again) and the caller keeps the record to retry; nothing
 * is written where the link points.
 */
export class JsonlAppender {
  readonly path: string;
  readonly #clock: Clock;
  readonly #fsync: boolean;
  readonly #root: string | null;
  readonly #logger: Logger | null;
  /** An append was refused (a symlink at the path) and no append has succeeded since. */
  #refused = false;
  #rotate: { maxBytes: number; daily: boolean };
  #fh: FileHandle | null = null;
  #bytes = 0;
  #nextDay = 0;
  #rotations = 0;
  #pending: Pending[] = [];
  #writing: Promise<void> | null = null;
  #closed = false;

  constructor(opts: {
    path: string;
    clock: Clock;
    rotate: { maxBytes: number; daily: boolean };
    fsync?: boolean;
    /** The directory the file must stay in (the data dir). */
    root?: string;
    logger?: Logger;
  }) {
    this.path = opts.path;
    this.#clock = opts.clock;
    this.#rotate = opts.rotate;
    this.#fsync = opts.fsync ?? false;
    this.#root = opts.root ?? null;
    this.#logger = opts.logger ?? null;
  }

  setRotation(rotate: { maxBytes: number; daily: boolean }): void {
    this.#rotate = rotate;
  }

  /** Resolves once the line is written; rejects with the write's error (the caller retries). */
  append(line: string): Promise<void> {
    if (this.#closed) return Promise.reject(new Error(`${this.path}: closed`));
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ line, resolve, reject });
      this.#writing ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending;
        this.#pending = [];
        let text = "";
        for (const p of batch) text += `${p.line}\n`;
        try {
          await this.#write(Buffer.from(text));
          if (this.#refused) {
            this.#refused = false;
            this.#logger?.info({ path: this.path }, "file no longer a symlink; appending again");
          }
          for (const p of batch) p.resolve();
        } catch (e) {
          // Reopen on the next batch: the file may have been removed or the disk freed.
          await this.#fh?.close().catch(() => undefined);
          this.#fh = null;
          if ((e as NodeJS.ErrnoException).code === "ELOOP" && !this.#refused) {
            this.#refused = true;
            this.#logger?.error({ path: this.path, err: { code: "ELOOP" } }, (e as Error).message);
          }
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.#writing = null;
    }
  }

  async #write(buf: Buffer): Promise<void> {
    const now = this.#clock.now();
    if (
      this.#fh &&
      ((this.#bytes > 0 && this.#bytes + buf.length > this.#rotate.maxBytes) ||
        (this.#rotate.daily && now >= this.#nextDay && this.#bytes > 0))
    ) {
      await this.#fh.close();
      this.#fh = null;
      const stamp = new Date(now).toISOString().replace(/[-:.]/g, "");
      const name = basename(this.path).replace(/\.jsonl$/, "");
      await rename(
        this.path,
        join(dirname(this.path), `${name}-${stamp}-${String(this.#rotations++).padStart(6, "0")}.jsonl`),
      ).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "ENOENT") throw e;
      });
    }
    if (!this.#fh) {
      await mkdir(dirname(this.path), { recursive: true });
      if (this.#root !== null) assertInside(this.#root, dirname(this.path));
      try {
        this.#fh = await open(this.path, APPEND_NO_FOLLOW, FILE_MODE);
      } catch (e) {
        throw refusedSymlink(this.path, e);
      }
      this.#bytes = (await this.#fh.stat()).size;
      this.#nextDay = Math.floor(now / DAY) * DAY + DAY;
    }
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await this.#fh.write(buf, off, buf.length - off);
      off += bytesWritten;
    }
    if (this.#fsync) await this.#fh.datasync();
    this.#bytes += buf.length;
  }

  /** Waits for pending appends, then closes the file. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#writing) await this.#writing;
    await this.#fh?.close().catch(() => undefined);
    this.#fh = null;
  }
}
