import { readFileSync } from "node:fs";
import type { Counter, Meter, ObservableGauge, ObservableResult } from "@opentelemetry/api";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import { VigilError } from "../errors.js";

/**
 * Sheds load before the process nears its memory limit, like the
 * OpenTelemetry Collector's memory_limiter: `check()` (every second, on the
 * scheduler) compares the resident set size with `limit × shed_at`; above it
 * new publishes and metric points are refused with RESOURCE_EXHAUSTED
 * (`VIGIL_ERR_SERVER_OVERLOADED`) while everything already accepted is kept and
 * delivered, and heartbeats, acks and admin calls go on. Shedding stops once
 * RSS is back under 95 % of that mark (a little hysteresis, so it does not
 * flap at the edge). The limit is `server.memory_limiter.limit`, else the
 * container's (cgroup v2 `memory.max`, or v1 `memory.limit_in_bytes`), else
 * none (the guard is off).
 */
export class MemoryGuard {
  #config: Config["server"]["memoryLimiter"];
  readonly #logger: Logger;
  readonly #rss: () => number;
  readonly #cgroupLimit: number | null;
  #shedding = false;
  #lastRss = 0;
  readonly #refused = new Map<string, number>();
  readonly #refusedCounter: Counter;
  readonly #gauge: ObservableGauge;
  readonly #observe: (r: ObservableResult) => void;

  constructor(opts: {
    config: Config["server"]["memoryLimiter"];
    logger: Logger;
    meter: Meter;
    /** Resident set size now (tests pass their own). */
    rss?: () => number;
    /** The container's memory limit; read from the cgroup files when not given. */
    cgroupLimit?: number | null;
  }) {
    this.#config = opts.config;
    this.#logger = opts.logger.child({ component: "memory-guard" });
    this.#rss = opts.rss ?? (() => process.memoryUsage.rss());
    this.#cgroupLimit = opts.cgroupLimit === undefined ? cgroupMemoryLimit() : opts.cgroupLimit;
    this.#refusedCounter = opts.meter.createCounter("vigil.memory_limiter.refused", {
      description: "Publishes and metric points refused while shedding load for memory",
    });
    this.#gauge = opts.meter.createObservableGauge("vigil.memory_limiter.shedding", {
      description: "1 while Vigil refuses new data to stay under its memory limit",
    });
    this.#observe = (r) => r.observe(this.#shedding ? 1 : 0);
    this.#gauge.addCallback(this.#observe);
  }

  /** The limit in force (bytes), or null when none is known. */
  get limitBytes(): number | null {
    return this.#config.limitBytes ?? this.#cgroupLimit;
  }

  get shedding(): boolean {
    return this.#shedding;
  }

  applyConfig(config: Config["server"]["memoryLimiter"]): void {
    this.#config = config;
    this.check();
  }

  /** Samples RSS and starts or stops shedding. */
  check(): void {
    const limit = this.limitBytes;
    const rss = this.#rss();
    this.#lastRss = rss;
    if (limit === null) {
      this.#set(false, rss, 0);
      return;
    }
    const mark = limit * this.#config.shedAt;
    if (!this.#shedding && rss > mark) this.#set(true, rss, mark);
    else if (this.#shedding && rss < mark * 0.95) this.#set(false, rss, mark);
  }

  #set(on: boolean, rss: number, mark: number): void {
    if (on === this.#shedding) return;
    this.#shedding = on;
    const mib = (n: number) => Math.round(n / 1048576);
    if (on)
      this.#logger.warn(
        { rssMiB: mib(rss), markMiB: mib(mark), limitMiB: mib(this.limitBytes ?? 0) },
        "memory high: refusing new publishes and metric points until it falls",
      );
    else
      this.#logger.info(
        { rssMiB: mib(rss), refused: Object.fromEntries(this.#refused) },
        "memory back under the mark: accepting again",
      );
  }

  /** Throws RESOURCE_EXHAUSTED while shedding; counts the refusal under `rpc`. */
  admit(rpc: string, items = 1): void {
    if (!this.#shedding) return;
    this.#refused.set(rpc, (this.#refused.get(rpc) ?? 0) + items);
    this.#refusedCounter.add(items, { rpc });
    const mib = (n: number) => Math.round(n / 1048576);
    throw new VigilError(
      "VIGIL_ERR_SERVER_OVERLOADED",
      `Vigil is shedding load: memory ${mib(this.#lastRss)} MiB is over ${Math.round(this.#config.shedAt * 100)} % of its ${mib(this.limitBytes ?? 0)} MiB limit; retry after a backoff`,
    );
  }

  stop(): void {
    this.#gauge.removeCallback(this.#observe);
  }
}

/** The cgroup's memory limit in bytes (v2 `memory.max`, v1 `memory.limit_in_bytes`); null when unlimited or unknown. */
export function cgroupMemoryLimit(
  read: (path: string) => string = (p) => readFileSync(p, "utf8"),
): number | null {
  for (const path of ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]) {
    let text: string;
    try {
      text = read(path).trim();
    } catch {
      continue;
    }
    if (text === "max") return null;
    const n = Number(text);
    // cgroup v1 reports "no limit" as a huge page-aligned number.
    if (Number.isFinite(n) && n > 0 && n < 2 ** 60) return n;
    return null;
  }
  return null;
}
