/**
 * Router benchmark: durable publish → deliver to a `subscriber` destination
 * with 1 KiB payloads, beside NATS JetStream (Debian `nats-server -js`, file
 * storage) doing the same work through the `nats` client, in one run.
 *
 *   npm run bench:router
 *   BENCH_MESSAGES=50000 BENCH_LATENCY_SECONDS=10 BENCH_QUEUED=1000000 npm run bench:router
 *   BENCH_SYNC=normal …            Vigil with router.sync: normal
 *   BENCH_VIGIL_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" …   profile Vigil
 *   BENCH_SKIP_JETSTREAM=1 …       Vigil alone (the ratios are then meaningless)
 *   BENCH_ONLY_E2E=1 BENCH_LATENCY_SECONDS=1 BENCH_QUEUED=0 …   just the end-to-end phase
 *
 * Phases, each for both systems: publish N with acks (a 256-deep window of
 * unacknowledged publishes), consume the N queued with acks, both at once
 * (end to end), latency publish→receive at a fixed 2,000 msg/s, and the
 * server's RSS with BENCH_QUEUED messages queued (buffer bounds raised).
 * The batched rows run the same publish, consume and end-to-end phases through
 * Vigil's TypeScript client (vigil/client) with its adaptive batching:
 * PublishBatch with WINDOW publishes outstanding (as JetStream's async publish
 * window), SubscribeBatches with acks coalesced while an Ack is in flight
 * (as JetStream's `consume()` pulls batches).
 * A last end-to-end run against bench/grpc-floor-server.ts (the same API in
 * bare grpc-js, in memory) gives the transport's own cost per message.
 * Vigil runs as `npm start` runs it (dist/, production Node flags) with
 * `router.sync: full`: every acknowledged publish is fsynced, as JetStream's
 * file store is not by default (it syncs every 2 minutes), so the comparison
 * does not flatter Vigil.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { AckPolicy, connect, DeliverPolicy, type JetStreamClient, type NatsConnection } from "nats";
import { call, createVigilClient, type VigilStubs } from "../src/client/client.js";
import { VigilClient } from "../src/client/vigil-client.js";
import type { Delivery__Output } from "../src/generated/vigil/v1/Delivery.js";
import type { PublishRequest } from "../src/generated/vigil/v1/PublishRequest.js";
import {
  BENCH_VIGIL_FLAGS,
  cpuSeconds,
  freePort,
  NODE_FLAGS,
  rssMiB,
  spawnVigilDist,
  stop,
} from "./processes.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const N = Number(process.env.BENCH_MESSAGES ?? 50_000);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 10);
const QUEUED = Number(process.env.BENCH_QUEUED ?? 1_000_000);
const WINDOW = 256;
/** BENCH_ONLY_E2E=1: only the end-to-end phase (for profiling). */
const ONLY_E2E = process.env.BENCH_ONLY_E2E === "1";
const RATE = 2000;
const PAYLOAD = Buffer.alloc(1024, 0x61);

interface Result {
  publish: number;
  consume: number;
  e2e: number;
  /** The same phases through the batching client (Vigil only; JetStream's client is at its best already). */
  publishBatched: number;
  consumeBatched: number;
  e2eBatched: number;
  p50: number;
  p99: number;
  rssQueuedMiB: number;
  queued: number;
  /** CPU time per message in the end-to-end phase (µs): the server process's, and this client's. */
  serverCpuUs: number;
  clientCpuUs: number;
}

