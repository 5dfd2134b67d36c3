import { createReadStream } from "node:fs";
import { mkdir, readdir, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import type { Logger } from "pino";
import type { Clock } from "../util/clock.js";
import { JsonlAppender } from "./jsonl-appender.js";
import { messageBytes, type NewMessage, type QueuedMessage } from "./queue-store.js";
import { messageJson, PRIORITY_NAMES } from "./senders/sender.js";

/** One line of a dead-letter file. */
export interface DeadLetterRecord {
  dead_lettered_at: string;
  destination: string;
  reason: string;
  error: string;
  attempts: number;
  message_id: string;
  topic: string;
  priority: string;
  content_type: string;
  attributes: Record<string, string>;
  idempotency_key?: string;
  published_at: string;
  expires_at?: string;
  traceparent?: string;
  payload: string;
  payload_encoding: "utf8" | "base64";
}

/**
 * Dead letters: `dead-letter/<destination>.jsonl` in the data dir, one JSON
 * line per message that could not be delivered (rejected by the destination,
 * out of attempts, TTL passed), written and synced before the message leaves
 * the queue. Files rotate daily and at an eighth of `dead_letter.max_bytes`;
 * `enforce()` deletes rotated files past `retention` and the oldest beyond
 * `max_bytes` per destination (dropped letters are counted). `redrive()` puts
 * letters back into their destination's queue, oldest first.
 */
export class DeadLetters {
  readonly dir: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #config: { retentionMs: number; maxBytes: number };
  readonly #appenders = new Map<string, JsonlAppender>();
  /** Per destination, the redrive in progress (appends wait for it). */
  readonly #busy = new Map<string, Promise<unknown>>();

  constructor(opts: {
    dataDir: string;
    config: { retentionMs: number; maxBytes: number };
    clock: Clock;
    logger: Logger;
  }) {
    this.dir = join(opts.dataDir, "dead-letter");
    this.#clock = opts.clock;
    this.#logger = opts.logger.child({ component: "dead-letter" });
    this.#config = opts.config;
  }

  applyConfig(config: { retentionMs: number; maxBytes: number }): void {
    this.#config = config;
    for (const a of this.#appenders.values()) a.setRotation(this.#rotation());
  }

  #rotation() {
    return { maxBytes: Math.max(64 * 1024, Math.floor(this.#config.maxBytes / 8)), daily: true };
  }

  #appender(dest: string): JsonlAppender {
    let a = this.#appenders.get(dest);
    if (!a) {
      a = new JsonlAppender({
        path: join(this.dir, `${dest}.jsonl`),
        clock: this.#clock,
        rotate: this.#rotation(),
        fsync: true,
        // Inside the data dir (dead-letter/'s parent) and logged once when refused, like the log destination.
        root: dirname(this.dir),
        logger: this.#logger,
      });
      this.#appenders.set(dest, a);
    }
    return a;
  }

  async write(m: QueuedMessage, reason: string, error: string): Promise<void> {
    await this.#busy.get(m.dest);
    const record = {
      dead_lettered_at: new Date(this.#clock.now()).toISOString(),
      destination: m.dest,
      reason,
      error,
      attempts: m.attempt,
      ...messageJson(m),
    };
    await this.#appender(m.dest).append(JSON.stringify(record));
  }

  /** The files of one destination, oldest first (rotated ones by name, then the active file). */
  async files(dest: string): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const rotated = names
      .filter((n) => n.startsWith(`${dest}-`) && n.endsWith(".jsonl") && isRotatedOf(n, dest))
      .sort();
    const out = rotated.map((n) => join(this.dir, n));
    if (names.includes(`${dest}.jsonl`)) out.push(join(this.dir, `${dest}.jsonl`));
    return out;
  }

  /**
   * Moves up to `limit` (0 = all) letters of `dest` back into its queue through
   * `enqueue` (which commits them, or answers false when the queue has no
   * room: the redrive stops there), oldest first; returns how many. A file is
   * removed or rewritten only after its letters are committed, so a crash in
   * between can only redrive a letter twice, never lose it.
   */
  redrive(dest: string, limit: number, enqueue: (msgs: NewMessage[]) => Promise<boolean>): Promise<number> {
    const run = (async () => {
      await this.#busy.get(dest);
      const appender = this.#appenders.get(dest);
      if (appender) {
        this.#appenders.delete(dest);
        await appender.close();
      }
      let total = 0;
      let full = false;
      for (const file of await this.files(dest)) {
        if (full || (limit > 0 && total >= limit)) break;
        const keep: string[] = [];
        let batch: NewMessage[] = [];
        let batchLines: string[] = [];
        const flush = async () => {
          if (batch.length === 0) return;
          if (!full && (await enqueue(batch))) total += batch.length;
          else {
            full = true;
            keep.push(...batchLines);
          }
          batch = [];
          batchLines = [];
        };
        const rl = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
        for await (const line of rl) {
          if (line.trim() === "") continue;
          if (full || (limit > 0 && total + batch.length >= limit)) {
            keep.push(line);
            continue;
          }
          try {
            batch.push(fromRecord(JSON.parse(line) as DeadLetterRecord, dest));
            batchLines.push(line);
          } catch (e) {
            this.#logger.warn({ file, err: (e as Error).message }, "unreadable dead letter kept in place");
            keep.push(line);
            continue;
          }
          if (batch.length >= 500) await flush();
        }
        await flush();
        if (keep.length === 0) await unlink(file);
        else {
          const tmp = `${file}.tmp`;
          await writeFile(tmp, `${keep.join("\n")}\n`);
          await rename(tmp, file);
        }
      }
      if (full)
        this.#logger.warn(
          { destination: dest, redriven: total },
          "redrive stopped: the destination's queue is full",
        );
      if (total > 0) this.#logger.info({ destination: dest, redriven: total }, "dead letters redriven");
      return total;
    })();
    const settled = run.catch(() => undefined);
    this.#busy.set(dest, settled);
    void settled.then(() => {
      if (this.#busy.get(dest) === settled) this.#busy.delete(dest);
    });
    return run;
  }

  /** Applies retention and the size bound; returns the number of letters deleted. */
  async enforce(): Promise<number> {
    await mkdir(this.dir, { recursive: true });
    let dropped = 0;
    const now = this.#clock.now();
    for (const dest of await this.destinationsWithRotated()) {
      const files = await this.files(dest);
      const withStat: Array<{ file: string; size: number; mtime: number; active: boolean }> = [];
      for (const f of files) {
        try {
          const s = await stat(f);
          withStat.push({ file: f, size: s.size, mtime: s.mtimeMs, active: f.endsWith(`${dest}.jsonl`) });
        } catch {
          // Gone meanwhile.
        }
      }
      let total = withStat.reduce((n, f) => n + f.size, 0);
      for (const f of withStat) {
        if (f.active) continue;
        const old = now - f.mtime > this.#config.retentionMs;
        if (!old && total <= this.#config.maxBytes) continue;
        const lines = await countLines(f.file);
        await unlink(f.file).catch(() => undefined);
        total -= f.size;
        dropped += lines;
        this.#logger.warn(
          { destination: dest, file: f.file, letters: lines, reason: old ? "retention" : "max_bytes" },
          "dead-letter file deleted",
        );
      }
    }
    return dropped;
  }

  async destinationsWithRotated(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out = new Set<string>();
    for (const n of names) {
      const m = /^(.*?)(-\d{8}T\d{9}Z-\d{6})?\.jsonl$/.exec(n);
      if (m?.[1]) out.add(m[1]);
    }
    return [...out];
  }

  async close(): Promise<void> {
    await Promise.all([...this.#busy.values()]);
    await Promise.all([...this.#appenders.values()].map((a) => a.close()));
    this.#appenders.clear();
  }
}

function isRotatedOf(name: string, dest: string): boolean {
  return /^-\d{8}T\d{9}Z-\d{6}\.jsonl$/.test(name.slice(dest.length));
}

function fromRecord(r: DeadLetterRecord, dest: string): NewMessage {
  if (typeof r.message_id !== "string" || typeof r.topic !== "string") throw new Error("not a dead letter");
  const payload = Buffer.from(r.payload ?? "", r.payload_encoding === "utf8" ? "utf8" : "base64");
  const priority = Math.max(1, PRIORITY_NAMES.indexOf(r.priority as (typeof PRIORITY_NAMES)[number]));
  return {
    dest,
    priority,
    messageId: r.message_id,
    topic: r.topic,
    payload,
    contentType: r.content_type ?? "",
    attributes: r.attributes ?? {},
    idempotencyKey: r.idempotency_key ?? "",
    publishedAt: Date.parse(r.published_at) || Date.now(),
    // A redriven message gets a fresh chance: its old TTL is what sent it here.
    expiresAt: 0,
    traceparent: r.traceparent ?? "",
    attempt: 0,
    bytes: messageBytes(payload, r.topic, r.attributes ?? {}),
  };
}

async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(file)) {
    for (const b of chunk as Buffer) if (b === 10) n++;
  }
  return n;
}
