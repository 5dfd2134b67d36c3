import type { AdminServiceHandlers } from "../generated/vigil/v1/AdminService.js";
import type { ConfigVersion } from "../generated/vigil/v1/ConfigVersion.js";
import type { GetStatusRequest__Output } from "../generated/vigil/v1/GetStatusRequest.js";
import type { GetStatusResponse } from "../generated/vigil/v1/GetStatusResponse.js";
import type { ReloadConfigRequest__Output } from "../generated/vigil/v1/ReloadConfigRequest.js";
import type { ReloadConfigResponse } from "../generated/vigil/v1/ReloadConfigResponse.js";
import type { ComponentView, OverallStatus } from "../heartbeat/heartbeat-monitor.js";
import type { TaskStatus } from "../scheduler/scheduler.js";
import { optionalTimestamp, toDuration, toTimestamp } from "./convert.js";
import { type ApiContext, unary } from "./handler.js";
import { componentMessage } from "./heartbeat-api.js";
import { unimplemented } from "./unimplemented.js";

export type ConfigSourceName = "startup" | "file" | "api" | "rollback" | "import";

export interface ConfigVersionInfo {
  version: number;
  hash: string;
  appliedAt: number;
  source: ConfigSourceName;
  path: string | null;
  description: string;
}

/** Everything GetStatus reports, gathered by the wiring from each component. */
export interface StatusSnapshot {
  version: string;
  startedAt: number;
  uptimeMs: number;
  configVersion: ConfigVersionInfo;
  overall: OverallStatus;
  components: ComponentView[];
  tasks: TaskStatus[];
  dataDir: string;
  dataDirBytes: number;
  process: {
    pid: number;
    rssBytes: number;
    heapUsedBytes: number;
    eventLoopDelayP99Ms: number;
    cpuUtilization: number;
  };
  metrics: { instruments: number; series: number; accepted: number; rejected: number; overflowed: number };
  botName: string;
  draining: boolean;
}

export interface ReloadOutcome {
  changed: boolean;
  configVersion: ConfigVersionInfo;
  restartRequired: string[];
}

/** The small interface AdminService needs from the sidecar (handed in; no import of the wiring). */
export interface AdminBackend {
  status(): Promise<StatusSnapshot>;
  reload(source: ConfigSourceName): Promise<ReloadOutcome>;
}

export function configVersionMessage(v: ConfigVersionInfo): ConfigVersion {
  return {
    version: v.version,
    hash: v.hash,
    applied_at: toTimestamp(v.appliedAt),
    source: `CONFIG_SOURCE_${v.source.toUpperCase()}` as ConfigVersion["source"],
    by: "",
    description: v.description,
    path: v.path ?? "",
  };
}

export function adminHandlers(ctx: ApiContext, backend: AdminBackend): AdminServiceHandlers {
  const rpc = "vigil.v1.AdminService";
  return {
    GetStatus: unary<GetStatusRequest__Output, GetStatusResponse>(ctx, `${rpc}/GetStatus`, async () => {
      const s = await backend.status();
      return {
        version: s.version,
        uptime: toDuration(s.uptimeMs),
        config_version: configVersionMessage(s.configVersion),
        status: `OVERALL_STATUS_${s.overall}`,
        components: s.components.map(componentMessage),
        destinations: [],
        firing_alerts: [],
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
        draining: s.draining,
      };
    }),
    ReloadConfig: unary<ReloadConfigRequest__Output, ReloadConfigResponse>(
      ctx,
      `${rpc}/ReloadConfig`,
      async () => {
        const r = await backend.reload("api");
        return {
          changed: r.changed,
          config_version: configVersionMessage(r.configVersion),
          restart_required: r.restartRequired,
        };
      },
    ),
    ListConfigVersions: unimplemented(`${rpc}/ListConfigVersions`),
    DiffConfig: unimplemented(`${rpc}/DiffConfig`),
    RollbackConfig: unimplemented(`${rpc}/RollbackConfig`),
    QueryLogs: unimplemented(`${rpc}/QueryLogs`),
    RunCleanup: unimplemented(`${rpc}/RunCleanup`),
    PauseDestination: unimplemented(`${rpc}/PauseDestination`),
    ResumeDestination: unimplemented(`${rpc}/ResumeDestination`),
    RedriveDeadLetters: unimplemented(`${rpc}/RedriveDeadLetters`),
  };
}