/** Runs the end-to-end phase; its rate and the CPU the server and this client spent per message. */
async function endToEnd(
  serverPid: number,
  run: () => Promise<unknown>,
): Promise<{ e2e: number; serverCpuUs: number; clientCpuUs: number }> {
  const server0 = await cpuSeconds(serverPid);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const e2e = N / ((performance.now() - t0) / 1000);
  const client = process.cpuUsage(client0);
  return {
    e2e,
    serverCpuUs: (((await cpuSeconds(serverPid)) - server0) * 1e6) / N,
    clientCpuUs: (client.user + client.system) / N,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/** Payload with the send time (ms, performance.now()) in its first 8 bytes. */
function stamped(): Buffer {
  const b = Buffer.from(PAYLOAD);
  b.writeDoubleLE(performance.now(), 0);
  return b;
}

// ---------------------------------------------------------------- Vigil

/** Publishes `count` messages over one PublishStream, at most WINDOW unacknowledged. */
function vigilPublish(
  client: VigilStubs,
  count: number,
  make: () => PublishRequest = () => ({ topic: "bench.orders", payload: PAYLOAD }),
): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.router.PublishStream();
    let sent = 0;
    let acked = 0;
    const pump = () => {
      while (sent < count && sent - acked < WINDOW) {
        sent++;
        stream.write(make());
      }
      if (sent === count) stream.end();
    };
    stream.on("data", () => {
      acked++;
      if (acked === count) resolve();
      else pump();
    });
    stream.on("error", reject);
    pump();
  });
}

/** A long-lived PublishStream: publish(n) writes n messages and resolves when their responses are in. */
function steadyPublisher(client: VigilStubs) {
  const stream = client.router.PublishStream();
  const waiting: Array<{ left: number; resolve: () => void }> = [];
  stream.on("data", () => {
    const head = waiting[0];
    if (!head) return;
    head.left--;
    if (head.left === 0) {
      waiting.shift();
      head.resolve();
    }
  });
  stream.on("error", () => undefined);
  return {
    publish(count: number, make: () => PublishRequest): Promise<void> {
      return new Promise<void>((resolve) => {
        waiting.push({ left: count, resolve });
        for (let i = 0; i < count; i++) stream.write(make());
      });
    },
    end: () => stream.end(),
  };
}

/**
 * Consumes until `count` deliveries arrived. Acks go in batches — one Ack call
 * per 64 deliveries or per millisecond, at most 4 calls at once — as a consumer
 * of a unary Ack API should (JetStream's client acks each message with a
 * fire-and-forget publish on its one connection).
 */
function vigilConsume(
  client: VigilStubs,
  count: number,
  onMessage?: (d: Delivery__Output) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.router.Subscribe({ destination: "bench", max_in_flight: WINDOW });
    let got = 0;
    let acked = 0;
    let pending: string[] = [];
    let calls = 0;
    let timer: NodeJS.Timeout | null = null;
    const flush = () => {
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      if (calls >= 4 || pending.length === 0) return;
      const ids = pending;
      pending = [];
      calls++;
      call(client.router.Ack.bind(client.router), { destination: "bench", message_ids: ids }).then(() => {
        calls--;
        acked += ids.length;
        if (acked >= count) {
          stream.cancel();
          resolve();
        } else flush();
      }, reject);
    };
    stream.on("data", (d: Delivery__Output) => {
      got++;
      onMessage?.(d);
      pending.push(d.message_id ?? "");
      if (pending.length >= 64 || got >= count) flush();
      else timer ??= setTimeout(flush, 1);
    });
    stream.on("error", (e: { code?: number }) => {
      if (e.code !== 1) reject(e);
    });
  });
}

/** Publishes `count` through VigilClient with WINDOW publishes outstanding: its adaptive batching makes the calls. */
async function batchedPublish(vigil: VigilClient, count: number): Promise<void> {
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      await vigil.publish("bench.orders", PAYLOAD, { idempotencyKey: "" });
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, worker));
}

/**
 * Consumes through VigilClient's SubscribeBatches until `count` deliveries arrived (acks leave as
 * they are coalesced, as JetStream's fire-and-forget acks do). The subscription stays open until
 * the queue has drained: closing it earlier would hand the deliveries whose acks are still on the
 * way back to the queue.
 */
async function batchedConsume(vigil: VigilClient, client: VigilStubs, count: number): Promise<number> {
  let stop: () => void = () => undefined;
  const doneAt = await new Promise<number>((resolve) => {
    let got = 0;
    stop = vigil.subscribe(
      "bench",
      () => {
        if (++got === count) resolve(performance.now());
      },
      { subscribeBatches: true, maxInFlight: WINDOW * 4, maxBatch: WINDOW },
    );
  });
  await drained(client);
  stop();
  return doneAt;
}

