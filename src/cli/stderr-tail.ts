/** Longest line kept: a command that writes one endless line costs no more than this. */
const MAX_LINE = 400;

/**
 * The last `max` lines of a stream written in chunks, in bounded memory: a ring of complete
 * lines plus the line being written, each cut to MAX_LINE characters (the end kept).
 */
export class StderrTail {
  readonly #max: number;
  readonly #ring: string[] = [];
  #partial = "";

  constructor(max: number) {
    this.#max = max;
  }

  push(chunk: string): void {
    const parts = chunk.split("\n");
    const last = parts.pop() ?? "";
    for (const p of parts) {
      this.#add(this.#partial + p);
      this.#partial = "";
    }
    this.#partial = (this.#partial + last).slice(-MAX_LINE);
  }

  /** The kept lines, oldest first, with the unfinished last line; carriage returns dropped. */
  lines(): string[] {
    const all = this.#partial ? [...this.#ring, this.#partial] : [...this.#ring];
    return all.slice(-this.#max).map((l) => l.replace(/\r$/, ""));
  }

  #add(line: string): void {
    this.#ring.push(line.length > MAX_LINE ? line.slice(-MAX_LINE) : line);
    if (this.#ring.length > this.#max) this.#ring.shift();
  }
}
