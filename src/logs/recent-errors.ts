import { Writable } from "node:stream";
import pino from "pino";

const WARN = 40;

/**
 * A pino destination that keeps the last `capacity` records at warn level or
 * above, for `vigil diagnose`. Memory is bounded by the capacity; records are
 * kept as the JSON text pino wrote.
 */
export class RecentErrors extends Writable {
  readonly #capacity: number;
  readonly #ring: string[] = [];
  #next = 0;

  constructor(capacity = 50) {
    super({ decodeStrings: false });
    this.#capacity = capacity;
  }

  override _write(chunk: string | Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    for (const line of String(chunk).split("\n")) {
      if (!line) continue;
      const m = /"level":(?:(\d+)|"(\w+)")/.exec(line);
      const level = m ? Number(m[1] ?? pino.levels.values[m[2] ?? ""] ?? 0) : 0;
      if (level < WARN) continue;
      if (this.#ring.length < this.#capacity) this.#ring.push(line);
      else this.#ring[this.#next] = line;
      this.#next = (this.#next + 1) % this.#capacity;
    }
    cb();
  }

  /** Oldest first. */
  records(): Array<Record<string, unknown>> {
    const ordered =
      this.#ring.length < this.#capacity
        ? this.#ring
        : [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
    return ordered.map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return { msg: l };
      }
    });
  }
}