/** Waits until the bench destination's queue is empty (acks landed), so the next phase starts clean. */
async function drained(client: VigilStubs): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const st = (await call(client.admin.GetStatus.bind(client.admin), {})) as {
      destinations?: Array<{ name?: string; queue_depth?: number }>;
    };
    const d = st.destinations?.find((x) => x.name === "bench");
    if (Number(d?.queue_depth ?? 0) === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("bench queue did not drain");
}

async function benchVigil(): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), "vigil-bench-router-"));
  const port = await freePort();
  const config = join(dir, "vigil.yaml");
  await writeFile(
    config,
    `server:
  grpc: { address: "127.0.0.1:${port}" }
  http: { address: "127.0.0.1:0" }
data_dir: ${JSON.stringify(join(dir, "data"))}
logs: { level: warn }
router:
  sync: ${process.env.BENCH_SYNC ?? "full"}
  destinations:
    - name: bench
      kind: subscriber
      max_in_flight: ${WINDOW * 4}
      buffer: { max_messages: ${Math.max(QUEUED, N) * 2}, max_bytes: "${Math.ceil((Math.max(QUEUED, N) * 2 * 1.1) / 1024)}MiB" }
  routes:
    - { match: { topic: "bench.>" }, to: [bench] }
`,
  );
  const child = spawnVigilDist(config, { flags: BENCH_VIGIL_FLAGS });
  // A consumer streaming many deliveries wants an HTTP/2 window larger than the 64 KiB default.
  const client = createVigilClient(`127.0.0.1:${port}`, { "grpc-node.flow_control_window": 4 * 1024 * 1024 });
  try {
    await new Promise<void>((resolve, reject) =>
      client.router.waitForReady(Date.now() + 20_000, (e) => (e ? reject(e) : resolve())),
    );
    await vigilPublish(client, 1000);
    await vigilConsume(client, 1000);
    let t0 = performance.now();
    if (!ONLY_E2E) await vigilPublish(client, N);
    const publish = N / ((performance.now() - t0) / 1000);
    t0 = performance.now();
    if (!ONLY_E2E) await vigilConsume(client, N);
    const consume = N / ((performance.now() - t0) / 1000);
    const e2e = await endToEnd(child.pid as number, () =>
      Promise.all([vigilConsume(client, N), vigilPublish(client, N)]),
    );
    const lat = await vigilLatency(client);
    await drained(client);
    // The batched phases: Vigil's own client, adaptive batching both ways.
    const vigil = new VigilClient({
      address: `127.0.0.1:${port}`,
      maxPendingPublishes: WINDOW * 2,
      channelOptions: { "grpc-node.flow_control_window": 4 * 1024 * 1024 },
    });
    let publishBatched = 0;
    let consumeBatched = 0;
    let e2eBatched = 0;
    try {
      await vigil.ready();
      await batchedPublish(vigil, 1000);
      await batchedConsume(vigil, client, 1000);
      t0 = performance.now();
      if (!ONLY_E2E) await batchedPublish(vigil, N);
      publishBatched = N / ((performance.now() - t0) / 1000);
      t0 = performance.now();
      if (!ONLY_E2E) consumeBatched = N / (((await batchedConsume(vigil, client, N)) - t0) / 1000);
      t0 = performance.now();
      const [consumed, published] = await Promise.all([
        batchedConsume(vigil, client, N),
        batchedPublish(vigil, N).then(() => performance.now()),
      ]);
      e2eBatched = N / ((Math.max(consumed, published) - t0) / 1000);
    } finally {
      await vigil.close();
    }
    let rssQueuedMiB = 0;
    if (QUEUED > 0) {
      await vigilPublish(client, QUEUED);
      rssQueuedMiB = await rssMiB(child.pid as number);
    }
    return {
      publish,
      consume,
      ...e2e,
      publishBatched,
      consumeBatched,
      e2eBatched,
      ...lat,
      rssQueuedMiB,
      queued: QUEUED,
    };
  } finally {
    client.close();
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  }
}

const latencies: number[] = [];

/**
 * The latency phase over the router API. One PublishStream for the whole phase, as a bot keeps its
 * stream open (JetStream's client likewise publishes on its one connection).
 */
