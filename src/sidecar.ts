import { mkdir, readdir, stat, statfs } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import { join, resolve } from "node:path";
import { type IntervalHistogram, monitorEventLoopDelay, performance } from "node:perf_hooks";
import v8 from "node:v8";
import type { ObservableGauge } from "@opentelemetry/api";
import type { Logger } from "pino";
import { AlertManager, type SelfStats } from "./alerts/alert-manager.js";
import { type AdminBackend, adminHandlers, type RecentChange, type StatusSnapshot } from "./api/admin-api.js";
import { alertHandlers } from "./api/alert-api.js";
import type { ApiContext } from "./api/handler.js";
import { heartbeatHandlers } from "./api/heartbeat-api.js";
import { metricsDecoders, metricsHandlers } from "./api/metrics-api.js";
import { routerHandlers } from "./api/router-api.js";
import { type ConfigChangeOutcome, ConfigManager } from "./config/config-manager.js";
import type { ConfigChange } from "./config/effective.js";
import { effectiveTree } from "./config/effective.js";
import type { LoadedConfig } from "./config/load.js";
import type { Config } from "./config/schema.js";
import type { ConfigVersionInfo, VersionEntry } from "./config/version-store.js";
import { toError } from "./errors.js";
import { ComponentStore, PERSIST_INTERVAL_MS } from "./heartbeat/component-store.js";
import { HeartbeatMonitor } from "./heartbeat/heartbeat-monitor.js";
import { Cleaner, type CleanupReport } from "./logs/cleaner.js";
import { type LogQuery, type QueriedRecord, queryLogs } from "./logs/log-query.js";
import { LogWriter } from "./logs/log-writer.js";
import { RecentErrors } from "./logs/recent-errors.js";
import { MetricsIngest } from "./metrics/metrics-ingest.js";
import { protoDir } from "./proto.js";
import { type DestinationSnapshot, Router } from "./router/router.js";
import { Scheduler } from "./scheduler/scheduler.js";
import { Authenticator } from "./server/auth.js";
import { CallLimits } from "./server/call-limits.js";
import { GrpcServer, type ServiceHandlers } from "./server/grpc-server.js";
import { HttpApiServer } from "./server/http-api.js";
import { HttpServer } from "./server/http-server.js";
import { MemoryGuard } from "./server/memory-guard.js";
import { TlsFiles } from "./server/tls-files.js";
import { DeliverySeries } from "./status/delivery-series.js";
import {
  foldOverall,
  OVERALL_GAUGE_VALUE,
  type OverallInputs,
  type OverallVerdict,
} from "./status/overall.js";
import { StateStrips, stripState } from "./status/state-strips.js";
import { OtlpGrpcReceiver, OtlpHttpReceiver } from "./telemetry/otlp-receiver.js";
import { ResourceEnrichment } from "./telemetry/resource-enrichment.js";
import { Spool } from "./telemetry/spool.js";
import { SpoolSink } from "./telemetry/spool-exporters.js";
import { otlpSignalUrls, parseResourceAttributes, Telemetry } from "./telemetry/telemetry.js";
import { type Clock, systemClock } from "./util/clock.js";

/** State changes the status page lists. */
const RECENT_CHANGES = 20;

export interface SidecarOptions {
  loaded: LoadedConfig;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  version: string;
  clock?: Clock;
  /** Overrides telemetry.host_metrics.enabled (tests start many sidecars in one process). */
  hostMetrics?: boolean;
  /** Where the sidecar adds its local log writer (main.ts's pino multistream); tests may omit it. */
  logStreams?: { add(dest: { stream: { write(line: string): unknown }; level: "trace" }): unknown };
  /** The last warn/error log records, for diagnose reports (main.ts tees the log into it). */
  recentErrors?: RecentErrors;
  /** Called with the OTel logger once telemetry exists, to bridge pino records to OTLP. */
  onOtelLogger?: (logger: NonNullable<Telemetry["otelLogger"]>) => void;
}

type SidecarState = "new" | "starting" | "running" | "stopping" | "stopped";

