import type { AlertRecord } from "../alerts/alert-store.js";
import type { ConfigChangeOutcome, ConfigRejection } from "../config/config-manager.js";
import type { ConfigChange } from "../config/effective.js";
import type { ConfigVersionInfo, VersionEntry } from "../config/version-store.js";
import { invalidField } from "../errors.js";
import type { AdminServiceHandlers } from "../generated/vigil/v1/AdminService.js";
import type { CleanupReport as CleanupReportMessage } from "../generated/vigil/v1/CleanupReport.js";
import type { ConfigChange as ConfigChangeMessage } from "../generated/vigil/v1/ConfigChange.js";
import type { ConfigVersion } from "../generated/vigil/v1/ConfigVersion.js";
import type { DestinationStatus } from "../generated/vigil/v1/DestinationStatus.js";
import type { DiagnoseRequest__Output } from "../generated/vigil/v1/DiagnoseRequest.js";
import type { DiagnoseResponse } from "../generated/vigil/v1/DiagnoseResponse.js";
import type { DiffConfigRequest__Output } from "../generated/vigil/v1/DiffConfigRequest.js";
import type { DiffConfigResponse } from "../generated/vigil/v1/DiffConfigResponse.js";
import type { ExportConfigRequest__Output } from "../generated/vigil/v1/ExportConfigRequest.js";
import type { ExportConfigResponse } from "../generated/vigil/v1/ExportConfigResponse.js";
import type { GetStatusRequest__Output } from "../generated/vigil/v1/GetStatusRequest.js";
import type { GetStatusResponse } from "../generated/vigil/v1/GetStatusResponse.js";
import type { ImportConfigRequest__Output } from "../generated/vigil/v1/ImportConfigRequest.js";
import type { ImportConfigResponse } from "../generated/vigil/v1/ImportConfigResponse.js";
import type { ListConfigVersionsRequest__Output } from "../generated/vigil/v1/ListConfigVersionsRequest.js";
import type { ListConfigVersionsResponse } from "../generated/vigil/v1/ListConfigVersionsResponse.js";
import type { LogRecord } from "../generated/vigil/v1/LogRecord.js";
import type { PauseDestinationRequest__Output } from "../generated/vigil/v1/PauseDestinationRequest.js";
import type { PauseDestinationResponse } from "../generated/vigil/v1/PauseDestinationResponse.js";
import type { PeekQueueRequest__Output } from "../generated/vigil/v1/PeekQueueRequest.js";
import type { PeekQueueResponse } from "../generated/vigil/v1/PeekQueueResponse.js";
import type { QueryLogsRequest__Output } from "../generated/vigil/v1/QueryLogsRequest.js";
import type { RedriveDeadLettersRequest__Output } from "../generated/vigil/v1/RedriveDeadLettersRequest.js";
import type { RedriveDeadLettersResponse } from "../generated/vigil/v1/RedriveDeadLettersResponse.js";
import type { ReloadConfigRequest__Output } from "../generated/vigil/v1/ReloadConfigRequest.js";
import type { ReloadConfigResponse } from "../generated/vigil/v1/ReloadConfigResponse.js";
import type { ResumeDestinationRequest__Output } from "../generated/vigil/v1/ResumeDestinationRequest.js";
import type { ResumeDestinationResponse } from "../generated/vigil/v1/ResumeDestinationResponse.js";
import type { RollbackConfigRequest__Output } from "../generated/vigil/v1/RollbackConfigRequest.js";
import type { RollbackConfigResponse } from "../generated/vigil/v1/RollbackConfigResponse.js";
import type { RunCleanupRequest__Output } from "../generated/vigil/v1/RunCleanupRequest.js";
import type { RunCleanupResponse } from "../generated/vigil/v1/RunCleanupResponse.js";
import type { ComponentView, OverallStatus } from "../heartbeat/heartbeat-monitor.js";
import type { CleanupReport } from "../logs/cleaner.js";
import type { LogQuery, QueriedRecord } from "../logs/log-query.js";
import type { LogWriterStats } from "../logs/log-writer.js";
import type { DestinationSnapshot, PeekedMessage } from "../router/router.js";
import type { TaskStatus } from "../scheduler/scheduler.js";
import type { DestinationActivity } from "../status/delivery-series.js";
import type { OverallVerdict } from "../status/overall.js";
import type { StripState } from "../status/state-strips.js";
import type { SpoolSignalStatus } from "../telemetry/spool.js";
import { alertMessage } from "./alert-api.js";
import { optionalTimestamp, timestampMs, toDuration, toTimestamp } from "./convert.js";
import { type ApiContext, serverStream, unary } from "./handler.js";
import { componentMessage } from "./heartbeat-api.js";

