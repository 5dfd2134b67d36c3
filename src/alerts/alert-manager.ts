import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { isAbsolute, resolve } from "node:path";
import type { Counter, Meter, ObservableGauge, ObservableResult } from "@opentelemetry/api";
import type { Logger } from "pino";
import type { AlertRuleConfig, AlertsConfig } from "../config/schema.js";
import { redactUrl } from "../config/secrets.js";
import { toError, VigilError } from "../errors.js";
import type { ComponentView } from "../heartbeat/heartbeat-monitor.js";
import type { DestinationSnapshot } from "../router/router.js";
import type { Scheduler } from "../scheduler/scheduler.js";
import type { OwnMetric } from "../telemetry/telemetry.js";
import { attributeKey } from "../util/attribute-key.js";
import type { Clock } from "../util/clock.js";
import { DeliveryError } from "../util/delivery-error.js";
import {
  type AlertRecord,
  type AlertStateName,
  AlertStore,
  type NotifyState,
  type Silence,
  type SilenceMatcher,
} from "./alert-store.js";
import { type CheckResult, runCheck } from "./health-checks.js";
import {
  compileMatchers,
  compileTemplate,
  fingerprintOf,
  globMatcher,
  labelName,
  type TemplateContext,
} from "./labels.js";
import type { Channel } from "./notifier-channel.js";
import { logAlert, type Notification } from "./notifiers.js";
import { SeriesWindows } from "./series-window.js";

/** Vigil's own resource use, as `self` rules see it. */
export interface SelfStats {
  /** Percent of one core since the previous evaluation. */
  cpuPercent: number;
  rssBytes: number;
  heapUsedBytes: number;
  eventLoopDelayP99Ms: number;
  /** Free bytes (for unprivileged users) of the data dir's file system. */
  diskFreeBytes: number;
}

/** What rules are evaluated over, handed in by the wiring. */
export interface AlertSources {
  components(): readonly ComponentView[];
  destinations(): readonly DestinationSnapshot[];
  self(): Promise<SelfStats>;
  /** Vigil's own metrics now (threshold rules on `vigil.*` names); absent: such rules see nothing. */
  ownMetrics?(): Promise<OwnMetric[]>;
}

/** One thing a rule looks at (a component, a series, a destination) at one evaluation. */
interface Subject {
  /** Unique within the rule, stable across evaluations (caches the labels' fingerprint). */
  key: string;
  labels: Record<string, string>;
  value: number;
  active: boolean;
  /** Added to the rule's annotations (a check's error). */
  annotations?: Record<string, string>;
}

interface CompiledRule {
  config: AlertRuleConfig;
  /** alertname, severity and the rule's labels. */
  baseLabels: Record<string, string>;
  annotations: Array<[string, (ctx: TemplateContext) => string]>;
  selectComponent: (name: string) => boolean;
  selectDestination: (name: string) => boolean;
  compare: (v: number) => boolean;
  /** Full labels and fingerprint per subject key. */
  identities: Map<string, { labels: Record<string, string>; fingerprint: string }>;
}

interface DestinationSample {
  t: number;
  delivered: number;
  failed: number;
  dropped: number;
}

type ManagerState = "new" | "running" | "stopping" | "stopped";

