/**
 * Ingest benchmark: Vigil (built, as `npm start` runs it) beside a bare grpc-js
 * server that only decodes the same messages, both measured in this one run.
 *
 *   npm run bench                      (BENCH_SECONDS=10 by default)
 *
 * The load generator sends pre-encoded bytes, so client-side encoding costs the
 * same nothing for both targets and the ratio reflects the servers.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client, credentials, type ServiceError } from "@grpc/grpc-js";
import { loadVigilProto } from "../src/proto.js";
import { freePort, NODE_FLAGS, rssMiB, spawnVigilDist, stop } from "./processes.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONCURRENCY = 64;
const BATCH = 500;
const STREAMS = 4;
const FIXED_RATE = 1000;
const identity = (b: Buffer) => b;

const { definition } = loadVigilProto();
type MethodDef = { requestSerialize(v: unknown): Buffer };
const method = (service: string, name: string) =>
  (definition[`vigil.v1.${service}`] as unknown as Record<string, MethodDef>)[name] as MethodDef;

const BEAT = method("HeartbeatService", "Beat").requestSerialize({
  component: "bench-worker",
  interval: { seconds: 30 },
  attributes: { pod: "bench-0" },
});
const BATCH_BYTES = method("MetricsService", "RecordStream").requestSerialize({
  points: Array.from({ length: BATCH }, (_, i) => ({
    name: "bench.requests",
    kind: "METRIC_KIND_COUNTER",
    value: 1,
    attributes: { route: `/r${i % 10}`, status: i % 7 === 0 ? "500" : "200", region: "eu-west" },
  })),
});

interface Target {
  name: string;
  child: ChildProcess;
  address: string;
  readyMs: number;
  cleanup: () => Promise<void>;
}

function rawClient(address: string): Client {
  return new Client(address, credentials.createInsecure(), {
    "grpc.max_send_message_length": 16 * 1024 * 1024,
  });
}

function unary(client: Client, path: string, body: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(path, identity, identity, body, (e: ServiceError | null, r?: Buffer) =>
      e ? reject(e) : resolve(r as Buffer),
    );
  });
}

/** Polls grpc.health.v1 Check until SERVING; returns ms since `t0`. */
async function waitServing(address: string, t0: number): Promise<number> {
  const client = rawClient(address);
  try {
    for (;;) {
      try {
        const r = await unary(client, "/grpc.health.v1.Health/Check", Buffer.alloc(0));
        if (r.length >= 2 && r[0] === 8 && r[1] === 1) return performance.now() - t0;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    client.close();
  }
}

async function startVigil(): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), "vigil-bench-"));
  const port = await freePort();
  const config = join(dir, "vigil.yaml");
  await writeFile(
    config,
    `server:\n  grpc: { address: "127.0.0.1:${port}" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(join(dir, "data"))}\n`,
  );
  const t0 = performance.now();
  const child = spawnVigilDist(config);
  const address = `127.0.0.1:${port}`;
  const readyMs = await waitServing(address, t0);
  return {
    name: "vigil",
    child,
    address,
    readyMs,
    cleanup: async () => {
      await stop(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function startBare(): Promise<Target> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(ROOT, "bench/bare-server.ts"), `127.0.0.1:${port}`],
    {
      stdio: ["ignore", "ignore", "inherit"],
      cwd: ROOT,
    },
  );
  const address = `127.0.0.1:${port}`;
  const readyMs = await waitServing(address, t0);
  return { name: "bare grpc-js", child, address, readyMs, cleanup: () => stop(child) };
}

/** Samples the child's RSS while `work` runs; returns the peak. */
async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<[T, number]> {
  let peak = await rssMiB(pid);
  const timer = setInterval(() => {
    rssMiB(pid).then(
      (r) => {
        peak = Math.max(peak, r);
      },
      () => {},
    );
  }, 100);
  try {
    return [await work(), peak];
  } finally {
    clearInterval(timer);
  }
}

async function unaryThroughput(address: string): Promise<number> {
  const client = rawClient(address);
  const end = performance.now() + SECONDS * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < end) {
      await unary(client, "/vigil.v1.HeartbeatService/Beat", BEAT);
      done++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const rate = done / ((performance.now() - t0) / 1000);
  client.close();
  return rate;
}

/**
 * STREAMS client streams at once: with one stream the server's 64 KiB HTTP/2
 * receive window (about two batches) makes the result a measure of round
 * trips rather than of how fast the server decodes and records.
 */