/** Everything GetStatus reports, gathered by the wiring from each component. */
export interface StatusSnapshot {
  version: string;
  startedAt: number;
  uptimeMs: number;
  configVersion: ConfigVersionInfo;
  /** Components, firing alerts and destinations folded into one verdict (src/status/overall.ts). */
  overall: OverallVerdict;
  /** The components' own fold (the heartbeat monitor's overall()): GetStatus.status. */
  componentsStatus: OverallStatus;
  /** With each one's state over the last hour, a cell per minute (the status page's strips). */
  components: Array<ComponentView & { strip?: (StripState | null)[] }>;
  tasks: TaskStatus[];
  dataDir: string;
  dataDirBytes: number;
  process: {
    pid: number;
    rssBytes: number;
    heapUsedBytes: number;
    eventLoopDelayP99Ms: number;
    cpuUtilization: number;
    /** The memory guard's limit (server.memory_limiter.limit or the container's); null: none. */
    memoryLimitBytes: number | null;
    /** True while new publishes and metric points are refused for memory. */
    shedding: boolean;
  };
  metrics: { instruments: number; series: number; accepted: number; rejected: number; overflowed: number };
  botName: string;
  draining: boolean;
  cleaner: CleanupReport | null;
  logWriter: LogWriterStats;
  /** With each one's delivery rates, latencies and chart series over 1, 5 and 15 minutes. */
  destinations: Array<DestinationSnapshot & { activity?: DestinationActivity }>;
  /** Firing alerts, newest first, with the silences that mute each. */
  firingAlerts: Array<AlertRecord & { silencedBy: string[] }>;
  /** The last state changes (components, alerts), newest first; for the status page. */
  recentChanges: RecentChange[];
  /** The OTLP spool per signal; empty when the receiver is off. */
  spool: SpoolSignalStatus[];
  /** The config file's last rejected reload, until a good one; null when none. */
  configError?: ConfigRejection | null;
}

/** One state change the status page lists: a component's state or an alert's. */
export interface RecentChange {
  time: number;
  kind: "component" | "alert";
  subject: string;
  to: string;
  detail: string;
}

/** The small interface AdminService needs from the sidecar (handed in; no import of the wiring). */
export interface AdminBackend {
  status(): Promise<StatusSnapshot>;
  reload(source: "api"): Promise<ConfigChangeOutcome>;
  rollback(version: number): Promise<ConfigChangeOutcome>;
  importConfig(yaml: string, description: string): Promise<ConfigChangeOutcome>;
  versions(): Promise<{ versions: VersionEntry[]; running: ConfigVersionInfo }>;
  diff(from: number, to: number): Promise<ConfigChange[]>;
  exportConfig(version: number): Promise<{ yaml: string; info: ConfigVersionInfo }>;
  runCleanup(dryRun: boolean): Promise<CleanupReport>;
  diagnose(): Promise<Record<string, unknown>>;
  queryLogs(q: LogQuery): AsyncIterable<QueriedRecord>;
  setPaused(destination: string, paused: boolean): DestinationSnapshot;
  redrive(destination: string, limit: number): Promise<number>;
  /** Up to `limit` queued messages of a destination (priority 1…4, or 0 for all), without taking them. */
  peekQueue(
    destination: string,
    limit: number,
    priority: number,
  ): { messages: PeekedMessage[]; depth: number; now: number };
}

