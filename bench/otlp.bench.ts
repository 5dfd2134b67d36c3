/**
 * OTLP spool benchmark: a bot's OTLP/HTTP protobuf span exports through Vigil (receiver → spool.db →
 * forwarded to the collector) beside the same bot exporting straight to the collector, in one run.
 *
 *   npm run bench:otlp
 *   BENCH_ROUNDS=3 BENCH_REQUESTS=3000 npm run bench:otlp
 *   BENCH_VIGIL_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" …   profile Vigil
 *   BENCH_DEBUG=1 …   the slowest latency requests and when they were sent
 *
 * The collector (bench/otlp-collector.ts) is a small HTTP server in a process of its own, as a collector
 * is never in the bot's process; it answers 200 and notes when each request arrived. Phases, each for
 * both paths, in alternating rounds (each measure keeps its best round): an SDK bot (BatchSpanProcessor
 * and the stock protobuf exporter) making spans as fast as it can; pre-made 512-span requests (the SDK's
 * own serializer) replayed 8 in flight; latency from send to arrival at a fixed 1,000 spans/s in 50-span
 * requests. Vigil runs as `npm start` runs it (dist/, production Node flags), `telemetry.spool.sync:
 * normal` (its default).
 */
import { fork } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { BENCH_VIGIL_FLAGS, freePort, rssMiB, spawnVigilDist, stop } from "./processes.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 30);
/** Rounds of both paths, alternating; each measure keeps its best round (this machine is noisy). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const BATCH = 512;
const LATENCY_BATCH = 50;
const RATE = 1000; // spans/s in the latency phase
const WINDOW = 8;
/** How long the SDK bot makes spans. */
const BOT_SECONDS = Number(process.env.BENCH_BOT_SECONDS ?? 5);
const BOT_SPAN_NAME = "bot-span;";

/** `count` spans made by the SDK, the first one named `name` (a marker the collector finds in the bytes). */
function spans(count: number, name: string): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "bench-bot", "k8s.pod.name": "bench-0" }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer("bench");
  for (let i = 0; i < count; i++) {
    const s = tracer.startSpan(i === 0 ? name : `handle message ${i}`, {
      attributes: { "messaging.system": "telegram", "bot.chat_id": `chat-${i % 97}`, "bot.seq": i },
    });
    s.end();
  }
  return memory.getFinishedSpans();
}

function request_(agent: Agent, url: URL, body: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/x-protobuf", "content-length": body.length },
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The collector (bench/otlp-collector.ts), in its own process; its counts mirrored here. */
async function collector(): Promise<{
  url: string;
  arrived: Map<string, number>;
  bytes: () => number;
  /** Spans of the SDK bot received so far, and when the last one came (epoch ms). */
  botSpans: () => { count: number; last: number };
  close(): Promise<void>;
}> {
  const arrived = new Map<string, number>();
  let counts = { bytes: 0, botSpans: 0, botLast: 0 };
  const child = fork(join(ROOT, "bench/otlp-collector.ts"), [BOT_SPAN_NAME], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.on("message", (m: { port?: number; marks?: string[]; at?: number; bytes?: number }) => {
      if (m.port !== undefined) resolve(m.port);
      else if (m.marks) for (const k of m.marks) arrived.set(k, m.at as number);
      else counts = m as typeof counts;
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    arrived,
    bytes: () => counts.bytes,
    botSpans: () => ({ count: counts.botSpans, last: counts.botLast }),
    close: () => stop(child),
  };
}

/** Epoch milliseconds with sub-millisecond resolution: the collector's process reads the same clock. */
const epochNow = () => performance.timeOrigin + performance.now();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/**
 * A bot as it runs: the OpenTelemetry JS SDK's BatchSpanProcessor with its defaults (a 2,048-span
 * queue, 512-span batches, one export at a time, as it always works) and its stock OTLP/HTTP protobuf
 * exporter. The bot makes spans as fast as it can for BOT_SECONDS (yielding to its event loop every 100
 * spans, as a bot handling messages does); what the processor cannot send in time it drops, as it
 * would in a real bot. Spans/s that reach the collector, from the first span until the last arrives.
 */
async function sdkBot(url: string, sink: Awaited<ReturnType<typeof collector>>): Promise<number> {
  const exporter = new OTLPTraceExporter({ url });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "bench-bot", "k8s.pod.name": "bench-0" }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 100 })],
  });
  const tracer = provider.getTracer("bench");
  const before = sink.botSpans().count;
  const t0 = epochNow();
  for (let i = 0; epochNow() - t0 < BOT_SECONDS * 1000; i++) {
    const span = tracer.startSpan(BOT_SPAN_NAME, {
      attributes: { "messaging.system": "telegram", "bot.chat_id": `chat-${i % 97}`, "bot.seq": i },
    });
    span.end();
    if (i % 100 === 99) await new Promise((r) => setImmediate(r));
  }
  // The export in flight and the processor's last batches arrive; then nothing more comes.
  let seen = -1;
  while (sink.botSpans().count !== seen) {
    seen = sink.botSpans().count;
    await new Promise((r) => setTimeout(r, 500));
  }
  const got = sink.botSpans();
  await provider.shutdown();
  return (got.count - before) / ((got.last - t0) / 1000);
}

