import { createHash } from "node:crypto";
import type { StatusSnapshot } from "../api/admin-api.js";
import { formatBytes, formatDurationMs } from "../util/units.js";

const esc = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

const STATE_COLOR: Record<string, string> = {
  UP: "#1a7f37",
  LATE: "#9a6700",
  DOWN: "#cf222e",
  UNKNOWN: "#6e7781",
  HEALTHY: "#1a7f37",
  DEGRADED: "#9a6700",
  closed: "#1a7f37",
  half_open: "#9a6700",
  open: "#cf222e",
  isolated: "#cf222e",
  critical: "#cf222e",
  warning: "#9a6700",
  info: "#0969da",
  paused: "#6e7781",
  FIRING: "#cf222e",
  RESOLVED: "#1a7f37",
};

/**
 * Live refresh without reloading the page: fetch the page (with its ?offset=) again every 2 s and swap the <main> element (the
 * page is rendered on the server, so there is nothing else to keep in sync). Without JavaScript the
 * <noscript> meta refresh reloads every 5 s instead. No external assets, no build step.
 */
const LIVE = `(() => {
  const every = 2000;
  const tick = async () => {
    try {
      const res = await fetch(location.pathname + location.search, { cache: "no-store" });
      if (res.ok) {
        const next = new DOMParser().parseFromString(await res.text(), "text/html").getElementById("status");
        const main = document.getElementById("status");
        if (next && main) main.replaceWith(next);
        const stamp = document.getElementById("refreshed");
        if (stamp) stamp.textContent = "live, updated " + new Date().toLocaleTimeString();
      }
    } catch (e) {
      const stamp = document.getElementById("refreshed");
      if (stamp) stamp.textContent = "Vigil unreachable, retrying";
    }
    setTimeout(tick, every);
  };
  setTimeout(tick, every);
})();`;

/**
 * The page's Content-Security-Policy: nothing from elsewhere, no script but LIVE (by its hash), fetches
 * to this origin only, inline styles (the badges), never framed.
 */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `script-src 'sha256-${createHash("sha256").update(LIVE).digest("base64")}'`,
  "connect-src 'self'",
  "style-src 'unsafe-inline'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Components, destinations and firing alerts one status render lists at most. */
export const STATUS_PAGE_SIZE = 200;

/** Which slice of the lists a status render shows, with the totals. */
export interface StatusPageInfo {
  offset: number;
  limit: number;
  components: number;
  destinations: number;
  firingAlerts: number;
}

export type PagedStatus = StatusSnapshot & { page: StatusPageInfo };

/**
 * One page of a snapshot: the lists a caller can grow (components by beating, destinations, firing
 * alerts) from `offset`, at most STATUS_PAGE_SIZE each, so one render's size is bounded whatever their
 * number; the totals say what is left.
 */
export function pageOfStatus(s: StatusSnapshot, offset: number): PagedStatus {
  const end = offset + STATUS_PAGE_SIZE;
  return {
    ...s,
    components: s.components.slice(offset, end),
    destinations: s.destinations.slice(offset, end),
    firingAlerts: s.firingAlerts.slice(offset, end),
    page: {
      offset,
      limit: STATUS_PAGE_SIZE,
      components: s.components.length,
      destinations: s.destinations.length,
      firingAlerts: s.firingAlerts.length,
    },
  };
}

/** "components 201–400 of 450" with links to the neighbouring pages; empty when all fit on one. */
function pager(what: string, shown: number, total: number, page: StatusPageInfo): string {
  if (page.offset === 0 && total <= page.limit) return "";
  const links: string[] = [];
  if (page.offset > 0)
    links.push(`<a href="?offset=${Math.max(0, page.offset - page.limit)}">previous ${page.limit}</a>`);
  if (page.offset + page.limit < total)
    links.push(`<a href="?offset=${page.offset + page.limit}">next ${page.limit}</a>`);
  const range = shown === 0 ? `none from ${page.offset + 1}` : `${page.offset + 1}–${page.offset + shown}`;
  return `<p class="pager">${what} ${range} of ${total}${links.length ? ` · ${links.join(" · ")}` : ""}</p>`;
}