const LEVEL_NUMBER: Record<string, number> = {
  LOG_LEVEL_UNSPECIFIED: 0,
  LOG_LEVEL_TRACE: 10,
  LOG_LEVEL_DEBUG: 20,
  LOG_LEVEL_INFO: 30,
  LOG_LEVEL_WARN: 40,
  LOG_LEVEL_ERROR: 50,
  LOG_LEVEL_FATAL: 60,
};
const LEVEL_NAME: Record<number, LogRecord["level"]> = {
  10: "LOG_LEVEL_TRACE",
  20: "LOG_LEVEL_DEBUG",
  30: "LOG_LEVEL_INFO",
  40: "LOG_LEVEL_WARN",
  50: "LOG_LEVEL_ERROR",
  60: "LOG_LEVEL_FATAL",
};
const MAX_QUERY_LIMIT = 100_000;
/** PeekQueue: messages listed when the request leaves limit at 0, and at most. */
const DEFAULT_PEEK_LIMIT = 100;
const MAX_PEEK_LIMIT = 1000;
const PEEK_PRIORITY: Record<string, number> = {
  PRIORITY_UNSPECIFIED: 0,
  PRIORITY_LOW: 1,
  PRIORITY_NORMAL: 2,
  PRIORITY_HIGH: 3,
  PRIORITY_CRITICAL: 4,
};
const PRIORITY_ENUM = [
  "PRIORITY_UNSPECIFIED",
  "PRIORITY_LOW",
  "PRIORITY_NORMAL",
  "PRIORITY_HIGH",
  "PRIORITY_CRITICAL",
] as const;

function destinationName(name: string | undefined, field = "name"): string {
  if (!name) throw invalidField(field, "required");
  return name;
}

const CIRCUIT = {
  closed: "CIRCUIT_STATE_CLOSED",
  open: "CIRCUIT_STATE_OPEN",
  half_open: "CIRCUIT_STATE_HALF_OPEN",
  isolated: "CIRCUIT_STATE_OPEN",
} as const;

export function destinationMessage(d: DestinationSnapshot): DestinationStatus {
  return {
    name: d.name,
    kind: d.kind,
    circuit_state: CIRCUIT[d.circuit],
    queue_depth: d.queueDepth,
    queue_bytes: d.queueBytes,
    paused: d.paused,
    delivered: d.delivered,
    failed: d.failed,
    dead_lettered: d.deadLettered,
    enabled: d.enabled,
    degraded: d.degraded,
    in_flight: d.inFlight,
    subscribers: d.subscribers,
    last_delivery: d.lastDelivery > 0 ? toTimestamp(d.lastDelivery) : null,
    recent_faults: d.faults.map((f) => ({ time: toTimestamp(f.time), error: f.error, kind: f.kind })),
  };
}

export function cleanupReportMessage(r: CleanupReport): CleanupReportMessage {
  return {
    files_deleted: r.filesDeleted,
    bytes_freed: r.bytesFreed,
    errors: r.errors,
    duration: toDuration(r.durationMs),
    dry_run: r.dryRun,
    files: r.files,
  };
}

const CHANGE_KIND = {
  added: "CHANGE_KIND_ADDED",
  removed: "CHANGE_KIND_REMOVED",
  changed: "CHANGE_KIND_CHANGED",
} as const;

export function changeMessages(changes: readonly ConfigChange[]): ConfigChangeMessage[] {
  return changes.map((c) => ({
    path: c.path,
    kind: CHANGE_KIND[c.kind],
    before: c.before === undefined ? "" : JSON.stringify(c.before),
    after: c.after === undefined ? "" : JSON.stringify(c.after),
  }));
}

export function configVersionMessage(v: ConfigVersionInfo): ConfigVersion {
  return {
    version: v.version,
    hash: v.hash,
    applied_at: toTimestamp(v.appliedAt),
    source: `CONFIG_SOURCE_${v.source.toUpperCase()}` as ConfigVersion["source"],
    by: v.by,
    description: v.description,
    path: v.path ?? "",
  };
}

function versionEntryMessage(e: VersionEntry): ConfigVersion {
  if (e.info) return configVersionMessage(e.info);
  return { version: e.version, error: e.error ?? "unreadable", description: "unreadable" };
}

function version(field: string, v: number | undefined): number {
  const n = Number(v ?? 0);
  if (!Number.isSafeInteger(n) || n < 0) throw invalidField(field, "must be a version number");
  return n;
}

/**
 * GetStatus's answer, from the sidecar's snapshot: what gRPC callers get, and /status.json too
 * (src/server/http-server.ts, one page of the snapshot, in proto3 JSON).
 */