async function vigilLatency(client: VigilStubs): Promise<{ p50: number; p99: number }> {
  const steady = steadyPublisher(client);
  const lat = await fixedRate(
    (count) =>
      vigilConsume(client, count, (d) =>
        latencies.push(performance.now() - (d.payload as Buffer).readDoubleLE(0)),
      ),
    (count) => steady.publish(count, () => ({ topic: "bench.orders", payload: stamped() })),
  );
  steady.end();
  return lat;
}

/**
 * Latency at RATE msg/s for LATENCY_SECONDS: one publish of RATE/100 messages
 * every 10 ms, a consumer running meanwhile; p50/p99 of publish → receive.
 */
async function fixedRate(
  consume: (count: number) => Promise<void>,
  publish: (count: number) => Promise<void>,
): Promise<{ p50: number; p99: number }> {
  latencies.length = 0;
  const total = RATE * LATENCY_SECONDS;
  const perTick = RATE / 100;
  const consumer = consume(total);
  const start = performance.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < total / perTick; i++) {
    const due = start + i * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sends.push(publish(perTick));
  }
  await Promise.all(sends);
  await consumer;
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/**
 * The transport floor: the end-to-end phase against bench/grpc-floor-server.ts (the same API in bare
 * grpc-js, in memory), so the report tells Vigil's own cost per message from grpc-js's.
 */
async function benchFloor(): Promise<{
  e2e: number;
  serverCpuUs: number;
  clientCpuUs: number;
  p50: number;
  p99: number;
}> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...NODE_FLAGS, "--import", "tsx", join(ROOT, "bench/grpc-floor-server.ts"), String(port)],
    { stdio: ["ignore", "pipe", "inherit"], cwd: ROOT },
  );
  const client = createVigilClient(`127.0.0.1:${port}`, { "grpc-node.flow_control_window": 4 * 1024 * 1024 });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout?.once("data", () => resolve());
      child.once("exit", (code) => reject(new Error(`grpc-floor-server exited with ${code}`)));
    });
    await Promise.all([vigilConsume(client, 1000), vigilPublish(client, 1000)]);
    const e2e = await endToEnd(child.pid as number, () =>
      Promise.all([vigilConsume(client, N), vigilPublish(client, N)]),
    );
    return { ...e2e, ...(await vigilLatency(client)) };
  } finally {
    client.close();
    await stop(child);
  }
}

// ---------------------------------------------------------------- JetStream