/** The read-only status page at `/`: the same data as AdminService.GetStatus, one page of its lists. */
export function renderStatusPage(s: PagedStatus): string {
  const badge = (text: string) =>
    `<span class="badge" style="background:${STATE_COLOR[text] ?? "#6e7781"}">${esc(text)}</span>`;
  const rows = s.components
    .map(
      (c) =>
        `<tr><td>${esc(c.name)}</td><td>${badge(c.state)}</td><td>${esc(c.health)}</td>` +
        `<td>${c.ageMs === null ? "never" : `${formatDurationMs(Math.round(c.ageMs))} ago`}</td>` +
        `<td>${c.beatCount}</td><td>${esc(c.schedule ?? formatDurationMs(c.intervalMs))}</td>` +
        `<td>${esc(c.errors[0]?.message ?? c.message)}</td></tr>`,
    )
    .join("\n");
  const tasks = s.tasks
    .map(
      (t) =>
        `<tr><td>${esc(t.name)}</td><td>${formatDurationMs(t.intervalMs)}</td><td>${t.runs}</td>` +
        `<td>${t.lastDurationMs === null ? "" : `${t.lastDurationMs.toFixed(1)} ms`}</td><td>${esc(t.lastError ?? "")}</td></tr>`,
    )
    .join("\n");
  const destinations = s.destinations
    .map((d) => {
      const state = d.paused ? "paused" : d.circuit;
      const fault = d.faults.at(-1);
      return (
        `<tr><td>${esc(d.name)}</td><td>${esc(d.kind)}${d.enabled ? "" : " (disabled)"}</td><td>${badge(state)}</td>` +
        `<td>${d.queueDepth} (${formatBytes(d.queueBytes)})</td><td>${d.inFlight}${d.kind === "subscriber" ? ` · ${d.subscribers} subscribers` : ""}</td>` +
        `<td>${d.delivered}</td><td>${d.failed}</td><td>${d.deadLettered}</td>` +
        `<td>${fault ? `${new Date(fault.time).toISOString()} ${esc(fault.kind)}: ${esc(fault.error)}` : ""}</td></tr>`
      );
    })
    .join("\n");
  const alerts = s.firingAlerts
    .map((a) => {
      const labels = Object.entries(a.labels)
        .filter(([k]) => k !== "alertname" && k !== "severity")
        .map(([k, v]) => `${esc(k)}=${esc(v)}`)
        .join(", ");
      const notes = [
        a.acknowledged ? `acknowledged by ${esc(a.acknowledged.by || "?")}` : "",
        a.silencedBy.length > 0 ? "silenced" : "",
      ]
        .filter(Boolean)
        .join(", ");
      return (
        `<tr><td>${esc(a.rule)}</td><td>${badge(a.severity)}</td><td>${labels}</td>` +
        `<td>${esc(a.annotations.summary ?? a.annotations.description ?? "")}</td><td>${a.value}</td>` +
        `<td>${new Date(a.firedAt ?? a.activeSince).toISOString()}</td><td>${notes}</td><td><code>${esc(a.fingerprint)}</code></td></tr>`
      );
    })
    .join("\n");
  const changes = s.recentChanges
    .map(
      (c) =>
        `<tr><td>${new Date(c.time).toISOString()}</td><td>${esc(c.kind)}</td><td>${esc(c.subject)}</td>` +
        `<td>${badge(c.to)}</td><td>${esc(c.detail)}</td></tr>`,
    )
    .join("\n");
  const spool = s.spool
    .map(
      (x) =>
        `<tr><td>${esc(x.signal)}</td><td>${badge(x.circuit)}</td><td>${x.depth} (${formatBytes(x.bytes)})</td>` +
        `<td>${x.depth > 0 ? formatDurationMs(Math.round(x.oldestAgeMs)) : ""}</td><td>${x.exported}</td><td>${x.failed}</td>` +
        `<td>${x.dropped}</td><td>${esc(x.lastError ?? "")}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<noscript><meta http-equiv="refresh" content="5"></noscript>
<title>Vigil · ${esc(s.botName)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2rem;color:#1f2328}
table{border-collapse:collapse;margin:1rem 0}td,th{padding:.3rem .8rem;border-bottom:1px solid #d0d7de;text-align:left}
.badge{color:#fff;border-radius:1rem;padding:.1rem .6rem;font-size:12px}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{color:#656d76}
</style></head><body>
<main id="status">
<h1>Vigil · ${esc(s.botName)} ${badge(s.overall)}${s.draining ? " (draining)" : ""}</h1>
<dl>
<dt>Version</dt><dd>${esc(s.version)}</dd>
<dt>Uptime</dt><dd>${formatDurationMs(Math.round(s.uptimeMs))}</dd>
<dt>Config</dt><dd>v${s.configVersion.version}: ${esc(s.configVersion.description)}${s.configVersion.path ? ` (${esc(s.configVersion.path)})` : ""}, applied ${new Date(s.configVersion.appliedAt).toISOString()} (${esc(s.configVersion.source)})</dd>
<dt>Data dir</dt><dd>${esc(s.dataDir)} (${formatBytes(s.dataDirBytes)})</dd>
<dt>Memory</dt><dd>${formatBytes(s.process.rssBytes)} RSS${s.process.memoryLimitBytes === null ? "" : ` of a ${formatBytes(s.process.memoryLimitBytes)} limit`}${s.process.shedding ? " — <strong>shedding load</strong> (new publishes and metric points refused)" : ""}</dd>
<dt>Log file</dt><dd>${esc(s.logWriter.file)}: ${s.logWriter.records} records, ${s.logWriter.dropped} dropped${s.logWriter.lastError ? `, last error ${esc(s.logWriter.lastError)}` : ""}</dd>
<dt>Cleaner</dt><dd>${s.cleaner ? `last run ${new Date(s.cleaner.startedAt).toISOString()}: ${s.cleaner.filesDeleted} files, ${formatBytes(s.cleaner.bytesFreed)}${s.cleaner.dryRun ? " (dry run)" : ""}${s.cleaner.errors.length ? `, ${s.cleaner.errors.length} errors` : ""}` : "not run yet"}</dd>
<dt>Metrics</dt><dd>${s.metrics.instruments} instruments, ${s.metrics.series} series, ${s.metrics.accepted} points accepted, ${s.metrics.rejected} rejected</dd>
</dl>
<h2>Firing alerts</h2>
${pager("firing alerts", s.firingAlerts.length, s.page.firingAlerts, s.page)}
<table id="alerts"><thead><tr><th>Rule</th><th>Severity</th><th>Labels</th><th>Summary</th><th>Value</th><th>Since</th><th></th><th>Fingerprint</th></tr></thead>
<tbody>
${alerts || '<tr><td colspan="8">No alert is firing.</td></tr>'}
</tbody></table>
<h2>Recent changes</h2>
<table id="changes"><thead><tr><th>Time</th><th>Kind</th><th>Subject</th><th>Now</th><th>Detail</th></tr></thead>
<tbody>
${changes || '<tr><td colspan="5">No state change yet.</td></tr>'}
</tbody></table>
<h2>Components</h2>
${pager("components", s.components.length, s.page.components, s.page)}
<table id="components"><thead><tr><th>Name</th><th>State</th><th>Health</th><th>Last beat</th><th>Beats</th><th>Expected</th><th>Last error / message</th></tr></thead>
<tbody>
${rows || (s.page.components > 0 ? '<tr><td colspan="7">None on this page.</td></tr>' : '<tr><td colspan="7">No component has registered yet.</td></tr>')}
</tbody></table>
<h2>Destinations</h2>
${pager("destinations", s.destinations.length, s.page.destinations, s.page)}
<table id="destinations"><thead><tr><th>Name</th><th>Kind</th><th>State</th><th>Queued</th><th>In flight</th><th>Delivered</th><th>Failed</th><th>Dead letters</th><th>Last fault</th></tr></thead>
<tbody>
${destinations || '<tr><td colspan="9">No destination is configured (router.destinations).</td></tr>'}
</tbody></table>
${
  spool
    ? `<h2>OTLP spool</h2>
<table id="spool"><thead><tr><th>Signal</th><th>Export</th><th>Waiting</th><th>Oldest</th><th>Exported</th><th>Failed</th><th>Dropped</th><th>Last error</th></tr></thead>
<tbody>
${spool}
</tbody></table>`
    : ""
}
<h2>Scheduled tasks</h2>
<table id="tasks"><thead><tr><th>Task</th><th>Every</th><th>Runs</th><th>Last duration</th><th>Last error</th></tr></thead>
<tbody>
${tasks}
</tbody></table>
<p><a href="/metrics">/metrics</a> · <a href="/status.json">/status.json</a> · <a href="/readyz">/readyz</a> · <span id="refreshed">refreshes every 5 s</span></p>
</main>
<script>${LIVE}</script>
</body></html>
`;
}
