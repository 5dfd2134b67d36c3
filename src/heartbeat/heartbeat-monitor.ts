import type {
  Attributes,
  Histogram,
  Meter,
  ObservableCounter,
  ObservableGauge,
  ObservableResult,
} from "@opentelemetry/api";
import { Cron } from "croner";
import type { Logger } from "pino";
import type { ComponentConfig, Config } from "../config/schema.js";
import { VigilError } from "../errors.js";
import { JOB_SECONDS_BUCKETS } from "../metrics/histogram-buckets.js";
import type { Clock } from "../util/clock.js";

export type ComponentState = "UNKNOWN" | "UP" | "LATE" | "DOWN";
export type Health = "OK" | "DEGRADED" | "FAILING";
export type Signal = "ALIVE" | "START" | "SUCCESS" | "FAIL";
export type OverallStatus = "HEALTHY" | "DEGRADED" | "DOWN" | "UNKNOWN";

export interface BeatInput {
  component: string;
  health: Health;
  message: string;
  intervalMs?: number;
  graceMs?: number;
  attributes: Record<string, string>;
  signal: Signal;
  /** Pairs a START with its SUCCESS/FAIL; "" = the component's one anonymous run. */
  runId?: string;
}

export interface ComponentError {
  time: number;
  message: string;
  health: Health;
  state: ComponentState;
}

/** A component as seen at one instant. */
export interface ComponentView {
  name: string;
  state: ComponentState;
  health: Health;
  message: string;
  lastBeat: number | null;
  ageMs: number | null;
  beatCount: number;
  errors: ComponentError[];
  intervalMs: number;
  graceMs: number;
  /** When it becomes LATE (or, during a job run, DOWN); null when unknown. */
  deadline: number | null;
  attributes: Record<string, string>;
  schedule: string | null;
  timezone: string | null;
  jobRunning: boolean;
  /** Job runs started and not yet ended. */
  openRuns: number;
  registeredAt: number;
  declared: boolean;
}

export interface StateChange {
  component: string;
  from: ComponentState;
  to: ComponentState;
  health: Health;
  at: number;
}

interface ComponentRecord {
  name: string;
  declared: boolean;
  /** Explicit interval (from the last beat or from config); undefined = config default. */
  intervalMs: number | undefined;
  graceMs: number | undefined;
  schedule: Cron | null;
  scheduleText: string | null;
  timezone: string | null;
  health: Health;
  message: string;
  attributes: Record<string, string>;
  lastBeat: number | null;
  beatCount: number;
  errors: ComponentError[];
  registeredAt: number;
  /** Open job runs: run id ("" for a START without one) → when it started, oldest first. */
  runs: Map<string, number>;
  /** A run open longer than this is DOWN; undefined = the grace. */
  maxRuntimeMs: number | undefined;
  /** A declared component that never beat goes DOWN after interval + grace (else stays UNKNOWN). */
  expectAtStart: boolean;
  /** Last state this monitor reported, to detect transitions. */
  reportedState: ComponentState;
  /** Cache of the schedule's next run after `anchor`. */
  nextRunAnchor: number;
  nextRun: number | null;
  /** Attributes for metrics, built once per component. */
  metricAttributes: Attributes;
  /** Beats received by signal, exported as vigil.heartbeats.received. */
  received: Record<Signal, number>;
  receivedAttributes: Record<Signal, Attributes>;
}

/**
 * What of a component outlives a restart (heartbeats.db, written by ComponentStore). What config
 * gives a declared component (schedule, max_runtime, expect_at_start) is not kept: config gives it again.
 */
export interface PersistedComponent {
  name: string;
  declared: boolean;
  intervalMs: number | null;
  graceMs: number | null;
  health: Health;
  message: string;
  attributes: Record<string, string>;
  lastBeat: number | null;
  beatCount: number;
  errors: ComponentError[];
  registeredAt: number;
  /** Open job runs, oldest first: [run id, started at]. */
  runs: Array<[string, number]>;
  reportedState: ComponentState;
  received: Record<Signal, number>;
}

/** What changed since the last takeChanges(): components to write and names to delete. */
export interface ComponentChanges {
  upserts: PersistedComponent[];
  removed: string[];
}

const SIGNALS: readonly Signal[] = ["ALIVE", "START", "SUCCESS", "FAIL"];