async function jsPublish(
  js: JetStreamClient,
  count: number,
  make: () => Uint8Array = () => PAYLOAD,
): Promise<void> {
  let sent = 0;
  const inflight = new Set<Promise<unknown>>();
  while (sent < count) {
    while (inflight.size < WINDOW && sent < count) {
      sent++;
      const p: Promise<unknown> = js.publish("bench.orders", make()).then(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.race(inflight);
  }
  await Promise.all(inflight);
}

async function jsConsume(
  js: JetStreamClient,
  count: number,
  onMessage?: (data: Uint8Array) => void,
): Promise<void> {
  const consumer = await js.consumers.get("BENCH", "bench");
  const messages = await consumer.consume({ max_messages: WINDOW });
  let got = 0;
  for await (const m of messages) {
    got++;
    onMessage?.(m.data);
    m.ack();
    if (got >= count) break;
  }
  // After a break the iterator is already stopped; awaiting close() would never settle.
  void messages.close();
}

async function benchJetStream(): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), "vigil-bench-nats-"));
  const port = await freePort();
  const child = spawn("nats-server", ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", dir], {
    stdio: "ignore",
  });
  let nc: NatsConnection | null = null;
  try {
    for (let i = 0; ; i++) {
      try {
        nc = await connect({ servers: `127.0.0.1:${port}` });
        break;
      } catch (e) {
        if (i > 100) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: "BENCH", subjects: ["bench.>"], max_bytes: -1, max_msgs: -1 });
    await jsm.consumers.add("BENCH", {
      durable_name: "bench",
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_ack_pending: WINDOW * 4,
    });
    const js = nc.jetstream();
    await jsPublish(js, 1000);
    await jsConsume(js, 1000);
    let t0 = performance.now();
    await jsPublish(js, N);
    const publish = N / ((performance.now() - t0) / 1000);
    t0 = performance.now();
    await jsConsume(js, N);
    const consume = N / ((performance.now() - t0) / 1000);
    const e2e = await endToEnd(child.pid as number, () => Promise.all([jsConsume(js, N), jsPublish(js, N)]));
    const lat = await fixedRate(
      (count) =>
        jsConsume(js, count, (data) =>
          latencies.push(
            performance.now() - Buffer.from(data.buffer, data.byteOffset, data.byteLength).readDoubleLE(0),
          ),
        ),
      (count) => jsPublish(js, count, stamped),
    );
    let rssQueuedMiB = 0;
    if (QUEUED > 0) {
      await jsPublish(js, QUEUED);
      rssQueuedMiB = await rssMiB(child.pid as number);
    }
    return {
      publish,
      consume,
      ...e2e,
      publishBatched: publish,
      consumeBatched: consume,
      e2eBatched: e2e.e2e,
      ...lat,
      rssQueuedMiB,
      queued: QUEUED,
    };
  } finally {
    await nc?.close();
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- report

const fmt = (n: number, d = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

const jetstream = process.env.BENCH_SKIP_JETSTREAM
  ? {
      publish: 1,
      consume: 1,
      e2e: 1,
      publishBatched: 1,
      consumeBatched: 1,
      e2eBatched: 1,
      p50: 1,
      p99: 1,
      rssQueuedMiB: 1,
      queued: 0,
      serverCpuUs: 1,
      clientCpuUs: 1,
    }
  : await benchJetStream();
const vigil = await benchVigil();
const floor = await benchFloor();
const rows: Array<[string, number, number, number, boolean]> = [
  ["publish, acked (msg/s)", vigil.publish, jetstream.publish, 0, true],
  ["consume, acked (msg/s)", vigil.consume, jetstream.consume, 0, true],
  ["end to end (msg/s)", vigil.e2e, jetstream.e2e, 0, true],
  ["publish, acked, batched (msg/s)", vigil.publishBatched, jetstream.publishBatched, 0, true],
  ["consume, acked, batched (msg/s)", vigil.consumeBatched, jetstream.consumeBatched, 0, true],
  ["end to end, batched (msg/s)", vigil.e2eBatched, jetstream.e2eBatched, 0, true],
  ["end to end: server CPU per message (µs)", vigil.serverCpuUs, jetstream.serverCpuUs, 1, false],
  ["end to end: client CPU per message (µs)", vigil.clientCpuUs, jetstream.clientCpuUs, 1, false],
  [`latency p50 at ${RATE}/s (ms)`, vigil.p50, jetstream.p50, 2, false],
  [`latency p99 at ${RATE}/s (ms)`, vigil.p99, jetstream.p99, 2, false],
];
if (QUEUED > 0)
  rows.push([`RSS, ${fmt(QUEUED)} queued (MiB)`, vigil.rssQueuedMiB, jetstream.rssQueuedMiB, 1, false]);
console.log(
  `\nRouter: ${fmt(N)} messages of 1 KiB, publish window ${WINDOW}, durable (Vigil router.sync: full)\n`,
);
console.log("| measure | Vigil | JetStream | Vigil / JetStream |");
console.log("|---|---:|---:|---:|");
for (const [name, v, j, d] of rows)
  console.log(`| ${name} | ${fmt(v, d)} | ${fmt(j, d)} | ${fmt(v / j, 2)}x |`);
console.log(
  `\nTransport floor (the same API in bare grpc-js, in memory, bench/grpc-floor-server.ts), end to end: ${fmt(floor.e2e)} msg/s, server CPU ${fmt(floor.serverCpuUs, 1)} µs and client CPU ${fmt(floor.clientCpuUs, 1)} µs per message (Vigil's own share of its server CPU: ${fmt(vigil.serverCpuUs - floor.serverCpuUs, 1)} µs); latency at ${RATE}/s p50 ${fmt(floor.p50, 2)} ms, p99 ${fmt(floor.p99, 2)} ms.`,
);