async function streamThroughput(address: string): Promise<number> {
  const client = rawClient(address);
  const t0 = performance.now();
  const end = t0 + SECONDS * 1000;
  let sent = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const stream = client.makeClientStreamRequest(
        "/vigil.v1.MetricsService/RecordStream",
        identity,
        identity,
        (e: ServiceError | null) => (e ? reject(e) : resolve()),
      );
      const pump = () => {
        while (performance.now() < end) {
          sent += BATCH;
          if (!stream.write(BATCH_BYTES)) {
            stream.once("drain", pump);
            return;
          }
        }
        stream.end();
      };
      pump();
    });
  await Promise.all(Array.from({ length: STREAMS }, one));
  const rate = sent / ((performance.now() - t0) / 1000);
  client.close();
  return rate;
}

async function fixedRateLatency(address: string): Promise<{ p50: number; p99: number }> {
  const client = rawClient(address);
  await unary(client, "/vigil.v1.HeartbeatService/Beat", BEAT);
  const latencies: number[] = [];
  const total = FIXED_RATE * SECONDS;
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / FIXED_RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const start = performance.now();
    pending.push(
      unary(client, "/vigil.v1.HeartbeatService/Beat", BEAT).then(() => {
        latencies.push(performance.now() - start);
      }),
    );
  }
  await Promise.all(pending);
  client.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return { p50: pct(50), p99: pct(99) };
}

interface Row {
  name: string;
  readyMs: number;
  idleRss: number;
  loadRss: number;
  beat: number;
  stream: number;
  p50: number;
  p99: number;
}

async function measure(start: () => Promise<Target>): Promise<Row> {
  const t = await start();
  try {
    const pid = t.child.pid as number;
    await new Promise((r) => setTimeout(r, 2000));
    const idleRss = await rssMiB(pid);
    const [[beat, stream, lat], loadRss] = await peakRss(pid, async () => {
      const b = await unaryThroughput(t.address);
      const s = await streamThroughput(t.address);
      const l = await fixedRateLatency(t.address);
      return [b, s, l] as const;
    });
    return { name: t.name, readyMs: t.readyMs, idleRss, loadRss, beat, stream, p50: lat.p50, p99: lat.p99 };
  } finally {
    await t.cleanup();
  }
}

function best(runs: Row[]): Row {
  const min = (f: (r: Row) => number) => Math.min(...runs.map(f));
  const max = (f: (r: Row) => number) => Math.max(...runs.map(f));
  return {
    name: runs[0]?.name ?? "",
    readyMs: min((r) => r.readyMs),
    idleRss: min((r) => r.idleRss),
    loadRss: max((r) => r.loadRss),
    beat: max((r) => r.beat),
    stream: max((r) => r.stream),
    p50: min((r) => r.p50),
    p99: min((r) => r.p99),
  };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
  process.stdout.write(
    `grpc ingest benchmark: ${SECONDS}s per phase, best of ${ROUNDS} alternating rounds, ${CONCURRENCY} concurrent unary calls, ${BATCH}-point batches on ${STREAMS} streams, vigil node flags: ${NODE_FLAGS.join(" ") || "none"}\n`,
  );
  // Alternate the targets and keep each one's best round, so neither pays for
  // running first (cold machine) or for a noisy moment.
  const bareRuns: Row[] = [];
  const vigilRuns: Row[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bareRuns.push(await measure(startBare));
    vigilRuns.push(await measure(startVigil));
  }
  const bare = best(bareRuns);
  const vigil = best(vigilRuns);
  const rows: Array<[string, string, string, string, string]> = [
    ["metric", "vigil", "bare grpc-js", "ratio", "target"],
    [
      "Beat unary calls/s",
      fmt(vigil.beat),
      fmt(bare.beat),
      `${fmt((vigil.beat / bare.beat) * 100)} %`,
      ">= 70 %",
    ],
    [
      "RecordStream points/s",
      fmt(vigil.stream),
      fmt(bare.stream),
      `${fmt((vigil.stream / bare.stream) * 100)} %`,
      ">= 60 %",
    ],
    ["Beat p50 @1000/s (ms)", fmt(vigil.p50, 2), fmt(bare.p50, 2), `${fmt(vigil.p50 / bare.p50, 2)} x`, ""],
    [
      "Beat p99 @1000/s (ms)",
      fmt(vigil.p99, 2),
      fmt(bare.p99, 2),
      `${fmt(vigil.p99 / bare.p99, 2)} x`,
      "<= 1.5 x",
    ],
    ["RSS idle (MiB)", fmt(vigil.idleRss, 1), fmt(bare.idleRss, 1), "", "<= 80 MiB"],
    ["RSS peak under load (MiB)", fmt(vigil.loadRss, 1), fmt(bare.loadRss, 1), "", ""],
    ["start to SERVING (ms)", fmt(vigil.readyMs), "", "", "<= 1500 ms"],
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
  for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${String(e)}\n`);
  process.exit(1);
});