const MAX_ERRORS = 10;
/** Open job runs kept per component; a START beyond it forgets the oldest run (logged). */
export const MAX_OPEN_RUNS = 100;

/** Appended to text Vigil cut short, so a reader knows it is not the whole of it. */
export const TRUNCATED = "…[truncated]";
/** Characters kept of a component's message, and of each kept error's message. */
export const COMPONENT_MESSAGE_LIMIT = 1024;
/** Characters kept of a component's attributes, keys and values together. */
export const COMPONENT_ATTRIBUTES_LIMIT = 4096;
/** Room kept within COMPONENT_ATTRIBUTES_LIMIT for the entry that counts dropped attributes. */
const DROPPED_ENTRY_ROOM = 64;

/**
 * `s` cut to at most `max` characters with TRUNCATED at the end, never between the halves of a
 * surrogate pair. The cut is copied: a V8 slice would keep the whole original (up to the 4 MiB a
 * gRPC message may carry) alive for as long as the component is.
 */
export function truncateText(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max - TRUNCATED.length;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return Buffer.from(s.slice(0, end) + TRUNCATED, "utf16le").toString("utf16le");
}

/**
 * A beat's attributes as a component keeps them: each value cut at COMPONENT_MESSAGE_LIMIT, then
 * attributes in the order sent while keys and values total at most COMPONENT_ATTRIBUTES_LIMIT; the
 * rest are dropped and the entry TRUNCATED says how many. The common small set is returned as is.
 */
export function boundAttributes(attrs: Record<string, string>): Record<string, string> {
  let total = 0;
  for (const k in attrs) total += k.length + (attrs[k] as string).length;
  if (total <= COMPONENT_ATTRIBUTES_LIMIT) return attrs;
  const out: Record<string, string> = {};
  let room = COMPONENT_ATTRIBUTES_LIMIT - DROPPED_ENTRY_ROOM;
  let dropped = 0;
  for (const k in attrs) {
    const v = truncateText(attrs[k] as string, COMPONENT_MESSAGE_LIMIT);
    if (k.length + v.length <= room) {
      out[k] = v;
      room -= k.length + v.length;
    } else dropped++;
  }
  if (dropped > 0) out[TRUNCATED] = `${dropped} attributes dropped`;
  return out;
}

export interface HeartbeatMonitorOptions {
  config: Config["heartbeats"];
  meter: Meter;
  logger: Logger;
  clock: Clock;
}

/**
 * The component registry. State is a function of the clock and the last beat,
 * computed whenever it is read; `evaluate()` (run by the scheduler) turns state
 * changes into log records, error entries and listener calls.
 */
export class HeartbeatMonitor {
  #config: Config["heartbeats"];
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #components = new Map<string, ComponentRecord>();
  readonly #listeners: Array<(c: StateChange) => void> = [];
  readonly #received: ObservableCounter;
  readonly #jobDuration: Histogram;
  readonly #up: ObservableGauge;
  readonly #age: ObservableGauge;
  readonly #observe: (r: ObservableResult) => void;
  readonly #observeAge: (r: ObservableResult) => void;
  /**
   * Names changed or removed since the last takeChanges(). A beat only adds its name to a set: the
   * store writes these in batches off the hot path (thousands of beats a second would otherwise be
   * thousands of SQLite writes).
   */
  readonly #dirty = new Set<string>();
  readonly #removed = new Set<string>();