export function statusMessage(s: StatusSnapshot): GetStatusResponse {
  return {
    version: s.version,
    uptime: toDuration(s.uptimeMs),
    config_version: configVersionMessage(s.configVersion),
    status: `OVERALL_STATUS_${s.componentsStatus}`,
    overall: { state: `OVERALL_STATUS_${s.overall.state}`, reasons: s.overall.reasons },
    components: s.components.map(componentMessage),
    destinations: s.destinations.map(destinationMessage),
    firing_alerts: s.firingAlerts.map((a) => alertMessage(a, a.silencedBy)),
    tasks: s.tasks.map((t) => ({
      name: t.name,
      interval: toDuration(t.intervalMs),
      last_run: optionalTimestamp(t.lastRun),
      last_duration: t.lastDurationMs === null ? null : toDuration(t.lastDurationMs),
      last_error: t.lastError ?? "",
      runs: t.runs,
      failures: t.failures,
      running: t.running,
    })),
    started_at: toTimestamp(s.startedAt),
    data_dir: s.dataDir,
    data_dir_bytes: s.dataDirBytes,
    process: {
      pid: s.process.pid,
      rss_bytes: s.process.rssBytes,
      heap_used_bytes: s.process.heapUsedBytes,
      event_loop_delay_p99_ms: s.process.eventLoopDelayP99Ms,
      cpu_utilization: s.process.cpuUtilization,
    },
    metrics: {
      instruments: s.metrics.instruments,
      series: s.metrics.series,
      points_accepted: s.metrics.accepted,
      points_rejected: s.metrics.rejected,
      overflowed_points: s.metrics.overflowed,
    },
    bot_name: s.botName,
    log_writer: {
      file: s.logWriter.file,
      records: s.logWriter.records,
      dropped: s.logWriter.dropped,
      bytes_written: s.logWriter.bytesWritten,
    },
    cleaner: s.cleaner
      ? { last_run: toTimestamp(s.cleaner.startedAt), last_report: cleanupReportMessage(s.cleaner) }
      : null,
    draining: s.draining,
    spool: s.spool.map((x) => ({
      signal: x.signal,
      depth: x.depth,
      bytes: x.bytes,
      oldest_age: toDuration(x.oldestAgeMs),
      exported: x.exported,
      failed: x.failed,
      dropped: x.dropped,
      circuit_state: CIRCUIT[x.circuit],
      last_error: x.lastError ?? "",
    })),
    config_error: s.configError
      ? {
          message: s.configError.message,
          time: toTimestamp(s.configError.time),
          source: s.configError.source,
        }
      : null,
  };
}