interface Result {
  botSpansPerSecond: number;
  spansPerSecond: number;
  p50: number;
  p99: number;
  rssMiB: number;
}

async function run(target: URL, sink: Awaited<ReturnType<typeof collector>>, pid?: number): Promise<Result> {
  const botSpansPerSecond = await sdkBot(target.href, sink);
  const agent = new Agent({ keepAlive: true, maxSockets: WINDOW });
  const body = ProtobufTraceSerializer.serializeRequest(spans(BATCH, "bulk")) as Uint8Array;
  // Warm up both paths.
  for (let i = 0; i < 20; i++) await request_(agent, target, body);
  const until = performance.now() + 30_000;
  while (sink.bytes() < 20 * body.length && performance.now() < until)
    await new Promise((r) => setTimeout(r, 10));

  // Throughput: REQUESTS requests, WINDOW in flight, until the collector has them all.
  const before = sink.bytes();
  const t0 = performance.now();
  let sent = 0;
  await Promise.all(
    Array.from({ length: WINDOW }, async () => {
      while (sent < REQUESTS) {
        sent++;
        await request_(agent, target, body);
      }
    }),
  );
  while (sink.bytes() - before < REQUESTS * body.length) await new Promise((r) => setTimeout(r, 2));
  const seconds = (performance.now() - t0) / 1000;
  const rss = pid ? await rssMiB(pid) : 0;

  // Both paths settle (Vigil deletes what it forwarded) before the latency phase.
  await new Promise((r) => setTimeout(r, 2000));

  // Latency at RATE spans/s: LATENCY_BATCH-span requests, each marked, send → arrival at the collector.
  const perSecond = RATE / LATENCY_BATCH;
  const n = Math.round(perSecond * LATENCY_SECONDS);
  const marked = Array.from(
    { length: n },
    (_, i) => ProtobufTraceSerializer.serializeRequest(spans(LATENCY_BATCH, `mark-${i};`)) as Uint8Array,
  );
  const sentAt = new Map<string, number>();
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sentAt.set(`mark-${i};`, epochNow());
    void request_(agent, target, marked[i] as Uint8Array);
  }
  const end = performance.now() + 30_000;
  while (sink.arrived.size < n && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
  if (process.env.BENCH_DEBUG) {
    // The slowest requests and when they were sent: a period among them points at a timer.
    const slowest = [...sentAt]
      .map(([k, t]) => ({
        at: (t - start - performance.timeOrigin) / 1000,
        ms: (sink.arrived.get(k) ?? Number.NaN) - t,
      }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 12);
    console.error(
      `${pid ? "vigil" : "direct"}: ${sink.arrived.size} of ${n} arrived; slowest:`,
      slowest.map((x) => `${x.ms.toFixed(2)} ms @${x.at.toFixed(2)} s`).join(", "),
    );
  }
  const lat = [...sentAt]
    .map(([k, t]) => (sink.arrived.get(k) ?? Number.POSITIVE_INFINITY) - t)
    .sort((a, b) => a - b);
  sink.arrived.clear();
  agent.destroy();
  return {
    botSpansPerSecond,
    spansPerSecond: (REQUESTS * BATCH) / seconds,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    rssMiB: rss,
  };
}

async function viaVigil(): Promise<Result> {
  const sink = await collector();
  const dir = await mkdtemp(join(tmpdir(), "vigil-bench-otlp-"));
  const port = await freePort();
  const config = join(dir, "vigil.yaml");
  await writeFile(
    config,
    `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(join(dir, "data"))}\ntelemetry:\n  otlp: { endpoint: "${sink.url}", export_interval: 1h }\n  receiver: { http: { address: "127.0.0.1:${port}" }, grpc: { enabled: false } }\n  spool: { max_bytes: 2GiB }\n`,
  );
  const child = spawnVigilDist(config, { flags: BENCH_VIGIL_FLAGS });
  try {
    const url = new URL(`http://127.0.0.1:${port}/v1/traces`);
    for (let i = 0; ; i++) {
      try {
        await fetch(`http://127.0.0.1:${port}/`);
        break;
      } catch (e) {
        if (i > 200) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return await run(url, sink, child.pid);
  } finally {
    await stop(child);
    await sink.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function direct(): Promise<Result> {
  const sink = await collector();
  try {
    return await run(new URL(`${sink.url}/v1/traces`), sink);
  } finally {
    await sink.close();
  }
}

function best(results: Result[]): Result {
  return {
    botSpansPerSecond: Math.max(...results.map((r) => r.botSpansPerSecond)),
    spansPerSecond: Math.max(...results.map((r) => r.spansPerSecond)),
    p50: Math.min(...results.map((r) => r.p50)),
    p99: Math.min(...results.map((r) => r.p99)),
    rssMiB: Math.max(...results.map((r) => r.rssMiB)),
  };
}

const directRounds: Result[] = [];
const vigilRounds: Result[] = [];
for (let i = 0; i < ROUNDS; i++) {
  directRounds.push(await direct());
  vigilRounds.push(await viaVigil());
}
const d = best(directRounds);
const v = best(vigilRounds);
const rows: Array<[string, string, string, string, string]> = [
  ["measure", "Vigil (spooled)", "direct", "ratio", "target"],
  [
    "spans/s, SDK bot (BatchSpanProcessor)",
    Math.round(v.botSpansPerSecond).toLocaleString("en"),
    Math.round(d.botSpansPerSecond).toLocaleString("en"),
    `${Math.round((v.botSpansPerSecond / d.botSpansPerSecond) * 100)} %`,
    ">= 50 %",
  ],
  [
    "spans/s, replayed requests (8 in flight)",
    Math.round(v.spansPerSecond).toLocaleString("en"),
    Math.round(d.spansPerSecond).toLocaleString("en"),
    `${Math.round((v.spansPerSecond / d.spansPerSecond) * 100)} %`,
    "",
  ],
  [
    "latency p50 @1000 spans/s (ms)",
    v.p50.toFixed(2),
    d.p50.toFixed(2),
    `${(v.p50 / d.p50).toFixed(2)} x`,
    "",
  ],
  [
    "latency p99 @1000 spans/s (ms)",
    v.p99.toFixed(2),
    d.p99.toFixed(2),
    `${(v.p99 / d.p99).toFixed(2)} x`,
    "<= 2 x",
  ],
  ["Vigil RSS after the throughput phase (MiB)", v.rssMiB.toFixed(1), "", "", ""],
];
console.log(
  `otlp spool benchmark (best of ${ROUNDS} alternating rounds): SDK bot for ${BOT_SECONDS} s; ${REQUESTS} replayed requests of ${BATCH} spans (${WINDOW} in flight); latency ${LATENCY_SECONDS} s at ${RATE} spans/s in ${LATENCY_BATCH}-span requests`,
);
const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
for (const r of rows) console.log(r.map((c, i) => c.padEnd((widths[i] ?? 0) + 2)).join(""));