  constructor(opts: HeartbeatMonitorOptions) {
    this.#config = opts.config;
    this.#logger = opts.logger.child({ component: "heartbeats" });
    this.#clock = opts.clock;
    const meter = opts.meter;
    // Observed from per-component counts rather than added per beat: an SDK
    // add() hashes its attributes on every call, on Beat's hot path.
    this.#received = meter.createObservableCounter("vigil.heartbeats.received", {
      description: "Heartbeats received, by component and signal",
    });
    this.#received.addCallback((r) => {
      for (const rec of this.#components.values()) {
        for (const sig of SIGNALS)
          if (rec.received[sig] > 0) r.observe(rec.received[sig], rec.receivedAttributes[sig]);
      }
    });
    this.#jobDuration = meter.createHistogram("vigil.component.job.duration", {
      description: "Duration of job runs (START to SUCCESS or FAIL)",
      unit: "s",
      // Seconds buckets on to 1 h: the SDK's default (0 … 10,000) is for milliseconds.
      advice: { explicitBucketBoundaries: [...JOB_SECONDS_BUCKETS] },
    });
    this.#up = meter.createObservableGauge("vigil.component.up", {
      description: "1 when the component is UP or LATE and not FAILING, else 0",
    });
    this.#age = meter.createObservableGauge("vigil.component.heartbeat.age", {
      description: "Time since the component's last heartbeat",
      unit: "s",
    });
    this.#observe = (r) => {
      const now = this.#clock.now();
      for (const rec of this.#components.values()) {
        const state = this.#stateOf(rec, now);
        const up = (state === "UP" || state === "LATE") && rec.health !== "FAILING" ? 1 : 0;
        r.observe(up, rec.metricAttributes);
      }
    };
    this.#observeAge = (r) => {
      const now = this.#clock.now();
      for (const rec of this.#components.values()) {
        if (rec.lastBeat !== null) r.observe(Math.max(0, now - rec.lastBeat) / 1000, rec.metricAttributes);
      }
    };
    this.#up.addCallback(this.#observe);
    this.#age.addCallback(this.#observeAge);
    this.applyConfig(opts.config);
  }

  /** Called for every state change found by evaluate() or a beat. */
  onStateChange(listener: (c: StateChange) => void): void {
    this.#listeners.push(listener);
  }

  /** Swaps in a new heartbeats section: declared components are added, updated or released. */
  applyConfig(config: Config["heartbeats"]): void {
    this.#config = config;
    const now = this.#clock.now();
    const declared = new Set<string>();
    for (const c of config.components) {
      declared.add(c.name);
      const rec = this.#components.get(c.name) ?? this.#newRecord(c.name, now, true);
      this.#applyDeclared(rec, c);
      this.#components.set(c.name, rec);
      this.#dirty.add(c.name);
    }
    for (const rec of this.#components.values()) {
      if (rec.declared && !declared.has(rec.name)) {
        if (rec.lastBeat === null) this.#remove(rec.name);
        else {
          this.#dirty.add(rec.name);
          rec.declared = false;
          rec.schedule = null;
          rec.scheduleText = null;
          rec.timezone = null;
        }
      }
    }
  }

  beat(input: BeatInput): ComponentView {
    const now = this.#clock.now();
    let rec = this.#components.get(input.component);
    if (!rec) {
      if (this.#components.size >= this.#config.maxComponents) {
        throw new VigilError(
          "VIGIL_ERR_HEARTBEAT_TOO_MANY_COMPONENTS",
          `component: limit of ${this.#config.maxComponents} components reached (heartbeats.max_components)`,
        );
      }
      rec = this.#newRecord(input.component, now, false);
      this.#components.set(rec.name, rec);
      this.#logger.info({ component_name: rec.name }, "component registered");
    }
    if (input.intervalMs !== undefined && rec.schedule === null) rec.intervalMs = input.intervalMs;
    if (input.graceMs !== undefined) rec.graceMs = input.graceMs;
    // What a component keeps is bounded whatever a beat carries (README: "Heartbeats").
    rec.attributes = boundAttributes(input.attributes);
    rec.beatCount++;
    rec.lastBeat = now;
    rec.message = truncateText(input.message, COMPONENT_MESSAGE_LIMIT);
    const runId = input.runId ?? "";
    switch (input.signal) {
      case "START":
        this.#startRun(rec, runId, now);
        rec.health = input.health;
        break;
      case "SUCCESS":
        this.#endRun(rec, runId, now, "success");
        rec.health = input.health;
        break;
      case "FAIL":
        this.#endRun(rec, runId, now, "fail");
        rec.health = "FAILING";
        break;
      default:
        rec.health = input.health;
    }
    if (rec.health !== "OK") {
      this.#pushError(rec, {
        time: now,
        message: rec.message || (input.signal === "FAIL" ? "job run failed" : rec.health.toLowerCase()),
        health: rec.health,
        state: "UP",
      });
    }
    rec.received[input.signal]++;
    this.#dirty.add(rec.name);
    this.#check(rec, now);
    return this.#view(rec, now);
  }

  deregister(name: string): boolean {
    const rec = this.#components.get(name);
    if (!rec) return false;
    this.#remove(name);
    this.#logger.info({ component_name: name, state: rec.reportedState }, "component deregistered");
    return true;
  }

  list(): ComponentView[] {
    const now = this.#clock.now();
    const out: ComponentView[] = [];
    for (const rec of this.#components.values()) out.push(this.#view(rec, now));
    out.sort((a, b) => a.name.localeCompare(b.name));
    return out;
  }

  get(name: string): ComponentView | undefined {
    const rec = this.#components.get(name);
    return rec ? this.#view(rec, this.#clock.now()) : undefined;
  }

  get size(): number {
    return this.#components.size;
  }

  overall(views: readonly ComponentView[] = this.list()): OverallStatus {
    let beaten = false;
    let degraded = false;
    for (const v of views) {
      if (v.lastBeat !== null) beaten = true;
      if (v.state === "DOWN" || v.health === "FAILING") return "DOWN";
      if (v.state === "LATE" || v.health === "DEGRADED") degraded = true;
    }
    if (!beaten) return "UNKNOWN";
    return degraded ? "DEGRADED" : "HEALTHY";
  }

  /**
   * Finds state changes since the last evaluation, and drops registered components silent for
   * heartbeats.forget_after; the scheduler's heartbeat task.
   */
  evaluate(): void {
    const now = this.#clock.now();
    for (const rec of this.#components.values()) if (!this.#forgotten(rec, now)) this.#check(rec, now);
  }

  /** Drops a registered component silent for heartbeats.forget_after (logged); declared ones never are. */
  #forgotten(rec: ComponentRecord, now: number): boolean {
    const forgetAfter = this.#config.forgetAfterMs;
    if (rec.declared || rec.lastBeat === null || now - rec.lastBeat < forgetAfter) return false;
    this.#remove(rec.name);
    this.#logger.info(
      {
        component_name: rec.name,
        state: rec.reportedState,
        last_beat: new Date(rec.lastBeat).toISOString(),
        forget_after_ms: forgetAfter,
      },
      "component forgotten: no heartbeat within heartbeats.forget_after",
    );
    return true;
  }

  /** Hands over what changed since the last call (ComponentStore writes it). */
  takeChanges(): ComponentChanges {
    const upserts: PersistedComponent[] = [];
    for (const name of this.#dirty) {
      const rec = this.#components.get(name);
      if (rec) upserts.push(persisted(rec));
    }
    const removed = [...this.#removed];
    this.#dirty.clear();
    this.#removed.clear();
    return { upserts, removed };
  }

  /** Gives back changes a failed write did not store, to be written with the next batch. */
  requeueChanges(changes: ComponentChanges): void {
    for (const name of changes.removed) if (!this.#components.has(name)) this.#removed.add(name);
    for (const c of changes.upserts) if (this.#components.has(c.name)) this.#dirty.add(c.name);
  }

  /**
   * Restores components kept from before a restart (ComponentStore, at start, before any beat).
   * The reported state comes back with them, so a component DOWN before the restart is DOWN after it
   * without a second transition. Then the running config is applied again: declared components take
   * their config, and one no longer declared stays only if it ever beat. Registered components past
   * heartbeats.max_components are not restored (logged); their names are returned for deletion.
   */
  restore(rows: readonly PersistedComponent[]): string[] {
    const dropped: string[] = [];
    for (const row of rows) {
      let rec = this.#components.get(row.name);
      if (!rec) {
        if (!row.declared && this.#components.size >= this.#config.maxComponents) {
          dropped.push(row.name);
          continue;
        }
        rec = this.#newRecord(row.name, row.registeredAt, row.declared);
        // A row declared then but not in today's config: applyConfig below keeps it only if it beat.
        this.#components.set(row.name, rec);
        rec.intervalMs = row.intervalMs ?? undefined;
        rec.graceMs = row.graceMs ?? undefined;
      }
      rec.health = row.health;
      rec.message = row.message;
      if (!rec.declared || Object.keys(rec.attributes).length === 0) rec.attributes = row.attributes;
      rec.lastBeat = row.lastBeat;
      rec.beatCount = row.beatCount;
      rec.errors = row.errors.slice(0, MAX_ERRORS);
      rec.registeredAt = row.registeredAt;
      rec.runs = new Map(row.runs.slice(-MAX_OPEN_RUNS));
      rec.reportedState = row.reportedState;
      rec.received = { ...row.received };
      rec.nextRunAnchor = Number.NaN;
    }
    if (dropped.length > 0)
      this.#logger.warn(
        { dropped: dropped.length, first: dropped[0], limit: this.#config.maxComponents },
        "restored components past heartbeats.max_components were dropped",
      );
    this.applyConfig(this.#config);
    // Vigil may have been stopped longer than forget_after: those are gone before anyone lists them.
    const now = this.#clock.now();
    for (const rec of this.#components.values()) this.#forgotten(rec, now);
    return dropped;
  }

  #remove(name: string): void {
    this.#components.delete(name);
    this.#dirty.delete(name);
    this.#removed.add(name);
  }

  #check(rec: ComponentRecord, now: number): void {
    const state = this.#stateOf(rec, now);
    if (state === rec.reportedState) return;
    const change: StateChange = {
      component: rec.name,
      from: rec.reportedState,
      to: state,
      health: rec.health,
      at: now,
    };
    rec.reportedState = state;
    this.#dirty.add(rec.name);
    if (state === "DOWN") {
      this.#pushError(rec, { time: now, message: this.#downReason(rec), health: rec.health, state });
      this.#logger.warn({ component_name: rec.name, from: change.from, to: state }, "component down");
    } else {
      this.#logger.info(
        { component_name: rec.name, from: change.from, to: state },
        `component ${state.toLowerCase()}`,
      );
    }
    for (const l of this.#listeners) {
      try {
        l(change);
      } catch (e) {
        this.#logger.error({ err: e }, "state change listener failed");
      }
    }
  }

  #downReason(rec: ComponentRecord): string {
    if (rec.runs.size > 0) return "a job run did not finish within its max_runtime (or grace)";
    if (rec.lastBeat === null && rec.schedule === null)
      return "declared, and no heartbeat within interval + grace of Vigil's start";
    if (rec.lastBeat === null) return "no heartbeat since the scheduled time";
    return "no heartbeat within interval + grace";
  }

  #startRun(rec: ComponentRecord, runId: string, now: number): void {
    // A START for a run already open starts it again (a retried START, or a run that never ended).
    rec.runs.delete(runId);
    rec.runs.set(runId, now);
    if (rec.runs.size > MAX_OPEN_RUNS) {
      const [oldest] = rec.runs.keys();
      rec.runs.delete(oldest as string);
      this.#logger.warn(
        { component_name: rec.name, run_id: oldest, limit: MAX_OPEN_RUNS },
        "too many open job runs; forgot the oldest",
      );
    }
  }

  /**
   * Ends a run and records its duration. A SUCCESS/FAIL whose run id matches no START is a lone
   * result: it counts as the component's outcome but has no duration (README: "Jobs").
   */
  #endRun(rec: ComponentRecord, runId: string, now: number, result: "success" | "fail"): void {
    const started = rec.runs.get(runId);
    if (started === undefined) return;
    rec.runs.delete(runId);
    this.#jobDuration.record(Math.max(0, now - started) / 1000, { component: rec.name, result });
  }

  /** When a declared component that never beat stops being UNKNOWN: interval + grace after it was declared. */
  #absentSince(rec: ComponentRecord): number {
    return rec.registeredAt + this.#intervalOf(rec) + this.#graceOf(rec);
  }

  #runtimeOf(rec: ComponentRecord): number {
    return rec.maxRuntimeMs ?? this.#graceOf(rec);
  }

  #pushError(rec: ComponentRecord, err: ComponentError): void {
    rec.errors.unshift(err);
    if (rec.errors.length > MAX_ERRORS) rec.errors.length = MAX_ERRORS;
  }

  #intervalOf(rec: ComponentRecord): number {
    return rec.intervalMs ?? this.#config.defaultIntervalMs;
  }

  #graceOf(rec: ComponentRecord): number {
    return rec.graceMs ?? this.#config.defaultGraceMs ?? this.#intervalOf(rec);
  }

  /** When the component becomes LATE (DOWN during a job run: its oldest open run's); null if never. */
  #deadlineOf(rec: ComponentRecord): number | null {
    if (rec.runs.size > 0) {
      const [oldest] = rec.runs.values();
      return (oldest as number) + this.#runtimeOf(rec);
    }
    if (rec.schedule !== null) {
      const anchor = rec.lastBeat ?? rec.registeredAt;
      if (rec.nextRunAnchor !== anchor) {
        rec.nextRunAnchor = anchor;
        rec.nextRun = rec.schedule.nextRun(new Date(anchor))?.getTime() ?? null;
      }
      return rec.nextRun;
    }
    if (rec.lastBeat === null) return null;
    return rec.lastBeat + this.#intervalOf(rec);
  }

  #stateOf(rec: ComponentRecord, now: number): ComponentState {
    const deadline = this.#deadlineOf(rec);
    if (rec.runs.size > 0) return deadline !== null && now >= deadline ? "DOWN" : "UP";
    if (deadline === null) {
      if (rec.lastBeat !== null) return "UP";
      // Declared and never beaten: UNKNOWN only until interval + grace after Vigil started.
      if (rec.declared && rec.expectAtStart && now >= this.#absentSince(rec)) return "DOWN";
      return "UNKNOWN";
    }
    if (now < deadline) return rec.lastBeat === null ? "UNKNOWN" : "UP";
    if (now < deadline + this.#graceOf(rec)) return "LATE";
    return "DOWN";
  }

  #view(rec: ComponentRecord, now: number): ComponentView {
    return {
      name: rec.name,
      state: this.#stateOf(rec, now),
      health: rec.health,
      message: rec.message,
      lastBeat: rec.lastBeat,
      // Never negative: a wall clock stepped back makes a beat look recent, not from the future.
      ageMs: rec.lastBeat === null ? null : Math.max(0, now - rec.lastBeat),
      beatCount: rec.beatCount,
      errors: rec.errors.slice(),
      intervalMs: this.#intervalOf(rec),
      graceMs: this.#graceOf(rec),
      deadline: this.#deadlineOf(rec),
      attributes: rec.attributes,
      schedule: rec.scheduleText,
      timezone: rec.timezone,
      jobRunning: rec.runs.size > 0,
      openRuns: rec.runs.size,
      registeredAt: rec.registeredAt,
      declared: rec.declared,
    };
  }

  #newRecord(name: string, now: number, declared: boolean): ComponentRecord {
    return {
      name,
      declared,
      intervalMs: undefined,
      graceMs: undefined,
      schedule: null,
      scheduleText: null,
      timezone: null,
      health: "OK",
      message: "",
      attributes: {},
      lastBeat: null,
      beatCount: 0,
      errors: [],
      registeredAt: now,
      runs: new Map(),
      maxRuntimeMs: undefined,
      expectAtStart: true,
      reportedState: "UNKNOWN",
      nextRunAnchor: Number.NaN,
      nextRun: null,
      metricAttributes: { component: name },
      received: { ALIVE: 0, START: 0, SUCCESS: 0, FAIL: 0 },
      receivedAttributes: {
        ALIVE: { component: name, signal: "alive" },
        START: { component: name, signal: "start" },
        SUCCESS: { component: name, signal: "success" },
        FAIL: { component: name, signal: "fail" },
      },
    };
  }

  #applyDeclared(rec: ComponentRecord, c: ComponentConfig): void {
    rec.declared = true;
    rec.intervalMs = c.intervalMs;
    rec.graceMs = c.graceMs;
    rec.maxRuntimeMs = c.maxRuntimeMs;
    rec.expectAtStart = c.expectAtStart;
    if (Object.keys(c.attributes).length > 0) rec.attributes = c.attributes;
    if (c.schedule !== undefined) {
      // Without a time zone, schedules are UTC, never the machine's local zone.
      const timezone = c.timezone ?? "UTC";
      rec.schedule = new Cron(c.schedule, { timezone, paused: true });
      rec.scheduleText = c.schedule;
      rec.timezone = timezone;
      rec.nextRunAnchor = Number.NaN;
    } else {
      rec.schedule = null;
      rec.scheduleText = null;
      rec.timezone = null;
    }
  }
}

function persisted(rec: ComponentRecord): PersistedComponent {
  return {
    name: rec.name,
    declared: rec.declared,
    intervalMs: rec.intervalMs ?? null,
    graceMs: rec.graceMs ?? null,
    health: rec.health,
    message: rec.message,
    attributes: rec.attributes,
    lastBeat: rec.lastBeat,
    beatCount: rec.beatCount,
    errors: rec.errors,
    registeredAt: rec.registeredAt,
    runs: [...rec.runs],
    reportedState: rec.reportedState,
    received: rec.received,
  };
}
