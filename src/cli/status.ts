import type { GetStatusResponse__Output } from "../generated/vigil/v1/GetStatusResponse.js";
import { formatBytes } from "../util/units.js";
import { formatDuration } from "./duration.js";

const ms = (d: { seconds?: number | string; nanos?: number } | null | undefined): number =>
  d ? Number(d.seconds ?? 0) * 1000 + (d.nanos ?? 0) / 1e6 : 0;

const strip = (v: string | undefined, prefix: string): string => (v ?? "").replace(prefix, "");

/** The `vigil status` table. */
export function formatStatus(s: GetStatusResponse__Output): string {
  const lines: string[] = [];
  // The verdict folds alerts and destinations too; an older Vigil without it has the components' status only.
  const overall = strip(s.overall?.state ?? s.status, "OVERALL_STATUS_");
  lines.push(`Vigil ${s.version} · bot ${s.bot_name} · ${overall}${s.draining ? " (draining)" : ""}`);
  const reasons = s.overall?.reasons ?? [];
  if (reasons.length > 0) lines.push(`overall ${overall}: ${reasons.join("; ")}`);
  lines.push(
    `uptime ${formatDuration(ms(s.uptime))} · config v${s.config_version?.version ?? 0} (${
      s.config_version?.description ?? ""
    }${s.config_version?.path ? `, ${s.config_version.path}` : ""}) · RSS ${formatBytes(Number(s.process?.rss_bytes ?? 0))} · data ${formatBytes(Number(s.data_dir_bytes ?? 0))}`,
  );
  const rejected = s.config_error;
  if (rejected) {
    // Until the next good reload: the file on disk is not what runs, and a restart would fail on it.
    const when = rejected.time ? new Date(ms(rejected.time)).toISOString() : "?";
    lines.push(
      `config rejected at ${when} (${rejected.source || "file"}); running v${s.config_version?.version ?? 0} kept:`,
      ...(rejected.message ?? "").split("\n").map((l) => `  ${l}`),
    );
  }
  lines.push("");
  const rows: string[][] = [["COMPONENT", "STATE", "HEALTH", "LAST BEAT", "BEATS", "EXPECTED", "MESSAGE"]];
  for (const c of s.components) {
    rows.push([
      c.name ?? "",
      strip(c.state, "COMPONENT_STATE_"),
      strip(c.health, "HEALTH_"),
      c.age ? `${formatDuration(ms(c.age))} ago` : "never",
      String(c.beat_count ?? 0),
      c.schedule
        ? `${c.schedule}${c.timezone ? ` ${c.timezone}` : ""}`
        : `every ${formatDuration(ms(c.interval))}`,
      (c.errors[0]?.message ?? c.message ?? "").slice(0, 60),
    ]);
  }
  if (s.components.length === 0) lines.push("No component has registered yet.");
  else lines.push(...table(rows));
  if (s.destinations.length > 0) {
    const dests: string[][] = [
      ["DESTINATION", "KIND", "STATE", "QUEUED", "IN FLIGHT", "DELIVERED", "FAILED", "DEAD", "LAST FAULT"],
    ];
    for (const d of s.destinations) {
      const fault = d.recent_faults.at(-1);
      dests.push([
        d.name ?? "",
        `${d.kind ?? ""}${d.enabled === false ? " (disabled)" : ""}`,
        d.paused ? "paused" : strip(d.circuit_state, "CIRCUIT_STATE_").toLowerCase(),
        String(d.queue_depth ?? 0),
        String(d.in_flight ?? 0),
        String(d.delivered ?? 0),
        String(d.failed ?? 0),
        String(d.dead_lettered ?? 0),
        fault ? `${fault.kind}: ${fault.error ?? ""}`.slice(0, 60) : "",
      ]);
    }
    lines.push("", ...table(dests));
  }
  if (s.spool.length > 0) {
    const spool: string[][] = [
      ["OTLP SPOOL", "EXPORT", "WAITING", "OLDEST", "EXPORTED", "FAILED", "DROPPED", "LAST ERROR"],
    ];
    for (const x of s.spool)
      spool.push([
        x.signal ?? "",
        strip(x.circuit_state, "CIRCUIT_STATE_").toLowerCase(),
        `${x.depth ?? 0} (${formatBytes(Number(x.bytes ?? 0))})`,
        Number(x.depth ?? 0) > 0 ? formatDuration(ms(x.oldest_age)) : "",
        String(x.exported ?? 0),
        String(x.failed ?? 0),
        String(x.dropped ?? 0),
        (x.last_error ?? "").slice(0, 60),
      ]);
    lines.push("", ...table(spool));
  }
  if (s.firing_alerts.length > 0) {
    const alerts: string[][] = [["FIRING ALERT", "SEVERITY", "LABELS", "SINCE", "FINGERPRINT"]];
    for (const a of s.firing_alerts) {
      const labels = Object.entries(a.labels ?? {})
        .filter(([k]) => k !== "alertname" && k !== "severity")
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
      alerts.push([
        a.rule ?? "",
        strip(a.severity, "SEVERITY_").toLowerCase(),
        labels.slice(0, 60),
        a.fired_at ? new Date(ms(a.fired_at)).toISOString() : "",
        a.fingerprint ?? "",
      ]);
    }
    lines.push("", ...table(alerts));
  }
  lines.push("");
  const m = s.metrics;
  lines.push(
    `metrics: ${m?.instruments ?? 0} instruments, ${m?.series ?? 0} series, ${m?.points_accepted ?? 0} points accepted, ${
      m?.points_rejected ?? 0
    } rejected`,
  );
  const tasks: string[][] = [["TASK", "EVERY", "RUNS", "LAST ERROR"]];
  for (const t of s.tasks) {
    tasks.push([t.name ?? "", formatDuration(ms(t.interval)), String(t.runs ?? 0), t.last_error ?? ""]);
  }
  lines.push("", ...table(tasks));
  return `${lines.join("\n")}\n`;
}

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) widths[i] = Math.max(widths[i] ?? 0, (r[i] as string).length);
  }
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}
