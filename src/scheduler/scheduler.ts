import type { Logger } from "pino";
import { toError } from "../errors.js";
import type { Clock } from "../util/clock.js";

export interface TaskStatus {
  name: string;
  intervalMs: number;
  lastRun: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  runs: number;
  failures: number;
  running: boolean;
}

interface Task extends TaskStatus {
  fn: () => void | Promise<void>;
  timer: NodeJS.Timeout | null;
}

/**
 * Runs named periodic tasks. A task runs once at a time (a slow run delays the
 * next instead of overlapping it), a failing task is logged and counted without
 * touching the others, and timers never keep the process alive.
 */
export class Scheduler {
  readonly #tasks = new Map<string, Task>();
  readonly #logger: Logger;
  readonly #clock: Clock;
  #started = false;
  #stopping: Promise<void> | null = null;

  constructor(opts: { logger: Logger; clock: Clock }) {
    this.#logger = opts.logger.child({ component: "scheduler" });
    this.#clock = opts.clock;
  }

  add(name: string, intervalMs: number, fn: () => void | Promise<void>): void {
    if (this.#tasks.has(name)) throw new Error(`scheduler: task ${name} already exists`);
    const task: Task = {
      name,
      intervalMs,
      fn,
      timer: null,
      lastRun: null,
      lastDurationMs: null,
      lastError: null,
      runs: 0,
      failures: 0,
      running: false,
    };
    this.#tasks.set(name, task);
    if (this.#started) this.#arm(task);
  }

  /** Changes a task's interval (config reload); the next run is re-planned. */
  setInterval(name: string, intervalMs: number): void {
    const task = this.#tasks.get(name);
    if (!task || task.intervalMs === intervalMs) return;
    task.intervalMs = intervalMs;
    if (task.timer) {
      clearTimeout(task.timer);
      this.#arm(task);
    }
  }

  /** Removes a task (config reload); a run in progress finishes and is not followed by another. */
  remove(name: string): void {
    const task = this.#tasks.get(name);
    if (!task) return;
    if (task.timer) clearTimeout(task.timer);
    task.timer = null;
    this.#tasks.delete(name);
  }

  has(name: string): boolean {
    return this.#tasks.has(name);
  }

  start(): void {
    if (this.#started || this.#stopping) return;
    this.#started = true;
    for (const t of this.#tasks.values()) this.#arm(t);
  }

  /** Runs a task now (tests, on-demand commands); resolves when it finished. */
  async runNow(name: string): Promise<void> {
    const task = this.#tasks.get(name);
    if (!task) throw new Error(`scheduler: no task ${name}`);
    await this.#run(task);
  }

  list(): TaskStatus[] {
    return [...this.#tasks.values()].map(({ fn: _fn, timer: _timer, ...status }) => status);
  }

  /** Stops planning runs and waits for runs in progress; safe before start and twice. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      for (const t of this.#tasks.values()) {
        if (t.timer) clearTimeout(t.timer);
        t.timer = null;
      }
      while ([...this.#tasks.values()].some((t) => t.running)) {
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    return this.#stopping;
  }

  #arm(task: Task): void {
    task.timer = setTimeout(() => {
      task.timer = null;
      void this.#run(task).finally(() => {
        if (!this.#stopping && this.#tasks.get(task.name) === task) this.#arm(task);
      });
    }, task.intervalMs);
    task.timer.unref();
  }

  async #run(task: Task): Promise<void> {
    if (task.running) return;
    task.running = true;
    const started = this.#clock.now();
    const t0 = performance.now();
    try {
      await task.fn();
      task.lastError = null;
    } catch (e) {
      const err = toError(e);
      task.failures++;
      task.lastError = err.message;
      this.#logger.error({ task: task.name, err }, "scheduled task failed");
    } finally {
      task.runs++;
      task.lastRun = started;
      task.lastDurationMs = performance.now() - t0;
      task.running = false;
    }
  }
}
