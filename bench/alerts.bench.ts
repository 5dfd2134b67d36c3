/**
 * Alert evaluation benchmark: Vigil (built, as `npm start` runs it) ingesting
 * 10,000 live series (100 metrics × 100 series, one point per series per
 * second), once with no rules (the baseline) and once with 1,000 threshold
 * rules evaluated every second, in this one run. Reported: the sidecar's CPU in
 * each phase, the CPU the rules add, and the time of one evaluation cycle (the
 * scheduler's own measure of the `alert-evaluation` task).
 *
 *   npm run build && node --import tsx bench/alerts.bench.ts
 *   BENCH_SECONDS=30 BENCH_WARMUP_SECONDS=310 BENCH_RULES=1000   (defaults; about 7 minutes)
 *
 * Target (issue): one cycle ≤ 50 ms, added CPU ≤ 10 % (of one core).
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, createVigilClient } from "../src/client/client.js";
import type { GetStatusResponse__Output } from "../src/generated/vigil/v1/GetStatusResponse.js";
import { BENCH_VIGIL_FLAGS, cpuSeconds, freePort, rssMiB, spawnVigilDist, stop } from "./processes.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
/** The rules phase measures once the 5-minute windows are full (steady state); the baseline after 10 s. */
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 310);
const RULES = Number(process.env.BENCH_RULES ?? 1000);
const METRICS = 100;
const SERIES_PER_METRIC = 100;
const BATCH = 500;

type Kind = "METRIC_KIND_GAUGE" | "METRIC_KIND_COUNTER" | "METRIC_KIND_HISTOGRAM";
const kindOf = (m: number): Kind =>
  m < 50 ? "METRIC_KIND_GAUGE" : m < 80 ? "METRIC_KIND_COUNTER" : "METRIC_KIND_HISTOGRAM";
const AGGREGATES: Record<Kind, string[]> = {
  METRIC_KIND_GAUGE: ["last", "avg", "min", "max", "rate"],
  METRIC_KIND_COUNTER: ["rate", "sum", "last", "count"],
  METRIC_KIND_HISTOGRAM: ["p99", "p50", "avg", "count", "max"],
};

/**
 * 1,000 rules over the 100 metrics: mixed aggregates and windows. Every 97th
 * rule holds for the top tenth of its metric's series (about 100 alerts fire
 * and stay firing); the rest hold for none.
 */
