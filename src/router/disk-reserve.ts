import { closeSync, constants, openSync, statfsSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";

const CHUNK = Buffer.alloc(1024 * 1024);

/**
 * A file of zeros that holds disk space for the queue's way out of a full disk.
 *
 * With the disk full, SQLite cannot even delete the rows of delivered messages:
 * a delete writes to the WAL and a checkpoint grows the main file. So when a
 * commit fails for want of space the router releases this reserve; deliveries
 * can then commit their deletes, and a vacuum returns the freed pages to the
 * file system. The reserve is taken again once that much is free twice over.
 * The bytes are written, not a sparse truncate, so the space is really held.
 */
export class DiskReserve {
  readonly path: string;
  readonly bytes: number;
  #held = false;

  constructor(path: string, bytes: number) {
    this.path = path;
    this.bytes = bytes;
  }

  get held(): boolean {
    return this.#held;
  }

  /** Free bytes on the reserve's file system for an unprivileged writer. */
  freeBytes(): number {
    const s = statfsSync(dirname(this.path));
    return s.bavail * s.bsize;
  }

  /**
   * Takes the reserve when `bytes` more than it are free (it never takes the last of the disk).
   * Returns whether it is held; a disk too full leaves it released, to be taken later.
   */
  take(): boolean {
    if (this.#held || this.bytes === 0) return this.#held;
    let fd = -1;
    try {
      // Left by a process that was killed: already held.
      const left = statSync(this.path, { throwIfNoEntry: false });
      if (left && left.size >= this.bytes) {
        this.#held = true;
        return true;
      }
      if (this.freeBytes() < 2 * this.bytes) return false;
      // Private and never through a symlink, like Vigil's other files in the data dir.
      fd = openSync(
        this.path,
        constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
        0o600,
      );
      for (let left = this.bytes; left > 0; left -= CHUNK.length)
        writeSync(fd, CHUNK, 0, Math.min(left, CHUNK.length));
      closeSync(fd);
      fd = -1;
      this.#held = true;
    } catch {
      if (fd >= 0) closeSync(fd);
      this.#unlink();
    }
    return this.#held;
  }

  /** Gives the space back to the file system; returns the bytes released (0 when none was held). */
  release(): number {
    if (!this.#held) return 0;
    this.#held = false;
    this.#unlink();
    return this.bytes;
  }

  #unlink(): void {
    try {
      unlinkSync(this.path);
    } catch {
      // Not there: nothing held.
    }
  }
}
