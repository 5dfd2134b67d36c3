/**
 * Log writer benchmark: Vigil's LogWriter beside plain pino writing the same
 * records to a file, in pino's two modes, each in its own process.
 *
 *   node --import tsx bench/log-writer.bench.ts          (BENCH_RECORDS=2000000 by default)
 *
 * The producer logs in chunks of 1,000 records and yields to the event loop
 * between chunks, as a sidecar serving gRPC would. Reported: records/s (time
 * until everything is on disk), records dropped, event-loop delay p99 while
 * writing, and RSS growth from the 100,000th record to the end.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pino from "pino";

const RECORDS = Number(process.env.BENCH_RECORDS ?? 2_000_000);
/** The node flags of `npm start`, read from package.json. */
const NODE_FLAGS: string[] =
  (
    JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      scripts: { start: string };
    }
  ).scripts.start.match(/--[\w-]+=\S+/g) ?? [];
const CHUNK = 1000;
type Mode = "vigil" | "pino-sync" | "pino-async";

interface Result {
  mode: Mode;
  perSecond: number;
  dropped: number;
  loopP99Ms: number;
  rssGrowthMiB: number;
  fileBytes: number;
  /** QueryLogs scan speed over the written file (Vigil only), MB/s. */
  scanMBps: number | null;
}

async function child(mode: Mode, dir: string): Promise<Result> {
  const { ManualClock } = await import("../src/util/clock.js");
  let destination: pino.DestinationStream & { flushSync?: () => void; end?: () => void };
  let finish: () => Promise<void>;
  let dropped = () => 0;
  const file = join(dir, "logs", "vigil.jsonl");
  if (mode === "vigil") {
    const { LogWriter } = await import("../src/logs/log-writer.js");
    const { parseConfigText } = await import("../src/config/load.js");
    const { MeterProvider } = await import("@opentelemetry/sdk-metrics");
    // Rotation off for the measurement (max_bytes above what the run writes); Vigil's default buffer.
    const config = parseConfigText(
      'logs: { rotate: { max_bytes: "100GiB", daily: false } }\n',
      "bench",
      null,
      {},
    ).config.logs;
    const writer = new LogWriter({
      dataDir: dir,
      config,
      clock: new ManualClock(Date.now()),
      meter: new MeterProvider().getMeter("bench"),
    });
    await writer.start();
    destination = writer;
    finish = () => writer.stop();
    dropped = () => writer.stats().dropped;
  } else {
    const sync = mode === "pino-sync";
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "logs"), { recursive: true });
    const dest = pino.destination(
      sync ? { dest: file, sync: true, minLength: 4096 } : { dest: file, sync: false },
    );
    await new Promise((r) => dest.once("ready", r));
    destination = dest;
    finish = () =>
      new Promise<void>((resolve) => {
        dest.once("close", () => resolve());
        dest.end();
      });
  }
  const logger = pino({ base: { service: "vigil" }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let rssAt100k = 0;
  const t0 = performance.now();
  for (let i = 0; i < RECORDS; i += CHUNK) {
    for (let j = 0; j < CHUNK; j++) {
      logger.info(
        { component: "heartbeats", component_name: "worker-7", from: "UP", to: "LATE", n: i + j },
        "component late",
      );
    }
    if (i === 100_000) rssAt100k = process.memoryUsage().rss;
    await new Promise((r) => setImmediate(r));
  }
  await finish();
  const seconds = (performance.now() - t0) / 1000;
  loop.disable();
  const rssEnd = process.memoryUsage().rss;
  let scanMBps: number | null = null;
  if (mode === "vigil") {
    // A query that matches nothing reads every line: the scan speed of QueryLogs.
    const { queryLogs } = await import("../src/logs/log-query.js");
    const q = {
      from: null,
      to: null,
      minLevel: 0,
      contains: "no such text",
      component: "",
      limit: 1,
      newestFirst: false,
    };
    const s0 = performance.now();
    for await (const _ of queryLogs(join(dir, "logs"), q)) break;
    scanMBps = (await stat(file)).size / 1e6 / ((performance.now() - s0) / 1000);
  }
  return {
    mode,
    scanMBps,
    // Only what reached the file counts: a writer does not get faster by dropping.
    perSecond: (RECORDS - dropped()) / seconds,
    dropped: dropped(),
    loopP99Ms: loop.percentile(99) / 1e6,
    rssGrowthMiB: (rssEnd - rssAt100k) / 1048576,
    fileBytes: (await stat(file)).size,
  };
}

async function runChild(mode: Mode): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), "vigil-logbench-"));
  try {
    const out = await new Promise<string>((resolve, reject) => {
      // Vigil's writer runs with the node flags Vigil runs with (npm start).
      const flags = mode === "vigil" ? NODE_FLAGS : [];
      const args = [...flags, "--import", "tsx", fileURLToPath(import.meta.url), "--child", mode, dir];
      const p = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
      let text = "";
      p.stdout.on("data", (d: Buffer) => {
        text += d.toString();
      });
      p.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`${mode} exited ${code}`))));
    });
    return JSON.parse(out) as Result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (process.argv[2] === "--child") {
    process.stdout.write(JSON.stringify(await child(process.argv[3] as Mode, process.argv[4] as string)));
    return;
  }
  process.stdout.write(
    `log writer benchmark: ${RECORDS.toLocaleString("en-US")} records, chunks of ${CHUNK}\n`,
  );
  const results: Result[] = [];
  for (const mode of ["pino-sync", "pino-async", "vigil"] as const) results.push(await runChild(mode));
  const sync = results[0] as Result;
  const rows = [
    ["writer", "written/s", "vs pino sync", "dropped", "loop p99 ms", "RSS growth MiB", "file MiB"],
  ];
  for (const r of results) {
    rows.push([
      r.mode,
      Math.round(r.perSecond).toLocaleString("en-US"),
      `${Math.round((r.perSecond / sync.perSecond) * 100)} %`,
      r.dropped.toLocaleString("en-US"),
      r.loopP99Ms.toFixed(1),
      r.rssGrowthMiB.toFixed(1),
      (r.fileBytes / 1048576).toFixed(0),
    ]);
  }
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")}\n`);
  const scan = results.find((r) => r.scanMBps !== null)?.scanMBps ?? 0;
  process.stdout.write(`QueryLogs scan of the written file: ${scan.toFixed(0)} MB/s\n`);
  process.stdout.write(
    "targets: vigil >= 85 % of pino sync, loop p99 <= 20 ms, RSS growth <= 20 MiB, scan >= 200 MB/s\n",
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${String(e)}\n`);
  process.exit(1);
});
