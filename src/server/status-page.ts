import { createHash } from "node:crypto";
import type { StatusSnapshot } from "../api/admin-api.js";
import type { DestinationActivity } from "../status/delivery-series.js";
import { STRIP_SLOT_MS, type StripState } from "../status/state-strips.js";
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
  FAILING: "#a40e26",
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

/** Strip cells with nothing recorded: before the component registered, or while Vigil was not running. */
const NO_SAMPLE = "#eaeef2";

/** "0", "0.05", "3.4", "120": a rate per second as wide as it needs to be. */
function rate(x: number): string {
  if (x === 0) return "0";
  if (x < 0.1) return x.toFixed(2);
  if (x < 10) return x.toFixed(1);
  return String(Math.round(x));
}

/** A latency in seconds as "0.4 ms", "12 ms", "1.3 s"; "–" when nothing was delivered. */
function latency(seconds: number | null): string {
  if (seconds === null) return "–";
  const ms = seconds * 1000;
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A component's last hour, a cell per minute, oldest left. Runs of one state are drawn as one <rect>
 * with one <title> (its tooltip), so a steady component costs one element, not 60: the page lists up
 * to 200 components and refreshes every 2 s. Inline SVG: no asset to fetch, nothing the CSP must allow.
 */
function stateStrip(name: string, strip: readonly (StripState | null)[] | undefined): string {
  if (!strip || strip.length === 0) return "";
  const w = 4;
  const n = strip.length;
  const runs: string[] = [];
  for (let i = 0; i < n; ) {
    const state = strip[i] ?? null;
    let j = i + 1;
    while (j < n && (strip[j] ?? null) === state) j++;
    const from = n - i;
    const to = n - j;
    const when = to === 0 ? `last ${from} min` : `${from}–${to} min ago`;
    runs.push(
      `<rect x="${i * w}" width="${(j - i) * w}" height="14" fill="${state ? (STATE_COLOR[state] ?? NO_SAMPLE) : NO_SAMPLE}"${state ? ` data-state="${state}" data-minutes="${j - i}"` : ""}><title>${when}: ${state ?? "no data"}</title></rect>`,
    );
    i = j;
  }
  // Thin white gaps between the minutes, drawn once over the runs.
  const ticks = `<path d="${Array.from({ length: n - 1 }, (_, k) => `M${(k + 1) * w - 0.5} 0v14`).join("")}" stroke="#fff" stroke-width="1"/>`;
  return `<svg class="strip" role="img" aria-label="${esc(name)} over the last ${(n * STRIP_SLOT_MS) / 60_000} minutes" width="${n * w}" height="14" viewBox="0 0 ${n * w} 14" preserveAspectRatio="none">${runs.join("")}${ticks}</svg>`;
}

/**
 * Delivered (green) and failed (red, on top) per bucket over the last 15 minutes, scaled to the
 * busiest bucket: one <path> per colour (a few KiB per destination whatever the traffic).
 */
function trafficChart(name: string, a: DestinationActivity): string {
  const n = a.delivered.length;
  const bw = 3;
  const h = 44;
  let peak = 0;
  for (let i = 0; i < n; i++) peak = Math.max(peak, (a.delivered[i] ?? 0) + (a.failed[i] ?? 0));
  let good = "";
  let bad = "";
  for (let i = 0; i < n && peak > 0; i++) {
    const d = a.delivered[i] ?? 0;
    const f = a.failed[i] ?? 0;
    const dh = d > 0 ? Math.max(1, (d / peak) * h) : 0;
    const fh = f > 0 ? Math.max(1, (f / peak) * h) : 0;
    if (d > 0) good += `M${i * bw} ${(h - dh).toFixed(1)}h${bw - 0.6}v${dh.toFixed(1)}h-${bw - 0.6}z`;
    if (f > 0) bad += `M${i * bw} ${(h - dh - fh).toFixed(1)}h${bw - 0.6}v${fh.toFixed(1)}h-${bw - 0.6}z`;
  }
  const seconds = a.bucketMs / 1000;
  const minutes = Math.round((n * a.bucketMs) / 60_000);
  const last = a.windows[0];
  const tip = last
    ? `<title>${esc(name)}, last ${last.minutes} min: ${rate(last.deliveredPerSecond)}/s delivered, ${rate(last.failedPerSecond)}/s failed</title>`
    : "";
  return `<svg class="chart" role="img" aria-label="${esc(name)}: delivered and failed per ${seconds} s over the last ${minutes} minutes" viewBox="0 0 ${n * bw} ${h + 1}" preserveAspectRatio="none">${tip}<line x1="0" y1="${h + 0.5}" x2="${n * bw}" y2="${h + 0.5}" stroke="#d0d7de" stroke-width="1"/>${good ? `<path class="delivered" fill="#2da44e" d="${good}"/>` : ""}${bad ? `<path class="failed" fill="#cf222e" d="${bad}"/>` : ""}</svg>
<div class="axis"><span>${minutes} min ago</span><span>${peak > 0 ? `peak ${rate(peak / seconds)}/s` : "no traffic"}</span><span>now</span></div>`;
}

/** A destination's card: its chart and its rates and latencies over 1, 5 and 15 minutes. */
function trafficCard(d: StatusSnapshot["destinations"][number], state: string, badgeHtml: string): string {
  const a = d.activity;
  if (!a) return "";
  const rows = a.windows
    .map(
      (w) =>
        `<tr><th scope="row">${w.minutes} min</th><td class="num">${rate(w.deliveredPerSecond)}</td><td class="num${w.failedPerSecond > 0 ? " bad" : ""}">${rate(w.failedPerSecond)}</td><td class="num">${latency(w.p50)}</td><td class="num">${latency(w.p99)}</td></tr>`,
    )
    .join("");
  return `<section class="card" data-destination="${esc(d.name)}" data-state="${esc(state)}"><h3>${esc(d.name)} ${badgeHtml}</h3>
${trafficChart(d.name, a)}
<table class="rates"><thead><tr><th></th><th>delivered/s</th><th>failed/s</th><th>p50</th><th>p99</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** The read-only status page at `/`: the same data as AdminService.GetStatus, one page of its lists. */
export function renderStatusPage(s: PagedStatus): string {
  const badge = (text: string) =>
    `<span class="badge" style="background:${STATE_COLOR[text] ?? "#6e7781"}">${esc(text)}</span>`;
  const rows = s.components
    .map(
      (c) =>
        `<tr><td>${esc(c.name)}</td><td>${badge(c.state)}</td><td class="wide">${esc(c.health)}</td>` +
        `<td>${c.ageMs === null ? "never" : `${formatDurationMs(Math.round(c.ageMs))} ago`}</td>` +
        `<td class="wide">${c.beatCount}</td><td class="wide">${esc(c.schedule ?? formatDurationMs(c.intervalMs))}</td>` +
        `<td class="wide">${esc(c.errors[0]?.message ?? c.message)}</td><td class="hour">${stateStrip(c.name, c.strip)}</td></tr>`,
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
      // Shown until the destination recovers (a delivery succeeds and the circuit is closed again).
      const fault = d.degraded ? d.faults.at(-1) : undefined;
      return (
        `<tr><td>${esc(d.name)}</td><td>${esc(d.kind)}${d.enabled ? "" : " (disabled)"}</td><td>${badge(state)}</td>` +
        `<td>${d.queueDepth} (${formatBytes(d.queueBytes)})</td><td>${d.inFlight}${d.kind === "subscriber" ? ` · ${d.subscribers} subscribers` : ""}</td>` +
        `<td>${d.delivered}</td><td>${d.failed}</td><td>${d.deadLettered}</td>` +
        `<td>${fault ? `<time datetime="${new Date(fault.time).toISOString()}">${new Date(fault.time).toISOString().replace("T", " ").slice(0, 19)}</time> ${esc(fault.kind)}: ${esc(fault.error)}` : ""}</td></tr>`
      );
    })
    .join("\n");
  const traffic = s.destinations
    .map((d) => {
      const state = d.paused ? "paused" : d.circuit;
      return trafficCard(d, state, badge(state));
    })
    .join("\n");
  const reasons = s.overall.reasons.map((r) => `<li>${esc(r)}</li>`).join("");
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
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:1200px;margin:0 auto;padding:1.5rem}
h1{font-size:1.5rem;margin:0 0 .5rem;display:flex;flex-wrap:wrap;align-items:center;gap:.5rem}
h2{font-size:1.1rem;margin:1.8rem 0 .4rem}h3{font-size:1rem;margin:0 0 .5rem;display:flex;justify-content:space-between;align-items:center;gap:.5rem}
.top{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1rem 1.2rem}
#reasons{margin:.3rem 0 0;padding-left:1.2rem;color:#57606a}
.scroll{overflow-x:auto;background:#fff;border:1px solid #d0d7de;border-radius:8px}
table{border-collapse:collapse;width:100%}td,th{padding:.35rem .8rem;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:middle}
thead th{color:#57606a;font-weight:600;font-size:12px;white-space:nowrap}tbody tr:last-child td{border-bottom:0}
.badge{color:#fff;border-radius:1rem;padding:.1rem .6rem;font-size:12px;white-space:nowrap}
.badge.overall{font-size:1rem;padding:.15rem .8rem}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2rem 1rem;margin:.8rem 0 0}dt{color:#656d76}dd{margin:0;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:.8rem;margin-bottom:.8rem}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:.8rem 1rem}
.chart{display:block;width:100%;height:48px;background:#f6f8fa;border-radius:4px}
.axis{display:flex;justify-content:space-between;color:#6e7781;font-size:11px;margin:.15rem 0 .4rem}
.rates td,.rates th{padding:.2rem .4rem;font-size:13px;white-space:nowrap}.rates thead th{text-align:right}.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.bad{color:#cf222e}
.strip{display:block}.hour{width:240px}.pager{color:#57606a}
@media (max-width:600px){.wide{display:none}.hour{width:auto}.strip{width:100%;min-width:120px;height:14px}main{padding:.8rem}h1{font-size:1.2rem}td,th{padding:.3rem .5rem}dl{grid-template-columns:1fr}dt{margin-top:.4rem}}
</style></head><body>
<main id="status">
<header class="top"><h1>Vigil · ${esc(s.botName)} <span class="badge overall" style="background:${STATE_COLOR[s.overall.state] ?? "#6e7781"}">${esc(s.overall.state)}</span>${s.draining ? " (draining)" : ""}</h1>
${reasons ? `<ul id="reasons">${reasons}</ul>` : ""}</header>
<dl>
<dt>Version</dt><dd>${esc(s.version)}</dd>
<dt>Uptime</dt><dd>${formatDurationMs(Math.round(s.uptimeMs))}</dd>
<dt>Config</dt><dd>v${s.configVersion.version}: ${esc(s.configVersion.description)}${s.configVersion.path ? ` (${esc(s.configVersion.path)})` : ""}, applied ${new Date(s.configVersion.appliedAt).toISOString()} (${esc(s.configVersion.source)})</dd>${
    s.configError
      ? `\n<dt>Config rejected</dt><dd class="config-error">${new Date(s.configError.time).toISOString()} (${esc(s.configError.source)}); v${s.configVersion.version} kept running:<pre>${esc(s.configError.message)}</pre></dd>`
      : ""
  }
<dt>Data dir</dt><dd>${esc(s.dataDir)} (${formatBytes(s.dataDirBytes)})</dd>
<dt>Memory</dt><dd>${formatBytes(s.process.rssBytes)} RSS${s.process.memoryLimitBytes === null ? "" : ` of a ${formatBytes(s.process.memoryLimitBytes)} limit`}${s.process.shedding ? " — <strong>shedding load</strong> (new publishes and metric points refused)" : ""}</dd>
<dt>Log file</dt><dd>${esc(s.logWriter.file)}: ${s.logWriter.records} records, ${s.logWriter.dropped} dropped${s.logWriter.lastError ? `, last error ${esc(s.logWriter.lastError)}` : ""}</dd>
<dt>Cleaner</dt><dd>${s.cleaner ? `last run ${new Date(s.cleaner.startedAt).toISOString()}: ${s.cleaner.filesDeleted} files, ${formatBytes(s.cleaner.bytesFreed)}${s.cleaner.dryRun ? " (dry run)" : ""}${s.cleaner.errors.length ? `, ${s.cleaner.errors.length} errors` : ""}` : "not run yet"}</dd>
<dt>Metrics</dt><dd>${s.metrics.instruments} instruments, ${s.metrics.series} series, ${s.metrics.accepted} points accepted, ${s.metrics.rejected} rejected</dd>
</dl>
<h2>Firing alerts</h2>
${pager("firing alerts", s.firingAlerts.length, s.page.firingAlerts, s.page)}
<div class="scroll"><table id="alerts"><thead><tr><th>Rule</th><th>Severity</th><th>Labels</th><th>Summary</th><th>Value</th><th>Since</th><th></th><th>Fingerprint</th></tr></thead>
<tbody>
${alerts || '<tr><td colspan="8">No alert is firing.</td></tr>'}
</tbody></table></div>
<h2>Recent changes</h2>
<div class="scroll"><table id="changes"><thead><tr><th>Time</th><th>Kind</th><th>Subject</th><th>Now</th><th>Detail</th></tr></thead>
<tbody>
${changes || '<tr><td colspan="5">No state change yet.</td></tr>'}
</tbody></table></div>
<h2>Components</h2>
${pager("components", s.components.length, s.page.components, s.page)}
<div class="scroll"><table id="components"><thead><tr><th>Name</th><th>State</th><th class="wide">Health</th><th>Last beat</th><th class="wide">Beats</th><th class="wide">Expected</th><th class="wide">Last error / message</th><th class="hour">Last hour</th></tr></thead>
<tbody>
${rows || (s.page.components > 0 ? '<tr><td colspan="8">None on this page.</td></tr>' : '<tr><td colspan="8">No component has registered yet.</td></tr>')}
</tbody></table></div>
<h2>Destinations</h2>
${pager("destinations", s.destinations.length, s.page.destinations, s.page)}
${traffic ? `<div id="traffic" class="cards">\n${traffic}\n</div>` : ""}
<div class="scroll"><table id="destinations"><thead><tr><th>Name</th><th>Kind</th><th>State</th><th>Queued</th><th>In flight</th><th>Delivered</th><th>Failed</th><th>Dead letters</th><th>Last fault</th></tr></thead>
<tbody>
${destinations || '<tr><td colspan="9">No destination is configured (router.destinations).</td></tr>'}
</tbody></table></div>
${
  spool
    ? `<h2>OTLP spool</h2>
<div class="scroll"><table id="spool"><thead><tr><th>Signal</th><th>Export</th><th>Waiting</th><th>Oldest</th><th>Exported</th><th>Failed</th><th>Dropped</th><th>Last error</th></tr></thead>
<tbody>
${spool}
</tbody></table></div>`
    : ""
}
<h2>Scheduled tasks</h2>
<div class="scroll"><table id="tasks"><thead><tr><th>Task</th><th>Every</th><th>Runs</th><th>Last duration</th><th>Last error</th></tr></thead>
<tbody>
${tasks}
</tbody></table></div>
<p><a href="/metrics">/metrics</a> · <a href="/status.json">/status.json</a> · <a href="/readyz">/readyz</a> · <span id="refreshed">refreshes every 5 s</span></p>
</main>
<script>${LIVE}</script>
</body></html>
`;
}