const COMPARE: Record<AlertRuleConfig["op"], (a: number, b: number) => boolean> = {
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

/** A resolve notification no notifier took within this long is given up (counted as dropped). */
const GIVE_UP_MS = 24 * 3600_000;
const HISTORY_LIMIT = 1000;

/** The always-firing alert of `alerts.watchdog` (kube-prometheus' `Watchdog`, for a dead-man's switch). */
export const WATCHDOG_ALERTNAME = "VigilWatchdog";

/**
 * The watchdog as Alertmanager notifiers send it. It is not one of the manager's alerts: not stored,
 * not listed, not counted in vigil.alerts.firing or the overall status, never sent to webhook or log
 * notifiers (an always-firing alert there is noise), and never resolved: when Vigil stops it stops
 * being re-sent, its endsAt passes, and the dead-man's switch behind Alertmanager notices. `instance`
 * (the host name: the pod's name in Kubernetes) keeps the replicas' watchdogs apart.
 */
function watchdogAlert(now: number): AlertRecord {
  const labels = { alertname: WATCHDOG_ALERTNAME, severity: "info", instance: hostname() };
  return {
    id: -1,
    rule: WATCHDOG_ALERTNAME,
    fingerprint: fingerprintOf(labels),
    labels,
    annotations: {
      summary: "Vigil is alive: this alert always fires while Vigil runs.",
      description:
        "Route it to a dead-man's switch (a receiver that pages when the alert stops arriving); it stops when Vigil or its path to Alertmanager does.",
    },
    severity: "info",
    state: "firing",
    value: 1,
    activeSince: now,
    firedAt: now,
    resolvedAt: null,
    lastTrue: now,
    acknowledged: null,
    resolvedBy: null,
    resolveComment: "",
    notified: {},
  };
}

/**
 * Evaluates alert rules and notifies (DESIGN §2 AlertService, §5).
 *
 * Each evaluation asks every rule for its subjects (components, metric series,
 * destinations, Vigil itself, a check) and whether the condition holds for
 * each. An alert's lifecycle, keyed by the fingerprint of its labels:
 * inactive → pending (condition holds) → firing (held for `for`) → resolved
 * (has not held for `keep_firing_for`, or longer while flapping). A pending
 * alert whose condition stops holding goes back to inactive without a trace.
 *
 * Notifications are reconciled, not fired and forgotten: after each
 * evaluation every notifier is sent what it has not been told yet (a new
 * firing alert, a due repeat, a resolve), and what it was told is stored with
 * the alert. So a failing notifier is retried with backoff behind its own
 * circuit breaker and timeout, never blocks another notifier or the
 * evaluation, and a restart neither forgets a firing alert nor re-notifies it.
 * Silenced alerts are not notified; acknowledged ones are not repeated
 * (Alertmanager still gets its keep-alive re-sends).
 *
 * States: new → running → stopping → stopped.
 */
export class AlertManager {
  #config: AlertsConfig;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #sources: AlertSources;
  readonly #scheduler: Scheduler | null;
  readonly #dataDir: string;
  readonly #generatorUrl: string;
  readonly #store: AlertStore;
  readonly series: SeriesWindows;
  #rules = new Map<string, CompiledRule>();
  /** Pending and firing alerts by fingerprint. */
  readonly #open = new Map<string, AlertRecord>();
  /** Resolved alerts whose resolve notification is not sent yet, by id. */
  readonly #closing = new Map<number, AlertRecord>();
  #silences = new Map<string, Silence & { test: (l: Readonly<Record<string, string>>) => boolean }>();
  /** Times each fingerprint fired or resolved within the flap window. */
  readonly #changes = new Map<string, number[]>();
  #channels = new Map<string, Channel>();
  /** Alert ids with a notification in flight, per notifier. */
  readonly #sending = new Map<string, Set<number>>();
  readonly #checks = new Map<string, CheckResult>();
  readonly #destSamples = new Map<string, DestinationSample[]>();
  /** Last cumulative value (and count) of each series of Vigil's own counters and histograms. */
  readonly #ownLast = new Map<string, { value: number; count: number }>();
  readonly #ownCollected = new Set<string>();
  #ownError = "";
  /** Watched names that are Vigil's own metrics (the `vigil.` prefix, which bots may not use). */
  #ownNames: string[] = [];
  /** Threshold rules by metric: one pass over a metric's series evaluates all of them. */
  #thresholds = new Map<string, CompiledRule[]>();
  #state: ManagerState = "new";
  #stopping: Promise<void> | null = null;
  #evaluating: Promise<void> | null = null;
  #reconcileQueued = false;
  #idleWaiters: Array<() => void> = [];
  readonly #notifications: Counter;
  readonly #firingGauge: ObservableGauge;
  readonly #observeFiring: (r: ObservableResult) => void;
  #lastPrune = 0;
  /** Loaded with the first notifier (start or reload); until then no channel exists. */
  #channelModule: typeof import("./notifier-channel.js") | null = null;
  #seriesLimits: { maxSeries: number; idleMs: number };
  /** alerts.watchdog's alert, made at start (its startsAt is when this Vigil started). */
  #watchdog: AlertRecord | null = null;

  constructor(opts: {
    config: AlertsConfig;
    dataDir: string;
    logger: Logger;
    clock: Clock;
    meter: Meter;
    sources: AlertSources;
    scheduler?: Scheduler;
    /** Where a notification's reader finds the alert (the status page). */
    generatorUrl: string;
    /** metrics.cardinality_limit and series_ttl: bounds of the threshold rules' windows. */
    seriesLimits: { maxSeries: number; idleMs: number };
  }) {
    this.#config = opts.config;
    this.#logger = opts.logger.child({ component: "alerts" });
    this.#clock = opts.clock;
    this.#sources = opts.sources;
    this.#scheduler = opts.scheduler ?? null;
    this.#dataDir = opts.dataDir;
    this.#generatorUrl = opts.generatorUrl;
    this.#store = new AlertStore({ dataDir: opts.dataDir, logger: this.#logger });
    this.series = new SeriesWindows({ ...opts.seriesLimits, meter: opts.meter });
    this.#notifications = opts.meter.createCounter("vigil.alerts.notifications", {
      description: "Alert notifications by notifier and result (sent, failed, dropped)",
    });
    this.#firingGauge = opts.meter.createObservableGauge("vigil.alerts.firing", {
      description: "Firing alerts by rule and severity",
    });
    this.#observeFiring = (r) => {
      const counts = new Map<string, number>();
      for (const a of this.#open.values())
        if (a.state === "firing") counts.set(a.rule, (counts.get(a.rule) ?? 0) + 1);
      for (const rule of this.#rules.values())
        r.observe(counts.get(rule.config.name) ?? 0, {
          rule: rule.config.name,
          severity: rule.config.severity,
        });
    };
    this.#firingGauge.addCallback(this.#observeFiring);
    this.#seriesLimits = opts.seriesLimits;
    this.#compile(opts.config, opts.seriesLimits);
  }

  get state(): ManagerState {
    return this.#state;
  }

  /** Opens alerts.db when there are rules or history, and resumes the stored alerts and silences. */
  async start(): Promise<void> {
    if (this.#state !== "new") throw new Error(`alerts: cannot start in state ${this.#state}`);
    if (this.#rules.size > 0 || this.#store.exists) this.#openStore();
    if (await this.#loadChannels(this.#config)) this.#compile(this.#config, this.#seriesLimits);
    this.#watchdog = watchdogAlert(this.#clock.now());
    this.#setState("running");
  }

  #openStore(): void {
    if (this.#store.isOpen) return;
    const now = this.#clock.now();
    this.#store.open();
    for (const a of this.#store.loadOpen()) {
      if (a.state === "resolved") this.#closing.set(a.id, a);
      else this.#open.set(a.fingerprint, a);
    }
    for (const s of this.#store.loadSilences(now))
      this.#silences.set(s.id, { ...s, test: compileMatchers(s.matchers) });
    for (const [fp, times] of this.#store.changesSince(now - this.#config.flap.windowMs))
      this.#changes.set(fp, times);
    if (this.#open.size + this.#closing.size > 0)
      this.#logger.info(
        { open: this.#open.size, resolving: this.#closing.size, silences: this.#silences.size },
        "alerts resumed from alerts.db",
      );
  }

  #setState(next: ManagerState): void {
    this.#logger.debug({ from: this.#state, to: next }, "alert manager state");
    this.#state = next;
  }

  /** Loads the notifier module when `config` has notifiers and it is not loaded yet; true when it loaded now. */
  async #loadChannels(config: AlertsConfig): Promise<boolean> {
    if (this.#channelModule || config.notifiers.length === 0) return false;
    this.#channelModule = await import("./notifier-channel.js");
    return true;
  }

  async applyConfig(
    config: AlertsConfig,
    seriesLimits: { maxSeries: number; idleMs: number },
  ): Promise<void> {
    await this.#loadChannels(config);
    this.#config = config;
    this.#seriesLimits = seriesLimits;
    this.#compile(config, seriesLimits);
    if (this.#rules.size > 0 && this.#state === "running") this.#openStore();
  }

  #compile(config: AlertsConfig, seriesLimits: { maxSeries: number; idleMs: number }): void {
    const rules = new Map<string, CompiledRule>();
    const watched = new Map<string, { windowMs: number; quantileWindows: number[] }>();
    for (const r of config.rules) {
      const previous = this.#rules.get(r.name);
      rules.set(r.name, {
        config: r,
        baseLabels: { ...r.labels, alertname: r.name, severity: r.severity },
        annotations: Object.entries(r.annotations).map(([k, v]) => [k, compileTemplate(v)]),
        selectComponent: globMatcher(r.selector.component),
        selectDestination: globMatcher(r.destination),
        compare: (v) => COMPARE[r.op](v, r.value),
        identities: previous && sameLabels(previous.config, r) ? previous.identities : new Map(),
      });
      if (r.kind === "threshold") {
        const w = watched.get(r.metric) ?? { windowMs: 0, quantileWindows: [] };
        w.windowMs = Math.max(w.windowMs, r.windowMs);
        const pct = r.aggregate === "p50" || r.aggregate === "p90" || r.aggregate === "p99";
        if (pct && !w.quantileWindows.includes(r.windowMs)) w.quantileWindows.push(r.windowMs);
        w.quantileWindows.sort((a, b) => a - b);
        watched.set(r.metric, w);
      }
    }
    this.#rules = rules;
    this.#thresholds = new Map();
    for (const r of rules.values()) {
      if (r.config.kind !== "threshold") continue;
      const list = this.#thresholds.get(r.config.metric);
      if (list) list.push(r);
      else this.#thresholds.set(r.config.metric, [r]);
    }
    this.series.watch(watched, seriesLimits);
    this.#ownNames = [...watched.keys()].filter((n) => n.startsWith("vigil."));
    // Checks run on the scheduler, one task per check rule.
    if (this.#scheduler) {
      for (const t of this.#scheduler.list())
        if (t.name.startsWith("check:") && rules.get(t.name.slice(6))?.config.kind !== "check") {
          this.#scheduler.remove(t.name);
          this.#checks.delete(t.name.slice(6));
        }
      for (const r of rules.values()) {
        const c = r.config.check;
        if (r.config.kind !== "check" || c === null) continue;
        const name = `check:${r.config.name}`;
        if (this.#scheduler.has(name)) this.#scheduler.remove(name);
        this.#scheduler.add(name, c.intervalMs, () => this.runCheck(r.config.name));
        void this.runCheck(r.config.name);
      }
    }
    // Notifiers: unchanged ones keep their state (breaker, backoff); others are rebuilt.
    const channels = new Map<string, Channel>();
    for (const n of config.notifiers) {
      const old = this.#channels.get(n.name);
      if (old && JSON.stringify(old.config) === JSON.stringify(n)) channels.set(n.name, old);
      else if (this.#channelModule)
        channels.set(
          n.name,
          this.#channelModule.createChannel(n, { logger: this.#logger, generatorUrl: this.#generatorUrl }),
        );
    }
    for (const [name, ch] of this.#channels) if (channels.get(name) !== ch) ch.notifier.close();
    this.#channels = channels;
    for (const name of [...this.#sending.keys()]) if (!channels.has(name)) this.#sending.delete(name);
  }

  /** Runs one check rule's check now and keeps its result for the next evaluation. */
  async runCheck(rule: string): Promise<void> {
    const c = this.#rules.get(rule)?.config.check;
    if (!c) return;
    const result = await runCheck(c, this.#clock, (p) => (isAbsolute(p) ? p : resolve(this.#dataDir, p)));
    this.#checks.set(rule, result);
    if (!result.ok) throw new Error(`check ${rule} failed: ${result.error}`);
  }

  /** One evaluation of every rule, then one round of notifications. One at a time. */
  evaluate(): Promise<void> {
    if (this.#state !== "running") return Promise.resolve();
    this.#evaluating ??= this.#evaluate().finally(() => {
      this.#evaluating = null;
    });
    return this.#evaluating;
  }

  async #evaluate(): Promise<void> {
    const now = this.#clock.now();
    let self: SelfStats | null = null;
    for (const r of this.#rules.values()) if (r.config.kind === "self") self ??= await this.#sources.self();
    const needsSamples = [...this.#rules.values()].some(
      (r) =>
        r.config.kind === "router" &&
        (r.config.condition === "drop_rate" || r.config.condition === "failure_ratio"),
    );
    const destinations = this.#sources.destinations();
    if (needsSamples) this.#sampleDestinations(destinations, now);
    if (this.#ownNames.length > 0 && this.#sources.ownMetrics) await this.#sampleOwn(now);
    this.series.prune(now);
    // Open alerts by rule, once per evaluation (not a scan of every open alert per rule).
    const byRule = new Map<string, AlertRecord[]>();
    for (const a of this.#open.values()) {
      const list = byRule.get(a.rule);
      if (list) list.push(a);
      else byRule.set(a.rule, [a]);
    }
    const thresholds = this.#thresholdSubjects(now);
    for (const rule of this.#rules.values()) {
      try {
        this.#apply(
          rule,
          thresholds.get(rule) ?? this.#subjects(rule, now, self, destinations),
          byRule.get(rule.config.name) ?? [],
          now,
        );
      } catch (e) {
        this.#logger.error({ rule: rule.config.name, err: toError(e) }, "alert rule evaluation failed");
      }
    }
    // Alerts of rules no longer configured resolve.
    for (const a of [...this.#open.values()])
      if (!this.#rules.has(a.rule)) this.#resolve(a, now, "rule removed");
    this.#expireSilences(now);
    if (now - this.#lastPrune > 3600_000 && this.#store.isOpen) {
      this.#lastPrune = now;
      const n = this.#store.prune(now - this.#config.historyRetentionMs);
      if (n > 0) this.#logger.info({ deleted: n }, "alert history past history_retention deleted");
    }
    this.#reconcile(now);
  }

  #subjects(
    rule: CompiledRule,
    now: number,
    self: SelfStats | null,
    destinations: readonly DestinationSnapshot[],
  ): Subject[] {
    const r = rule.config;
    const out: Subject[] = [];
    switch (r.kind) {
      case "heartbeat": {
        const want = new Set<string>(r.states);
        const attrs = Object.entries(r.selector.attributes);
        for (const c of this.#sources.components()) {
          if (!rule.selectComponent(c.name)) continue;
          if (attrs.some(([k, v]) => c.attributes[k] !== v)) continue;
          const active = want.has(c.state) || want.has(c.health);
          out.push({ key: c.name, labels: { component: c.name }, value: (c.ageMs ?? 0) / 1000, active });
        }
        break;
      }
      case "threshold":
        break; // #thresholdSubjects
      case "router":
        for (const d of destinations) {
          if (!rule.selectDestination(d.name)) continue;
          let value: number;
          let active: boolean;
          if (r.condition === "breaker_open") {
            value = d.circuit === "open" || d.circuit === "isolated" ? 1 : 0;
            active = value === 1;
          } else {
            value =
              r.condition === "queue_depth" ? d.queueDepth : this.#windowed(d, r.condition, r.windowMs, now);
            active = rule.compare(value);
          }
          out.push({ key: d.name, labels: { destination: d.name }, value, active });
        }
        break;
      case "self": {
        const s = self as SelfStats;
        const value =
          r.measure === "cpu"
            ? s.cpuPercent
            : r.measure === "memory"
              ? s.rssBytes
              : r.measure === "heap"
                ? s.heapUsedBytes
                : r.measure === "event_loop_delay"
                  ? s.eventLoopDelayP99Ms
                  : s.diskFreeBytes;
        out.push({ key: "", labels: { measure: r.measure }, value, active: rule.compare(value) });
        break;
      }
      case "check": {
        const res = this.#checks.get(r.name);
        const c = r.check;
        if (!res || !c) break;
        // A check's URL may carry a resolved password in its userinfo: labels are shown and sent on.
        const target = c.kind === "tcp" ? c.address : c.kind === "http" ? redactUrl(c.url) : c.path;
        out.push({
          key: "",
          labels: { check: c.kind, target },
          value: Number.isFinite(res.value) ? res.value : -1,
          active: !res.ok,
          annotations: res.ok ? undefined : { check_error: res.error },
        });
        break;
      }
    }
    return out;
  }

  /**
   * The subjects of every threshold rule, a metric's rules in one pass over its series. Only the
   * series that hold: the rest cost no object (this runs for every series of every rule).
   */
  #thresholdSubjects(now: number): Map<CompiledRule, Subject[]> {
    const out = new Map<CompiledRule, Subject[]>();
    for (const [metric, rules] of this.#thresholds) {
      const lists = rules.map((r) => {
        const list: Subject[] = [];
        out.set(r, list);
        return list;
      });
      try {
        this.series.forEachRule(
          metric,
          rules.map((r) => r.config),
          now,
          (i, attributes, value, key) => {
            if ((rules[i] as CompiledRule).compare(value))
              (lists[i] as Subject[]).push({ key, labels: attributes, value, active: true });
          },
        );
      } catch (e) {
        this.#logger.error({ metric, err: toError(e) }, "alert rule evaluation failed");
      }
    }
    return out;
  }

  /** Feeds Vigil's own watched metrics into the windows: counters and histograms as their increase since the last evaluation. */
  async #sampleOwn(now: number): Promise<void> {
    let collected: OwnMetric[];
    try {
      collected = await (this.#sources.ownMetrics as () => Promise<OwnMetric[]>)();
    } catch (e) {
      const err = toError(e);
      // Once per distinct reason, not at every evaluation.
      if (err.message !== this.#ownError)
        this.#logger.warn(
          { err, rules: this.#ownNames },
          "cannot collect Vigil's own metrics for alert rules",
        );
      this.#ownError = err.message;
      return;
    }
    this.#ownError = "";
    const wanted = new Set(this.#ownNames);
    for (const m of collected) {
      if (!wanted.has(m.name)) continue;
      // The first collection of a metric is its baseline; a series that appears later started from 0.
      const baseline = !this.#ownCollected.has(m.name);
      this.#ownCollected.add(m.name);
      for (const p of m.points) {
        const key = attributeKey(p.attributes);
        if (m.kind === "GAUGE") {
          this.series.sample(m.name, "GAUGE", p.value, p.attributes, key, now);
          continue;
        }
        const id = `${m.name}\u0000${key}`;
        const prev = this.#ownLast.get(id);
        this.#ownLast.set(id, { value: p.value, count: p.count });
        // A value below the last one is a restart from 0.
        const inc = (cur: number, old: number | undefined) =>
          old === undefined ? (baseline ? 0 : cur) : cur >= old ? cur - old : cur;
        if (m.kind === "COUNTER")
          this.series.sample(m.name, "COUNTER", inc(p.value, prev?.value), p.attributes, key, now);
        else
          this.series.sampleAggregate(
            m.name,
            inc(p.count, prev?.count),
            inc(p.value, prev?.value),
            p.attributes,
            key,
            now,
          );
      }
    }
  }

  #sampleDestinations(destinations: readonly DestinationSnapshot[], now: number): void {
    let maxWindow = 0;
    for (const r of this.#rules.values())
      if (r.config.kind === "router") maxWindow = Math.max(maxWindow, r.config.windowMs);
    const names = new Set<string>();
    for (const d of destinations) {
      names.add(d.name);
      let list = this.#destSamples.get(d.name);
      if (!list) {
        list = [];
        this.#destSamples.set(d.name, list);
      }
      list.push({ t: now, delivered: d.delivered, failed: d.failed, dropped: d.dropped });
      // Keep one sample at or before the window's start, for the delta over the full window.
      while (list.length > 2 && (list[1] as DestinationSample).t <= now - maxWindow) list.shift();
    }
    for (const name of [...this.#destSamples.keys()]) if (!names.has(name)) this.#destSamples.delete(name);
  }

  /** drop_rate (per second) or failure_ratio (0..1) over the window, from the counters' increase. */
  #windowed(
    d: DestinationSnapshot,
    condition: "drop_rate" | "failure_ratio",
    windowMs: number,
    now: number,
  ): number {
    const list = this.#destSamples.get(d.name) ?? [];
    let base: DestinationSample | undefined;
    for (const s of list) {
      if (s.t <= now - windowMs) base = s;
      else {
        base ??= s;
        break;
      }
    }
    if (!base) return 0;
    const inc = (cur: number, old: number) => (cur >= old ? cur - old : cur); // a reset starts from 0
    if (condition === "drop_rate") {
      const dt = now - base.t;
      return dt <= 0 ? 0 : (inc(d.dropped, base.dropped) * 1000) / dt;
    }
    const failed = inc(d.failed, base.failed);
    const total = failed + inc(d.delivered, base.delivered);
    return total === 0 ? 0 : failed / total;
  }

  /** One rule's subjects against its open alerts: the lifecycle transitions. */
  #apply(rule: CompiledRule, subjects: readonly Subject[], open: readonly AlertRecord[], now: number): void {
    const r = rule.config;
    const seen = new Set<string>();
    for (const s of subjects) {
      if (!s.active) continue;
      let id = rule.identities.get(s.key);
      if (!id) {
        const labels: Record<string, string> = {};
        for (const [k, v] of Object.entries(s.labels)) labels[labelName(k)] = v;
        Object.assign(labels, rule.baseLabels);
        id = { labels, fingerprint: fingerprintOf(labels) };
        rule.identities.set(s.key, id);
      }
      seen.add(id.fingerprint);
      let a = this.#open.get(id.fingerprint);
      if (!a) {
        a = {
          id: 0,
          rule: r.name,
          fingerprint: id.fingerprint,
          labels: id.labels,
          annotations: {},
          severity: r.severity,
          state: "pending",
          value: s.value,
          activeSince: now,
          firedAt: null,
          resolvedAt: null,
          lastTrue: now,
          acknowledged: null,
          resolvedBy: null,
          resolveComment: "",
          notified: {},
        };
        this.#open.set(id.fingerprint, a);
        this.#annotate(rule, a, s);
        this.#transition(a, "pending", now);
      }
      a.value = s.value;
      a.lastTrue = now;
      if (a.state === "pending" && now - a.activeSince >= r.forMs) {
        a.firedAt = now;
        this.#annotate(rule, a, s);
        this.#transition(a, "firing", now);
      } else if (rule.annotations.length > 0 || s.annotations) this.#annotate(rule, a, s);
    }
    if (rule.identities.size > 2 * subjects.length + 64) this.#trimIdentities(rule, subjects);
    for (const a of open) {
      if (seen.has(a.fingerprint) || this.#open.get(a.fingerprint) !== a) continue;
      if (a.state === "pending") {
        this.#open.delete(a.fingerprint);
        this.#store.remove(a);
        logAlert(this.#logger, a, "inactive");
        continue;
      }
      const holdMs = this.#flapping(a.fingerprint, now)
        ? Math.max(r.keepFiringForMs, this.#config.flap.windowMs)
        : r.keepFiringForMs;
      if (now - a.lastTrue >= holdMs) this.#resolve(a, now, "");
    }
  }

  #trimIdentities(rule: CompiledRule, subjects: readonly Subject[]): void {
    const keep = new Set(subjects.map((s) => s.key));
    for (const k of rule.identities.keys()) if (!keep.has(k)) rule.identities.delete(k);
  }

  #annotate(rule: CompiledRule, a: AlertRecord, s: Subject): void {
    const ctx: TemplateContext = {
      rule: rule.config.name,
      severity: rule.config.severity,
      value: s.value,
      labels: a.labels,
    };
    const out: Record<string, string> = {};
    for (const [k, t] of rule.annotations) out[k] = t(ctx);
    if (s.annotations) Object.assign(out, s.annotations);
    a.annotations = out;
  }

  #flapping(fp: string, now: number): boolean {
    const list = this.#changes.get(fp);
    if (!list) return false;
    const from = now - this.#config.flap.windowMs;
    while (list.length > 0 && (list[0] as number) < from) list.shift();
    if (list.length === 0) this.#changes.delete(fp);
    return list.length >= this.#config.flap.maxChanges;
  }

  #recordChange(fp: string, now: number): void {
    let list = this.#changes.get(fp);
    if (!list) {
      list = [];
      this.#changes.set(fp, list);
    }
    list.push(now);
    if (list.length === this.#config.flap.maxChanges)
      this.#logger.warn(
        { fingerprint: fp, changes: list.length, windowMs: this.#config.flap.windowMs },
        "alert is flapping: its resolve is held back for the flap window",
      );
  }

  #resolve(a: AlertRecord, now: number, by: string, comment = ""): void {
    this.#open.delete(a.fingerprint);
    a.resolvedAt = now;
    a.resolvedBy = by || null;
    a.resolveComment = comment;
    a.acknowledged = a.acknowledged ?? null;
    this.#transition(a, "resolved", now);
    if (this.#awaitsResolveNotification(a)) this.#closing.set(a.id, a);
    else this.#store.save(a, true);
  }

  #awaitsResolveNotification(a: AlertRecord): boolean {
    // A firing notification still in flight may succeed: its resolve must follow.
    for (const s of this.#sending.values()) if (s.has(a.id)) return true;
    for (const name of this.#channels.keys()) {
      const st = a.notified[name];
      if (st && st.sentAt !== null && !st.resolvedSent) return true;
    }
    return false;
  }

  #transition(a: AlertRecord, to: AlertStateName, now: number): void {
    const from = a.state;
    a.state = to;
    if (to === "firing" || (to === "resolved" && from === "firing")) this.#recordChange(a.fingerprint, now);
    if (!this.#store.isOpen) this.#openStore();
    this.#store.save(a, false);
    logAlert(this.#logger, a, to, {
      from,
      resolvedBy: to === "resolved" ? (a.resolvedBy ?? undefined) : undefined,
    });
  }

  #expireSilences(now: number): void {
    for (const [id, s] of this.#silences)
      if (s.endsAt <= now) {
        this.#silences.delete(id);
        this.#logger.info({ silence: id }, "silence expired");
      }
  }

  #silencedBy(a: AlertRecord, now: number): string[] {
    const out: string[] = [];
    for (const s of this.#silences.values())
      if (s.startsAt <= now && s.endsAt > now && s.test(a.labels)) out.push(s.id);
    return out;
  }

  /** Sends each notifier what it has not been told yet; never awaits a send. */
  #reconcile(now: number): void {
    for (const ch of this.#channels.values()) {
      if (now < ch.retryAt || ch.inFlight >= ch.maxInFlight) continue;
      const sending = this.#sendingSet(ch.notifier.name);
      const due: Notification[] = [];
      const consider = (a: AlertRecord) => {
        if (sending.has(a.id)) return;
        const st = a.notified[ch.notifier.name];
        if (a.state === "firing") {
          if (this.#silencedBy(a, now).length > 0) return;
          if (!st || st.sentAt === null) due.push({ event: "firing", alert: a });
          else {
            const repeatMs =
              ch.config.kind === "alertmanager"
                ? ch.config.resendIntervalMs
                : a.acknowledged
                  ? Number.POSITIVE_INFINITY
                  : (this.#rules.get(a.rule)?.config.repeatIntervalMs ?? 4 * 3600_000);
            if (now - st.sentAt >= repeatMs) due.push({ event: "repeat", alert: a });
          }
        } else if (a.state === "resolved" && st && st.sentAt !== null && !st.resolvedSent) {
          due.push({ event: "resolved", alert: a });
        }
      };
      for (const a of this.#open.values()) consider(a);
      for (const a of this.#closing.values()) consider(a);
      if (this.#watchdog && this.#config.watchdog && ch.config.kind === "alertmanager")
        consider(this.#watchdog);
      if (due.length === 0) continue;
      if (ch.notifier.batches) this.#send(ch, due.slice(0, 1000), now);
      else
        for (const n of due) {
          if (ch.inFlight >= ch.maxInFlight) break;
          this.#send(ch, [n], now);
        }
    }
    this.#finishClosing(now);
    if (this.#sendingCount() === 0) this.#wakeIdle();
  }

  #sendingSet(name: string): Set<number> {
    let s = this.#sending.get(name);
    if (!s) {
      s = new Set();
      this.#sending.set(name, s);
    }
    return s;
  }

  #sendingCount(): number {
    let n = 0;
    for (const s of this.#sending.values()) n += s.size;
    return n;
  }

  #send(ch: Channel, batch: Notification[], now: number): void {
    const name = ch.notifier.name;
    const sending = this.#sendingSet(name);
    for (const n of batch) sending.add(n.alert.id);
    ch.inFlight++;
    ch.policy
      .execute(({ signal }) => ch.notifier.send(batch, signal))
      .then(
        () => {
          ch.next = null;
          ch.retryAt = 0;
          for (const n of batch) {
            const st = notifyState(n.alert, name);
            if (n.event === "resolved") st.resolvedSent = true;
            else st.sentAt = now;
            if (this.#store.isOpen && n.alert !== this.#watchdog) this.#store.save(n.alert, false);
          }
          this.#notifications.add(batch.length, { notifier: name, result: "sent" });
          this.#logger.debug({ notifier: name, notifications: batch.length }, "alert notifications sent");
        },
        (e: unknown) => {
          const err = toError(e);
          const permanent = err instanceof DeliveryError && err.kind === "permanent";
          if (permanent) {
            // The receiver refuses these alerts as they are; retrying cannot help. Mark them told.
            for (const n of batch) {
              const st = notifyState(n.alert, name);
              if (n.event === "resolved") st.resolvedSent = true;
              else st.sentAt = now;
              if (this.#store.isOpen && n.alert !== this.#watchdog) this.#store.save(n.alert, false);
            }
            this.#notifications.add(batch.length, { notifier: name, result: "dropped" });
          } else {
            ch.next = ch.next ? ch.next.next(undefined) : ch.backoff.next();
            const retryAfter = err instanceof DeliveryError ? err.retryAfterMs : 0;
            const delay = Math.min(Math.max(ch.next.duration, retryAfter, 1), ch.config.retry.maxMs);
            ch.retryAt = this.#clock.now() + delay;
            this.#notifications.add(batch.length, { notifier: name, result: "failed" });
          }
          if (!this.#channelModule?.isBrokenCircuit(err))
            this.#logger.warn(
              {
                notifier: name,
                notifications: batch.length,
                err: err.message,
                permanent,
                retryAt: ch.retryAt || undefined,
              },
              permanent ? "alert notification refused: not retried" : "alert notification failed: will retry",
            );
        },
      )
      .finally(() => {
        ch.inFlight--;
        for (const n of batch) sending.delete(n.alert.id);
        this.#queueReconcile();
      });
  }

  /** After a send finishes, the next round starts at once (a backlog drains without waiting for an evaluation). */
  #queueReconcile(): void {
    if (this.#reconcileQueued) return;
    this.#reconcileQueued = true;
    setImmediate(() => {
      this.#reconcileQueued = false;
      if (this.#state === "running" || this.#state === "stopping") this.#reconcile(this.#clock.now());
    });
  }

  #finishClosing(now: number): void {
    for (const [id, a] of this.#closing) {
      const late = now - (a.resolvedAt ?? now) > GIVE_UP_MS;
      if (this.#awaitsResolveNotification(a) && !late) continue;
      if (late) {
        this.#notifications.add(1, { notifier: "", result: "dropped" });
        this.#logger.warn(
          { rule: a.rule, fingerprint: a.fingerprint },
          "resolve notification given up after 24h",
        );
      }
      this.#closing.delete(id);
      this.#store.save(a, true);
    }
  }

  #wakeIdle(): void {
    const w = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const f of w) f();
  }

  /** Resolves when no notification is in flight (tests, shutdown). */
  idle(): Promise<void> {
    if (this.#sendingCount() === 0) return Promise.resolve();
    return new Promise((r) => this.#idleWaiters.push(r));
  }

  // ---- AlertService ----

  list(q: {
    states: readonly AlertStateName[];
    includeResolved: boolean;
    since: number;
  }): Array<AlertRecord & { silencedBy: string[] }> {
    const now = this.#clock.now();
    const states = new Set<AlertStateName>(q.states.length > 0 ? q.states : ["pending", "firing"]);
    if (q.includeResolved) states.add("resolved");
    const out = new Map<number | string, AlertRecord>();
    for (const a of this.#open.values()) if (states.has(a.state)) out.set(a.id || a.fingerprint, a);
    if (states.has("resolved")) {
      for (const a of this.#closing.values()) if ((a.resolvedAt ?? 0) >= q.since) out.set(a.id, a);
      if (this.#store.isOpen)
        for (const a of this.#store.history(q.since, HISTORY_LIMIT)) if (!out.has(a.id)) out.set(a.id, a);
    }
    return [...out.values()]
      .map((a) => ({ ...a, silencedBy: this.#silencedBy(a, now) }))
      .sort((x, y) => (y.firedAt ?? y.activeSince) - (x.firedAt ?? x.activeSince));
  }

  /** Firing alerts for the status (GetStatus, status page). */
  firing(): Array<AlertRecord & { silencedBy: string[] }> {
    return this.list({ states: ["firing"], includeResolved: false, since: 0 });
  }

  acknowledge(fingerprint: string, by: string, comment: string): AlertRecord {
    const a = this.#find(fingerprint);
    a.acknowledged = { by, at: this.#clock.now(), comment };
    this.#store.save(a, false);
    this.#logger.info(
      { event: "alert.acknowledged", rule: a.rule, fingerprint, by, comment },
      `alert ${a.rule} acknowledged`,
    );
    return a;
  }

  /** Closes an alert by hand; if its condition still holds it is pending again at the next evaluation. */
  resolveByHand(fingerprint: string, by: string, comment: string): AlertRecord {
    const a = this.#find(fingerprint);
    this.#resolve(a, this.#clock.now(), by || "unknown", comment);
    this.#reconcile(this.#clock.now());
    return a;
  }

  silence(matchers: SilenceMatcher[], durationMs: number, comment: string, createdBy: string): Silence {
    const now = this.#clock.now();
    const s: Silence = {
      id: randomUUID(),
      matchers,
      startsAt: now,
      endsAt: now + durationMs,
      comment,
      createdBy,
    };
    this.#openStore();
    this.#store.saveSilence(s);
    this.#silences.set(s.id, { ...s, test: compileMatchers(matchers) });
    this.#logger.info(
      {
        event: "alert.silenced",
        silence: s.id,
        matchers,
        endsAt: new Date(s.endsAt).toISOString(),
        comment,
        createdBy,
      },
      "silence added",
    );
    return s;
  }

  unsilence(id: string): void {
    const s = this.#silences.get(id);
    if (!s)
      throw new VigilError("VIGIL_ERR_ALERT_SILENCE_NOT_FOUND", `no active silence ${JSON.stringify(id)}`);
    s.endsAt = this.#clock.now();
    this.#store.saveSilence(s);
    this.#silences.delete(id);
    this.#logger.info({ event: "alert.unsilenced", silence: id }, "silence removed");
    this.#reconcile(this.#clock.now());
  }

  silences(): Silence[] {
    const now = this.#clock.now();
    return [...this.#silences.values()].filter((s) => s.endsAt > now).map(({ test: _t, ...s }) => s);
  }

  #find(fingerprint: string): AlertRecord {
    const a = this.#open.get(fingerprint);
    if (!a)
      throw new VigilError(
        "VIGIL_ERR_ALERT_NOT_FOUND",
        `no pending or firing alert with fingerprint ${JSON.stringify(fingerprint)}`,
      );
    return a;
  }

  stats(): { rules: number; open: number; firing: number; silences: number; series: number } {
    let firing = 0;
    for (const a of this.#open.values()) if (a.state === "firing") firing++;
    return {
      rules: this.#rules.size,
      open: this.#open.size,
      firing,
      silences: this.#silences.size,
      series: this.series.seriesCount,
    };
  }

  /** Waits for the evaluation and notifications in flight (up to `deadlineMs`), closes notifiers and alerts.db. */
  stop(deadlineMs = 2000): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.#state === "new") {
        this.#setState("stopped");
        return;
      }
      this.#setState("stopping");
      const deadline = new Promise<void>((r) => setTimeout(r, deadlineMs).unref());
      await Promise.race([
        (async () => {
          await this.#evaluating;
          await this.idle();
        })(),
        deadline,
      ]);
      for (const ch of this.#channels.values()) ch.notifier.close();
      this.#firingGauge.removeCallback(this.#observeFiring);
      this.#store.close();
      this.#setState("stopped");
    })();
    return this.#stopping;
  }
}

function notifyState(a: AlertRecord, notifier: string): NotifyState {
  let st = a.notified[notifier];
  if (!st) {
    st = { sentAt: null, resolvedSent: false };
    a.notified[notifier] = st;
  }
  return st;
}

function sameLabels(a: AlertRuleConfig, b: AlertRuleConfig): boolean {
  return a.severity === b.severity && JSON.stringify(a.labels) === JSON.stringify(b.labels);
}