/**
 * Builds every component from config, starts them in dependency order (sinks
 * first, the gRPC server last), stops them in reverse, and swaps config on reload.
 */
export class Sidecar implements AdminBackend {
  readonly #opts: SidecarOptions;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly telemetry: Telemetry;
  readonly heartbeats: HeartbeatMonitor;
  readonly componentStore: ComponentStore;
  readonly metrics: MetricsIngest;
  readonly router: Router;
  readonly alerts: AlertManager;
  readonly scheduler: Scheduler;
  readonly cleaner: Cleaner;
  readonly logWriter: LogWriter;
  readonly grpc: GrpcServer;
  readonly http: HttpServer;
  /** The HTTP/JSON door (server.http_api): null when disabled. */
  readonly httpApi: HttpApiServer | null;
  readonly configs: ConfigManager;
  readonly auth: Authenticator;
  readonly limits: CallLimits;
  readonly #spoolSink: SpoolSink | null;
  /** The OTLP spool and receiver (null without a collector to forward to). */
  spool: Spool | null = null;
  otlpReceiver: OtlpHttpReceiver | null = null;
  otlpGrpcReceiver: OtlpGrpcReceiver | null = null;
  /** The last component state changes, oldest first (bounded: RECENT_CHANGES). */
  readonly #changes: RecentChange[] = [];
  readonly memoryGuard: MemoryGuard;
  /** Per-destination delivery rates and latencies, and per-component state strips, for the status page. */
  readonly deliveries: DeliverySeries;
  readonly strips: StateStrips;
  #state: SidecarState = "new";
  #startedAt = 0;
  #dataDirBytes = 0;
  #stopping: Promise<void> | null = null;
  readonly #loopDelay: IntervalHistogram;
  readonly #dataDirGauge: ObservableGauge;
  #lastCpu = { usage: process.cpuUsage(), at: performance.now() };