export function adminHandlers(ctx: ApiContext, backend: AdminBackend): AdminServiceHandlers {
  const rpc = "vigil.v1.AdminService";
  return {
    GetStatus: unary<GetStatusRequest__Output, GetStatusResponse>(ctx, `${rpc}/GetStatus`, async () =>
      statusMessage(await backend.status()),
    ),
    ReloadConfig: unary<ReloadConfigRequest__Output, ReloadConfigResponse>(
      ctx,
      `${rpc}/ReloadConfig`,
      async () => {
        const r = await backend.reload("api");
        return {
          changed: r.changed,
          config_version: configVersionMessage(r.configVersion),
          restart_required: r.restartRequired,
          changes: changeMessages(r.changes),
        };
      },
    ),
    ListConfigVersions: unary<ListConfigVersionsRequest__Output, ListConfigVersionsResponse>(
      ctx,
      `${rpc}/ListConfigVersions`,
      async () => {
        const { versions, running } = await backend.versions();
        return { versions: versions.map(versionEntryMessage), running_version: running.version };
      },
    ),
    DiffConfig: unary<DiffConfigRequest__Output, DiffConfigResponse>(
      ctx,
      `${rpc}/DiffConfig`,
      async (req) => ({
        changes: changeMessages(await backend.diff(version("from", req.from), version("to", req.to))),
      }),
    ),
    RollbackConfig: unary<RollbackConfigRequest__Output, RollbackConfigResponse>(
      ctx,
      `${rpc}/RollbackConfig`,
      async (req) => {
        const v = version("version", req.version);
        if (v === 0) throw invalidField("version", "required");
        const r = await backend.rollback(v);
        return {
          config_version: configVersionMessage(r.configVersion),
          warning: r.warning,
          changes: changeMessages(r.changes),
          changed: r.changed,
          restart_required: r.restartRequired,
        };
      },
    ),
    ExportConfig: unary<ExportConfigRequest__Output, ExportConfigResponse>(
      ctx,
      `${rpc}/ExportConfig`,
      async (req) => {
        const r = await backend.exportConfig(version("version", req.version));
        return { yaml: r.yaml, config_version: configVersionMessage(r.info) };
      },
    ),
    ImportConfig: unary<ImportConfigRequest__Output, ImportConfigResponse>(
      ctx,
      `${rpc}/ImportConfig`,
      async (req) => {
        if (!req.yaml) throw invalidField("yaml", "required");
        const r = await backend.importConfig(req.yaml, req.description ?? "");
        return {
          changed: r.changed,
          config_version: configVersionMessage(r.configVersion),
          changes: changeMessages(r.changes),
          warning: r.warning,
          restart_required: r.restartRequired,
        };
      },
    ),
    Diagnose: unary<DiagnoseRequest__Output, DiagnoseResponse>(ctx, `${rpc}/Diagnose`, async () => ({
      json: JSON.stringify(await backend.diagnose(), null, 2),
    })),
    QueryLogs: serverStream<QueryLogsRequest__Output, LogRecord>(
      ctx,
      `${rpc}/QueryLogs`,
      async (req, call) => {
        const minLevel = LEVEL_NUMBER[req.level ?? "LOG_LEVEL_UNSPECIFIED"];
        if (minLevel === undefined) throw invalidField("level", `unknown value ${String(req.level)}`);
        const limit = req.limit ? Number(req.limit) : 1000;
        if (limit > MAX_QUERY_LIMIT) throw invalidField("limit", `at most ${MAX_QUERY_LIMIT}`);
        const q: LogQuery = {
          from: timestampMs("from", req.from),
          to: timestampMs("to", req.to),
          minLevel,
          contains: req.contains ?? "",
          component: req.component ?? "",
          limit,
          newestFirst: Boolean(req.newest_first),
        };
        for await (const r of backend.queryLogs(q)) {
          if (call.cancelled) return;
          const ok = call.write({
            time: Number.isNaN(r.time) ? null : toTimestamp(r.time),
            level: LEVEL_NAME[r.level] ?? "LOG_LEVEL_UNSPECIFIED",
            message: r.message,
            component: r.component,
            json: r.json,
            trace_id: r.traceId,
            span_id: r.spanId,
            file: r.file,
          });
          if (!ok) await new Promise((resolve) => call.once("drain", resolve));
        }
      },
    ),
    RunCleanup: unary<RunCleanupRequest__Output, RunCleanupResponse>(
      ctx,
      `${rpc}/RunCleanup`,
      async (req) => ({
        report: cleanupReportMessage(await backend.runCleanup(Boolean(req.dry_run))),
      }),
    ),
    PauseDestination: unary<PauseDestinationRequest__Output, PauseDestinationResponse>(
      ctx,
      `${rpc}/PauseDestination`,
      (req) => ({ destination: destinationMessage(backend.setPaused(destinationName(req.name), true)) }),
    ),
    ResumeDestination: unary<ResumeDestinationRequest__Output, ResumeDestinationResponse>(
      ctx,
      `${rpc}/ResumeDestination`,
      (req) => ({ destination: destinationMessage(backend.setPaused(destinationName(req.name), false)) }),
    ),
    PeekQueue: unary<PeekQueueRequest__Output, PeekQueueResponse>(ctx, `${rpc}/PeekQueue`, (req) => {
      const destination = destinationName(req.destination, "destination");
      const limit = req.limit ?? 0;
      if (limit > MAX_PEEK_LIMIT) throw invalidField("limit", `at most ${MAX_PEEK_LIMIT}, got ${limit}`);
      const priority = PEEK_PRIORITY[String(req.priority ?? "PRIORITY_UNSPECIFIED")];
      if (priority === undefined) throw invalidField("priority", `unknown value ${String(req.priority)}`);
      const r = backend.peekQueue(destination, limit || DEFAULT_PEEK_LIMIT, priority);
      return {
        depth: r.depth,
        messages: r.messages.map((m) => ({
          message_id: m.messageId,
          topic: m.topic,
          priority: PRIORITY_ENUM[m.priority] ?? "PRIORITY_NORMAL",
          published_at: toTimestamp(m.publishedAt),
          age: toDuration(Math.max(0, r.now - m.publishedAt)),
          attempts: m.attempt,
          size_bytes: m.bytes,
          next_attempt: m.nextAttemptAt > 0 ? toTimestamp(m.nextAttemptAt) : null,
          in_delivery: m.inDelivery,
        })),
      };
    }),
    RedriveDeadLetters: unary<RedriveDeadLettersRequest__Output, RedriveDeadLettersResponse>(
      ctx,
      `${rpc}/RedriveDeadLetters`,
      async (req) => ({
        redriven: await backend.redrive(destinationName(req.destination, "destination"), req.limit ?? 0),
      }),
    ),
  };
}