function rulesYaml(n: number): string {
  if (n === 0) return "";
  const lines = ["  rules:"];
  for (let i = 0; i < n; i++) {
    const m = i % METRICS;
    const kind = kindOf(m);
    const aggs = AGGREGATES[kind];
    const agg = aggs[Math.floor(i / METRICS) % aggs.length] as string;
    const window = i % 3 === 0 ? "5m" : "1m";
    const match = i % 4 === 0 ? `, match: { zone: z${i % 5} }` : "";
    // Series s records about s (gauges) or 10·s (histograms), counters 1 per second: thresholds above
    // every series, except for every 97th rule, which holds for the series 90 to 99.
    const value = i % 97 === 0 ? (kind === "METRIC_KIND_HISTOGRAM" ? 900 : 90) : 1e9;
    lines.push(
      `    - { name: r${i}, kind: threshold, metric: bench.m${m}, aggregate: ${agg}, window: ${window}${match}, op: ">", value: ${value}, for: 10s, annotations: { summary: "{{ labels.instance }} at {{ value }}" } }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

interface PhaseResult {
  name: string;
  cpuPercent: number;
  cycles: number[];
  rssMiB: number;
  firing: number;
  points: number;
}

async function phase(name: string, rules: number, warmupSeconds: number): Promise<PhaseResult> {
  const dir = await mkdtemp(join(tmpdir(), "vigil-bench-alerts-"));
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const config = join(dir, "vigil.yaml");
  await writeFile(
    config,
    `server: { grpc: { address: "127.0.0.1:${grpcPort}" }, http: { address: "127.0.0.1:${httpPort}" } }
data_dir: ${JSON.stringify(join(dir, "data"))}
logs: { level: warn }
metrics: { cardinality_limit: 2000 }
alerts:
  evaluation_interval: 1s
${rulesYaml(rules)}`,
  );
  // BENCH_VIGIL_FLAGS (profiling) apply to the rules phase's sidecar only.
  const child: ChildProcess = spawnVigilDist(config, { flags: rules > 0 ? BENCH_VIGIL_FLAGS : [] });
  const client = createVigilClient(`127.0.0.1:${grpcPort}`);
  try {
    const until = Date.now() + 20_000;
    for (;;) {
      try {
        await call(client.admin.GetStatus.bind(client.admin), {});
        break;
      } catch (e) {
        if (Date.now() > until) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // The load: every series gets one point per second, in batches of 500.
    const batches: Array<{ points: unknown[] }> = [];
    let points: unknown[] = [];
    for (let m = 0; m < METRICS; m++)
      for (let s = 0; s < SERIES_PER_METRIC; s++) {
        points.push({
          name: `bench.m${m}`,
          kind: kindOf(m),
          value: 0,
          attributes: { instance: `i${s}`, zone: `z${s % 5}` },
          // The series' index, to give each series its own level (not sent: not a MetricPoint field).
          s,
        });
        if (points.length === BATCH) {
          batches.push({ points });
          points = [];
        }
      }
    let sent = 0;
    let running = true;
    const load = (async () => {
      while (running) {
        const t0 = Date.now();
        for (const b of batches) {
          for (const p of b.points as Array<{ kind: Kind; value: number }>)
            p.value =
              p.kind === "METRIC_KIND_COUNTER"
                ? 1
                : p.kind === "METRIC_KIND_GAUGE"
                  ? Math.random() * 100
                  : Math.random() * 1000;
          await call(client.metrics.Record.bind(client.metrics), b);
          sent += b.points.length;
        }
        await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - t0))));
      }
    })();
    await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
    const pid = child.pid as number;
    const cpu0 = await cpuSeconds(pid);
    const t0 = Date.now();
    const sent0 = sent;
    const cycles: number[] = [];
    let lastRuns = -1;
    while (Date.now() - t0 < SECONDS * 1000) {
      await new Promise((r) => setTimeout(r, 250));
      const st = await call<unknown, GetStatusResponse__Output>(
        client.admin.GetStatus.bind(client.admin),
        {},
      );
      const task = st.tasks.find((t) => t.name === "alert-evaluation");
      const runs = Number(task?.runs ?? 0);
      if (task && runs !== lastRuns && lastRuns !== -1)
        cycles.push(Number(task.last_duration?.seconds ?? 0) * 1000 + (task.last_duration?.nanos ?? 0) / 1e6);
      lastRuns = runs;
    }
    const elapsed = (Date.now() - t0) / 1000;
    const cpu = (((await cpuSeconds(pid)) - cpu0) / elapsed) * 100;
    const st = await call<unknown, GetStatusResponse__Output>(client.admin.GetStatus.bind(client.admin), {});
    const rss = await rssMiB(pid);
    running = false;
    await load;
    return {
      name,
      cpuPercent: cpu,
      cycles,
      rssMiB: rss,
      firing: st.firing_alerts.length,
      points: (sent - sent0) / elapsed,
    };
  } finally {
    client.close();
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  }
}

const pct = (xs: number[], q: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number;
};

const base = await phase("no rules (baseline)", 0, Math.min(WARMUP, 10));
const withRules = await phase(`${RULES} rules`, RULES, WARMUP);
const rows = [base, withRules];
console.log(
  `\nalert evaluation: ${METRICS * SERIES_PER_METRIC} series, 1 point/series/s, evaluation every 1 s, ${SECONDS} s measured (rules: after ${WARMUP} s, windows full)\n`,
);
console.log(
  "| phase | points/s | CPU % of a core | cycle p50 ms | cycle p99 ms | cycle max ms | firing | RSS MiB |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const r of rows)
  console.log(
    `| ${r.name} | ${r.points.toFixed(0)} | ${r.cpuPercent.toFixed(1)} | ${pct(r.cycles, 0.5).toFixed(2)} | ${pct(r.cycles, 0.99).toFixed(2)} | ${Math.max(...r.cycles, 0).toFixed(2)} | ${r.firing} | ${r.rssMiB.toFixed(1)} |`,
  );
const added = withRules.cpuPercent - base.cpuPercent;
console.log(
  `\nadded CPU: ${added.toFixed(1)} % of a core (ratio ${(withRules.cpuPercent / Math.max(base.cpuPercent, 0.1)).toFixed(2)}x the baseline); target ≤ 10 %: ${added <= 10 ? "met" : "NOT met"}`,
);
console.log(
  `cycle p99: ${pct(withRules.cycles, 0.99).toFixed(2)} ms; target ≤ 50 ms: ${pct(withRules.cycles, 0.99) <= 50 ? "met" : "NOT met"}`,
);