  private constructor(opts: SidecarOptions, telemetry: Telemetry, spoolSink: SpoolSink | null) {
    this.#spoolSink = spoolSink;
    this.#opts = opts;
    this.#logger = opts.logger;
    this.#clock = opts.clock ?? systemClock;
    this.telemetry = telemetry;
    const config = opts.loaded.config;
    const dataDir = resolve(config.dataDir);
    this.heartbeats = new HeartbeatMonitor({
      config: config.heartbeats,
      meter: telemetry.meter,
      logger: this.#logger,
      clock: this.#clock,
    });
    this.deliveries = new DeliverySeries(this.#clock);
    this.strips = new StateStrips(this.#clock);
    this.heartbeats.onStateChange((c) => {
      this.strips.record(c.component, stripState({ state: c.to, health: c.health }), c.at);
      this.#changes.push({
        time: c.at,
        kind: "component",
        subject: c.component,
        to: c.to,
        detail: `${c.from} → ${c.to}${c.health === "OK" ? "" : ` (${c.health})`}`,
      });
      if (this.#changes.length > RECENT_CHANGES) this.#changes.shift();
    });
    this.logWriter = new LogWriter({
      dataDir,
      config: config.logs,
      clock: this.#clock,
      meter: telemetry.meter,
      logger: this.#logger,
    });
    this.metrics = new MetricsIngest({
      config: config.metrics,
      botMeter: telemetry.botMeter,
      botScope: telemetry.botScope,
      meter: telemetry.meter,
      logger: this.#logger,
      clock: this.#clock,
      pointLog: (line) => this.logWriter.write(line),
    });
    this.metrics.setRecordToLog(config.logs.recordMetrics);
    telemetry.addMetricProducer(this.metrics.producer);
    this.router = new Router({
      config: config.router,
      dataDir,
      clock: this.#clock,
      tracer: telemetry.tracer,
      meter: telemetry.meter,
      logger: this.#logger,
      deliveryTap: this.deliveries,
    });
    this.#setMessageLog(config.logs.recordMessages);
    this.scheduler = new Scheduler({ logger: this.#logger, clock: this.#clock });
    this.scheduler.add("router-expiry", 1000, async () => {
      await this.router.expire();
    });
    this.scheduler.add("router-maintenance", 60_000, () => this.router.maintain());
    this.scheduler.add("heartbeat-evaluation", config.heartbeats.evaluationIntervalMs, () =>
      this.heartbeats.evaluate(),
    );
    this.componentStore = new ComponentStore({
      dataDir,
      logger: this.#logger,
      monitor: this.heartbeats,
      maxRows: () => this.config.heartbeats.maxComponents + this.config.heartbeats.components.length,
    });
    this.scheduler.add("heartbeat-persist", PERSIST_INTERVAL_MS, () => this.componentStore.flush());
    this.alerts = new AlertManager({
      config: config.alerts,
      dataDir,
      logger: this.#logger,
      clock: this.#clock,
      meter: telemetry.meter,
      scheduler: this.scheduler,
      generatorUrl: generatorUrl(config),
      seriesLimits: { maxSeries: config.metrics.cardinalityLimit, idleMs: config.metrics.seriesTtlMs },
      sources: {
        components: () => this.heartbeats.list(),
        destinations: () => this.router.status(),
        self: () => this.#selfStats(),
        ownMetrics: () => telemetry.collectOwn(),
      },
    });
    this.metrics.setTap(this.alerts.series);
    this.scheduler.add("alert-evaluation", config.alerts.evaluationIntervalMs, () => this.alerts.evaluate());
    this.cleaner = new Cleaner({
      config: config.logs.cleaner,
      dataDir,
      logger: this.#logger,
      meter: telemetry.meter,
      clock: this.#clock,
    });
    this.scheduler.add("cleanup", config.logs.cleaner.intervalMs, async () => {
      const report = await this.cleaner.run();
      if (report.errors.length > 0)
        throw new Error(`cleanup: ${report.errors.length} errors, first: ${report.errors[0]}`);
    });
    this.scheduler.add("data-dir-size", 30_000, async () => {
      this.#dataDirBytes = await directorySize(this.dataDir);
    });
    this.#dataDirGauge = telemetry.meter.createObservableGauge("vigil.data_dir.bytes", {
      description: "Total size of Vigil's data directory",
      unit: "By",
    });
    this.#dataDirGauge.addCallback((r) => r.observe(this.#dataDirBytes));
    telemetry.meter
      .createObservableGauge("vigil.overall.status", {
        description: "The overall verdict of GetStatus: 0 HEALTHY, 1 DEGRADED, 2 DOWN, 3 UNKNOWN",
      })
      .addCallback((r) => r.observe(OVERALL_GAUGE_VALUE[this.#overall().state]));
    // A strip cell per minute needs a sample within each minute, whether or not anything changed.
    this.scheduler.add("status-history", 10_000, () => {
      this.strips.sample(this.heartbeats.list());
      this.deliveries.retain(this.config.router.destinations.map((d) => d.name));
    });
    this.memoryGuard = new MemoryGuard({
      config: config.server.memoryLimiter,
      logger: this.#logger,
      meter: telemetry.meter,
    });
    this.scheduler.add("memory-guard", 1000, () => this.memoryGuard.check());
    const ctx: ApiContext = {
      tracer: telemetry.tracer,
      logger: this.#logger.child({ component: "api" }),
      errors: telemetry.meter.createCounter("vigil.grpc.errors", {
        description: "gRPC calls that ended with an error status, by method and status",
      }),
    };
    const handlers: ServiceHandlers = {
      "vigil.v1.HeartbeatService": heartbeatHandlers(ctx, this.heartbeats),
      "vigil.v1.MetricsService": metricsHandlers(ctx, this.metrics, this.memoryGuard),
      "vigil.v1.AdminService": adminHandlers(ctx, this),
      "vigil.v1.RouterService": routerHandlers(ctx, this.router, {
        gate: this.memoryGuard,
        maxPayloadBytes: () => this.config.router.maxPayloadBytes,
      }),
      "vigil.v1.AlertService": alertHandlers(ctx, this.alerts),
    };
    this.auth = new Authenticator({
      config: config.server.auth,
      env: opts.env,
      logger: this.#logger,
      meter: telemetry.meter,
    });
    this.scheduler.add("auth-tokens", 5000, () => {
      this.auth.refresh();
      if (this.auth.lastError) throw new Error(this.auth.lastError);
    });
    this.limits = new CallLimits({
      config: config.server.limits,
      logger: this.#logger,
      meter: telemetry.meter,
      clock: this.#clock,
    });
    const tlsConfig = config.server.grpc.tls;
    const tls = tlsConfig ? new TlsFiles(tlsConfig, this.#logger) : null;
    if (tls && tlsConfig)
      this.scheduler.add("grpc-tls", tlsConfig.reloadIntervalMs, () => {
        tls.refresh();
        if (tls.lastError) throw new Error(tls.lastError);
      });
    const decoders = metricsDecoders(protoDir());
    this.grpc = new GrpcServer({
      config: config.server.grpc,
      logger: this.#logger,
      handlers,
      decoders,
      // Auth first: it replaces any client-sent principal with the token's name, which the limits key on.
      interceptors: [this.auth.interceptor(), this.limits.interceptor()],
      credentials: tls?.credentials(),
    });
    // Ends in the same handlers, with the same tokens and limits, as gRPC.
    this.httpApi = config.server.httpApi.enabled
      ? new HttpApiServer({
          config: config.server.httpApi,
          maxMessageBytes: config.server.grpc.maxMessageBytes,
          logger: this.#logger,
          meter: telemetry.meter,
          handlers,
          decoders,
          auth: this.auth,
          limits: this.limits,
        })
      : null;
    this.http = new HttpServer({
      config: config.server.http,
      logger: this.#logger,
      meter: telemetry.meter,
      prometheus: telemetry.prometheus,
      ready: () => this.#state === "running" && this.grpc.state === "serving",
      status: () => this.status(),
    });
    this.#loopDelay = monitorEventLoopDelay({ resolution: 20 });
    this.configs = new ConfigManager({
      loaded: opts.loaded,
      env: opts.env,
      logger: this.#logger,
      meter: telemetry.meter,
      clock: this.#clock,
      apply: (next) => this.#apply(next),
    });
  }

  static async create(opts: SidecarOptions): Promise<Sidecar> {
    const t = opts.loaded.config.telemetry;
    // With the OTLP spool, Vigil's own telemetry takes the same way as the bot's (see #startOtlpReceiver).
    const spool =
      (t.receiver.http.enabled || t.receiver.grpc.enabled) && otlpSignalUrls(t.otlp.endpoint, opts.env)
        ? new SpoolSink()
        : undefined;
    const telemetry = await Telemetry.create({
      config: opts.loaded.config,
      env: opts.env,
      version: opts.version,
      logger: opts.logger,
      hostMetrics: opts.hostMetrics,
      spool,
    });
    if (telemetry.otelLogger && opts.onOtelLogger) opts.onOtelLogger(telemetry.otelLogger);
    return new Sidecar(opts, telemetry, spool ?? null);
  }

  get config(): Config {
    return this.configs.config;
  }

  get dataDir(): string {
    return resolve(this.configs.config.dataDir);
  }

  get grpcPort(): number {
    return this.grpc.port;
  }

  /** The HTTP API's port; 0 when it is off or could not listen. */
  get httpApiPort(): number {
    return this.httpApi?.port ?? 0;
  }

  get httpPort(): number {
    return this.http.port;
  }

  /**
   * The bot's own OTLP in, spooled on disk, out to the collector: only when there is a collector to
   * forward to (telemetry.otlp.endpoint or OTEL_EXPORTER_OTLP_*) and the receiver is not switched off.
   */
  async #startOtlpReceiver(): Promise<void> {
    const t = this.#opts.loaded.config.telemetry;
    const url = otlpSignalUrls(t.otlp.endpoint, this.#opts.env);
    if (!t.receiver.http.enabled && !t.receiver.grpc.enabled) return;
    if (!url) {
      this.#logger.info(
        "OTLP receiver off: no OTLP/HTTP collector to forward to (telemetry.otlp.endpoint or OTEL_EXPORTER_OTLP_ENDPOINT, and no grpc OTEL_EXPORTER_OTLP_*PROTOCOL)",
      );
      return;
    }
    this.spool = new Spool({
      dataDir: this.dataDir,
      config: t.spool,
      upstream: { url, headers: t.otlp.headers, tls: t.otlp.tls },
      logger: this.#logger,
      meter: this.telemetry.meter,
      clock: this.#clock,
    });
    this.spool.start();
    if (this.#spoolSink) this.#spoolSink.target = this.spool;
    const config = this.#opts.loaded.config;
    const common = {
      enrich: new ResourceEnrichment({
        ...parseResourceAttributes(this.#opts.env.OTEL_RESOURCE_ATTRIBUTES ?? ""),
        ...config.bot.attributes,
      }),
      maxBodyBytes: t.receiver.maxBodyBytes,
      spool: this.spool,
      logger: this.#logger,
      meter: this.telemetry.meter,
      shedding: () => this.memoryGuard.shedding,
    };
    // On by default: a port taken by someone else (the bot's own collector) must not stop Vigil.
    const started = async <R extends { start(): Promise<void> }>(r: R, key: string): Promise<R | null> => {
      try {
        await r.start();
        return r;
      } catch (e) {
        this.#logger.error(
          { err: toError(e) },
          `OTLP receiver not started; set ${key}.address, or enabled: false`,
        );
        return null;
      }
    };
    if (t.receiver.http.enabled)
      this.otlpReceiver = await started(
        new OtlpHttpReceiver({ address: t.receiver.http.address, ...common }),
        "telemetry.receiver.http",
      );
    if (t.receiver.grpc.enabled)
      this.otlpGrpcReceiver = await started(
        new OtlpGrpcReceiver({ address: t.receiver.grpc.address, ...common }),
        "telemetry.receiver.grpc",
      );
  }

  async start(): Promise<void> {
    if (this.#state !== "new") throw new Error(`sidecar: cannot start in state ${this.#state}`);
    this.#state = "starting";
    this.#startedAt = this.#clock.now();
    try {
      await mkdir(this.dataDir, { recursive: true });
    } catch (e) {
      throw new Error(`data dir: cannot create ${this.dataDir}: ${toError(e).message}`);
    }
    await this.logWriter.start();
    this.#opts.logStreams?.add({ stream: this.logWriter, level: "trace" });
    // Before alerts evaluate and before the gRPC server takes a beat: state from before a restart first.
    this.componentStore.start();
    await this.router.start();
    await this.#startOtlpReceiver();
    await this.alerts.start();
    await this.configs.start();
    this.#loopDelay.enable();
    this.scheduler.start();
    await this.http.start();
    await this.grpc.start();
    // On by default: a port taken by someone else must not stop Vigil (gRPC is the main door).
    await this.httpApi?.start().catch((e: unknown) => {
      this.#logger.error(
        { err: toError(e) },
        "HTTP API not started; set server.http_api.address, or enabled: false",
      );
    });
    this.#state = "running";
    const path = this.#opts.loaded.path;
    this.#logger.info(
      {
        grpc: this.grpc.port,
        http: this.http.port,
        httpApi: this.httpApiPort || null,
        otlpHttp: this.otlpReceiver?.port ?? null,
        otlpGrpc: this.otlpGrpcReceiver?.port ?? null,
        config: path ?? "embedded defaults",
        otlp: this.telemetry.otlpEndpoint ?? "off",
        bot: this.telemetry.botScope,
      },
      "vigil started",
    );
    void this.scheduler.runNow("data-dir-size");
  }

  /**
   * Drains and stops everything in reverse start order within shutdown.timeout;
   * rejects listing the components that failed to stop. Safe before start and twice.
   */
  stop(reason = "stop"): Promise<void> {
    this.#stopping ??= (async () => {
      const wasRunning = this.#state !== "new";
      this.#state = "stopping";
      const timeoutMs = this.config.shutdown.timeoutMs;
      const drainDelayMs = this.config.shutdown.drainDelayMs;
      if (wasRunning) this.#logger.info({ reason, timeoutMs, drainDelayMs }, "vigil stopping");
      this.grpc.beginDrain();
      if (drainDelayMs > 0) await new Promise((r) => setTimeout(r, drainDelayMs).unref());
      const errors: string[] = [];
      const step = async (name: string, fn: () => void | Promise<void>) => {
        try {
          await fn();
        } catch (e) {
          errors.push(`${name}: ${toError(e).message}`);
        }
      };
      // Started after gRPC, stopped before it: its calls end in the same handlers.
      await step("http-api", () => this.httpApi?.stop(Math.max(timeoutMs - drainDelayMs, 0) * 0.2));
      // Subscribe streams never end by themselves: end them so the server can close gracefully.
      this.router.endSubscribers();
      await step("grpc", () => this.grpc.stop(Math.max(timeoutMs - drainDelayMs, 0) * 0.6));
      await step("otlp-receiver", () => this.otlpReceiver?.stop());
      await step("otlp-grpc-receiver", () => this.otlpGrpcReceiver?.stop());
      await step("config", () => this.configs.stop());
      await step("scheduler", () => this.scheduler.stop());
      // After gRPC and the scheduler: no beat or evaluation changes state after this last write.
      await step("heartbeat-store", () => this.componentStore.stop());
      await step("alerts", () => this.alerts.stop(Math.max(timeoutMs - drainDelayMs, 0) * 0.1));
      await step("router", () => this.router.stop(Math.max(timeoutMs - drainDelayMs, 0) * 0.2));
      await step("http", () => this.http.stop());
      this.#loopDelay.disable();
      await step("telemetry", () => this.telemetry.stop());
      // After telemetry: its last flush goes into the spool, which then forwards what it can in time.
      await step("spool", () => this.spool?.stop(Math.min(2000, timeoutMs)));
      this.#state = "stopped";
      if (wasRunning) this.#logger.info({ errors }, "vigil stopped");
      // Last, so the records of the shutdown itself reach the file.
      await step("log-writer", () => this.logWriter.stop());
      if (errors.length > 0) throw new Error(`sidecar stop: ${errors.join("; ")}`);
    })();
    return this.#stopping;
  }

  reload(source: "file" | "signal" | "api"): Promise<ConfigChangeOutcome> {
    return this.configs.reload(source);
  }

  rollback(version: number): Promise<ConfigChangeOutcome> {
    return this.configs.rollback(version);
  }

  importConfig(yaml: string, description: string): Promise<ConfigChangeOutcome> {
    return this.configs.import(yaml, description);
  }

  async versions(): Promise<{ versions: VersionEntry[]; running: ConfigVersionInfo }> {
    return { versions: this.configs.versions(), running: this.configs.running };
  }

  async diff(from: number, to: number): Promise<ConfigChange[]> {
    return this.configs.diff(from, to);
  }

  /**
   * One JSON report for support: status, effective config (secrets redacted),
   * config versions, software versions, resource usage, recent errors.
   */
  async diagnose(): Promise<Record<string, unknown>> {
    const status = await this.status();
    const { versions, running } = await this.versions();
    const recent = this.#opts.recentErrors ?? new RecentErrors(0);
    return {
      generated_at: new Date(this.#clock.now()).toISOString(),
      vigil: { version: this.#opts.version, pid: process.pid, argv: process.argv.slice(2) },
      runtime: {
        node: process.version,
        v8: process.versions.v8,
        platform: `${process.platform} ${process.arch}`,
        dependencies: dependencyVersions(),
      },
      status,
      config: {
        running,
        effective: effectiveTree(this.configs.display),
        versions: versions.map((v) => v.info ?? { version: v.version, error: v.error }),
      },
      resources: {
        memory: process.memoryUsage(),
        resource_usage: process.resourceUsage(),
        heap: v8.getHeapStatistics(),
        load_average: os.loadavg(),
        cpus: os.availableParallelism(),
        data_dir_bytes: status.dataDirBytes,
      },
      recent_errors: {
        log: recent.records(),
        components: status.components.flatMap((c) =>
          c.errors.map((e) => ({ component: c.name, ...e, time: new Date(e.time).toISOString() })),
        ),
      },
    };
  }

  queryLogs(q: LogQuery): AsyncIterable<QueriedRecord> {
    return queryLogs(this.logWriter.dir, q);
  }

  runCleanup(dryRun: boolean): Promise<CleanupReport> {
    return this.cleaner.run({ dryRun });
  }

  async exportConfig(version: number): Promise<{ yaml: string; info: ConfigVersionInfo }> {
    return this.configs.export(version);
  }

  setPaused(destination: string, paused: boolean): DestinationSnapshot {
    return this.router.setPaused(destination, paused);
  }

  redrive(destination: string, limit: number): Promise<number> {
    return this.router.redrive(destination, limit);
  }

  peekQueue(destination: string, limit: number, priority: number) {
    return this.router.peek(destination, limit, priority);
  }

  /** What `self` alert rules see: CPU since the last call, memory, event-loop delay, free disk of the data dir. */
  async #selfStats(): Promise<SelfStats> {
    const usage = process.cpuUsage();
    const at = performance.now();
    const prev = this.#lastCpu;
    this.#lastCpu = { usage, at };
    const cpuMs = (usage.user - prev.usage.user + usage.system - prev.usage.system) / 1000;
    const mem = process.memoryUsage();
    const p99 = this.#loopDelay.percentile(99) / 1e6;
    let diskFreeBytes = Number.NaN;
    try {
      const fs = await statfs(this.dataDir);
      diskFreeBytes = fs.bavail * fs.bsize;
    } catch {
      // Reported as NaN: a disk_free rule then does not hold (no comparison with NaN does).
    }
    return {
      cpuPercent: at > prev.at ? (cpuMs / (at - prev.at)) * 100 : 0,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      eventLoopDelayP99Ms: Number.isFinite(p99) ? p99 : 0,
      diskFreeBytes,
    };
  }

  #setMessageLog(on: boolean): void {
    this.router.setMessageLog(on ? (line) => this.logWriter.write(line) : null);
  }

  /** Swaps a validated config into the components that can change while running. */
  async #apply(next: LoadedConfig): Promise<void> {
    const c = next.config;
    await this.router.applyConfig(c.router);
    this.#setMessageLog(c.logs.recordMessages);
    this.auth.applyConfig(c.server.auth);
    this.limits.applyConfig(c.server.limits);
    this.memoryGuard.applyConfig(c.server.memoryLimiter);
    this.heartbeats.applyConfig(c.heartbeats);
    this.metrics.applyConfig(c.metrics);
    this.metrics.setRecordToLog(c.logs.recordMetrics);
    await this.alerts.applyConfig(c.alerts, {
      maxSeries: c.metrics.cardinalityLimit,
      idleMs: c.metrics.seriesTtlMs,
    });
    this.scheduler.setInterval("alert-evaluation", c.alerts.evaluationIntervalMs);
    this.scheduler.setInterval("heartbeat-evaluation", c.heartbeats.evaluationIntervalMs);
    this.cleaner.applyConfig(c.logs.cleaner);
    this.logWriter.applyConfig(c.logs);
    this.scheduler.setInterval("cleanup", c.logs.cleaner.intervalMs);
    this.#logger.level = c.logs.level;
  }

  /** Component transitions kept here and alert transitions of the last hour, newest first. */
  #recentChanges(): RecentChange[] {
    const since = this.#clock.now() - 3_600_000;
    const alerts: RecentChange[] = [];
    for (const a of this.alerts.list({ states: ["firing"], includeResolved: true, since })) {
      const subject = Object.entries(a.labels)
        .filter(([k]) => k !== "alertname" && k !== "severity")
        .map(([k, v]) => `${k}=${v}`)
        .join(", ");
      const name = subject ? `${a.rule} (${subject})` : a.rule;
      if (a.firedAt !== null && a.firedAt >= since)
        alerts.push({ time: a.firedAt, kind: "alert", subject: name, to: "FIRING", detail: a.severity });
      if (a.resolvedAt !== null && a.resolvedAt >= since)
        alerts.push({
          time: a.resolvedAt,
          kind: "alert",
          subject: name,
          to: "RESOLVED",
          detail: a.resolvedBy ?? "",
        });
    }
    return [...this.#changes, ...alerts].sort((x, y) => y.time - x.time).slice(0, RECENT_CHANGES);
  }

  /**
   * The one verdict (src/status/overall.ts): GetStatus, the status page, `vigil status` and
   * vigil.overall.status all take it from here. /readyz does not: a down bot must not make the
   * kubelet restart Vigil.
   */
  #overall(
    components = this.heartbeats.list(),
    destinations = this.router.status(),
    firingAlerts: OverallInputs["firingAlerts"] = this.alerts.firing(),
  ): OverallVerdict {
    return foldOverall({
      components,
      componentsStatus: this.heartbeats.overall(components),
      firingAlerts,
      destinations,
      recentDeadLetters: (name) => this.deliveries.recentDeadLetters(name),
    });
  }

  async status(): Promise<StatusSnapshot> {
    const components = this.heartbeats.list();
    const destinations = this.router.status();
    const firingAlerts = this.alerts.firing();
    // A page view between two samples still shows the current minute.
    this.strips.sample(components);
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const uptimeMs = this.#clock.now() - this.#startedAt;
    const p99 = this.#loopDelay.percentile(99) / 1e6;
    return {
      version: this.#opts.version,
      startedAt: this.#startedAt,
      uptimeMs,
      configVersion: this.configs.running,
      overall: this.#overall(components, destinations, firingAlerts),
      componentsStatus: this.heartbeats.overall(components),
      components: components.map((c) => ({ ...c, strip: this.strips.strip(c.name) })),
      tasks: this.scheduler.list(),
      dataDir: this.dataDir,
      dataDirBytes: this.#dataDirBytes,
      process: {
        pid: process.pid,
        rssBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
        eventLoopDelayP99Ms: Number.isFinite(p99) ? p99 : 0,
        cpuUtilization: (cpu.user + cpu.system) / 1000 / Math.max(process.uptime() * 1000, 1),
        memoryLimitBytes: this.memoryGuard.limitBytes,
        shedding: this.memoryGuard.shedding,
      },
      metrics: this.metrics.stats(),
      cleaner: this.cleaner.lastReport,
      logWriter: this.logWriter.stats(),
      destinations: destinations.map((d) => ({ ...d, activity: this.deliveries.activity(d.name) })),
      firingAlerts,
      recentChanges: this.#recentChanges(),
      spool: this.spool?.status() ?? [],
      configError: this.configs.rejection,
      botName: this.telemetry.botScope,
      draining: this.#state === "stopping" || this.grpc.state === "draining",
    };
  }
}

/** The status page's address as notifications link to it: alerts.external_url, else this host and the HTTP port. */
function generatorUrl(config: Config): string {
  if (config.alerts.externalUrl) return config.alerts.externalUrl;
  const port = config.server.http.address.split(":").pop();
  return `http://${os.hostname()}:${port}/`;
}

/** Installed versions of Vigil's direct dependencies (for diagnose reports). */
function dependencyVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  for (const name of [
    "@grpc/grpc-js",
    "@opentelemetry/sdk-metrics",
    "@opentelemetry/api",
    "pino",
    "protobufjs",
    "zod",
  ]) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      out[name] = "unknown";
    }
  }
  return out;
}

/** Sum of file sizes under a directory; symlinks are not followed. */
export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await directorySize(p);
    else if (e.isFile()) {
      try {
        total += (await stat(p)).size;
      } catch {
        // Removed while we looked.
      }
    }
  }
  return total;
}
