/**
 * Soak: Vigil under mixed load for a while, sampling its memory and event-loop delay.
 *
 *   npm run soak -- --minutes 10
 *   npm run soak -- --seconds 30           (a short run)
 *   SOAK_VIGIL_FLAGS=--trace-warnings npm run soak …   extra Node flags for Vigil
 *
 * Vigil runs as `npm start` runs it (dist/, production Node flags) with a
 * subscriber, an http destination that fails for 2 s of every 10 (its breaker
 * opens and closes), a log destination, heartbeats from ten components (one of
 * them stops and starts again, so an alert fires and resolves), metric batches
 * over 500 series, rotation and the cleaner every minute. Every PROCESS sample
 * comes from AdminService.GetStatus (RSS, V8 heap, event-loop delay p99). At
 * the end it prints the table, the RSS trend over the second half (least
 * squares, MiB per minute) and, per destination, messages accepted against
 * messages delivered; it exits 1 when an acknowledged message was not delivered.
 */
import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { call, createVigilClient, type VigilStubs } from "../src/client/client.js";
import type { Delivery__Output } from "../src/generated/vigil/v1/Delivery.js";
import type { GetStatusResponse__Output } from "../src/generated/vigil/v1/GetStatusResponse.js";
import type { PublishResponse__Output } from "../src/generated/vigil/v1/PublishResponse.js";
import { freePort, NODE_FLAGS, spawnVigilDist, stop } from "./processes.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MiB = 1024 * 1024;
const PRIORITIES = ["PRIORITY_LOW", "PRIORITY_NORMAL", "PRIORITY_HIGH", "PRIORITY_CRITICAL"] as const;

export interface SoakOptions {
  seconds: number;
  /** Published messages per second (half to the subscriber, half to http + log). */
  rate?: number;
  /** Samples taken over the run. */
  samples?: number;
  print?: (line: string) => void;
  /** Run src/main.ts through tsx instead of the built dist/ (tests, which may run before a build). */
  fromSource?: boolean;
}

export interface SoakSample {
  atS: number;
  rssMiB: number;
  heapMiB: number;
  eventLoopP99Ms: number;
  published: number;
  queued: number;
}

export interface SoakResult {
  samples: SoakSample[];
  /** RSS slope over the second half of the run, MiB per minute. */
  rssTrendMiBPerMin: number;
  accepted: { subscriber: number; http: number };
  delivered: { subscriber: number; http: number };
  /** Acknowledged messages never delivered, per destination. */
  missing: { subscriber: number; http: number };
  publishErrors: number;
  exitCode: number | null;
}

function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

function startVigil(config: string, fromSource: boolean): Promise<{ child: ChildProcess; grpc: number }> {
  const extra = (process.env.SOAK_VIGIL_FLAGS ?? "").split(" ").filter(Boolean);
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  const stdio: StdioOptions = ["ignore", "pipe", "inherit"];
  const child = fromSource
    ? spawn(
        process.execPath,
        [...NODE_FLAGS, ...extra, "--import", "tsx", join(ROOT, "src/main.ts"), "run", "--config", config],
        { cwd: ROOT, env, stdio },
      )
    : spawnVigilDist(config, { flags: extra, env, stdio });
  return new Promise((resolve, reject) => {
    let buf = "";
    const onData = (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split("\n")) {
        if (!line.includes('"vigil started"')) continue;
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve({ child, grpc: (JSON.parse(line) as { grpc: number }).grpc });
        return;
      }
      buf = buf.slice(buf.lastIndexOf("\n") + 1);
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`vigil exited with ${code} before it started`)));
  });
}

/** The http destination: answers 503 for 2 s of every 10 s, records what it accepted. */
async function flappingReceiver(): Promise<{ ids: Set<string>; port: number; close(): Promise<void> }> {
  const ids = new Set<string>();
  const started = Date.now();
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if ((Date.now() - started) % 10_000 < 2000) {
        res.writeHead(503).end();
        return;
      }
      ids.add(String(req.headers["vigil-message-id"]));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    ids,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A consumer bot on the subscriber destination: acks what it receives in batches. */
function consume(client: VigilStubs, ids: Set<string>): () => void {
  let stopped = false;
  let stream: ReturnType<VigilStubs["router"]["Subscribe"]> | null = null;
  const open = () => {
    if (stopped) return;
    const s = client.router.Subscribe({ destination: "consumers", max_in_flight: 256 });
    stream = s;
    let pending: string[] = [];
    const flush = () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      call(client.router.Ack.bind(client.router), { destination: "consumers", message_ids: batch }).then(
        () => {
          for (const id of batch) ids.add(id);
        },
        () => undefined, // redelivered after the ack timeout
      );
    };
    const timer = setInterval(flush, 20);
    s.on("data", (d: Delivery__Output) => {
      pending.push(d.message_id ?? "");
      if (pending.length >= 64) flush();
    });
    s.on("error", () => undefined);
    s.on("close", () => {
      clearInterval(timer);
      flush();
      setTimeout(open, 200);
    });
  };
  open();
  return () => {
    stopped = true;
    stream?.cancel();
  };
}

export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
  const print = opts.print ?? ((l: string) => console.log(l));
  const rate = opts.rate ?? 400;
  const sampleCount = opts.samples ?? 20;
  const dir = await mkdtemp(join(tmpdir(), "vigil-soak-"));
  const receiver = await flappingReceiver();
  const config = join(dir, "vigil.yaml");
  await writeFile(
    config,
    `server:
  grpc: { address: "127.0.0.1:0" }
  http: { address: "127.0.0.1:${await freePort()}" }
data_dir: ${JSON.stringify(join(dir, "data"))}
heartbeats:
  default_interval: 2s
router:
  destinations:
    - { name: consumers, kind: subscriber, ack_timeout: 10s }
    - name: hook
      kind: http
      url: "http://127.0.0.1:${receiver.port}/hook"
      retry: { initial: 100ms, max: 2s }
      circuit_breaker: { consecutive_failures: 5, half_open_after: 1s }
    - { name: archive, kind: log, path: logs/messages.jsonl }
  routes:
    - { match: { topic: "chat.>" }, to: [consumers] }
    - { match: { topic: "orders.>" }, to: [hook, archive] }
alerts:
  evaluation_interval: 1s
  rules:
    - { name: BotDown, kind: heartbeat, selector: { component: "*" }, states: [DOWN], severity: critical }
    - { name: HighLatency, kind: threshold, metric: soak.latency, aggregate: p99, window: 30s, op: ">", value: 900, severity: warning }
  notifiers: [{ kind: log }]
logs:
  rotate: { max_bytes: 4MiB }
  cleaner: { interval: 1m, retention: 1m, max_total_bytes: 32MiB }
`,
  );
  const { child, grpc } = await startVigil(config, opts.fromSource ?? false);
  const client = createVigilClient(`127.0.0.1:${grpc}`);
  const received = new Set<string>();
  const stopConsumer = consume(client, received);
  const accepted = { subscriber: new Set<string>(), http: new Set<string>() };
  let publishErrors = 0;
  const payload = Buffer.alloc(1024, 0x61);
  const startedAt = Date.now();
  const until = startedAt + opts.seconds * 1000;

  // Publishes over one long-lived PublishStream, as a bot does; answers come back in order.
  const stream = client.router.PublishStream();
  const inFlight: Array<"subscriber" | "http"> = [];
  stream.on("data", (r: PublishResponse__Output) => {
    const kind = inFlight.shift();
    if (kind) accepted[kind].add(r.message_id ?? "");
  });
  stream.on("error", () => {
    publishErrors++;
  });
  let seq = 0;
  const tick = 50;
  const publisher = setInterval(() => {
    const n = Math.round((rate * tick) / 1000);
    for (let i = 0; i < n; i++) {
      const kind = seq++ % 2 === 0 ? "subscriber" : "http";
      inFlight.push(kind);
      stream.write({
        topic: kind === "subscriber" ? "chat.en.reply" : "orders.created",
        payload,
        priority: PRIORITIES[seq % 4],
      });
    }
  }, tick);

  const beats = setInterval(() => {
    const second = Math.floor((Date.now() - startedAt) / 1000);
    for (let c = 0; c < 10; c++) {
      // worker-9 stops for 10 s of every 40: BotDown fires and resolves.
      if (c === 9 && second % 40 >= 30) continue;
      client.heartbeat.Beat({ component: `worker-${c}`, interval: { seconds: 2 } }, () => undefined);
    }
  }, 500);

  const metrics = setInterval(() => {
    const points = Array.from({ length: 100 }, (_, i) => ({
      name: i % 2 === 0 ? "soak.latency" : "soak.requests",
      kind: i % 2 === 0 ? ("METRIC_KIND_HISTOGRAM" as const) : ("METRIC_KIND_COUNTER" as const),
      value: Math.random() * 1000,
      attributes: { route: `r${Math.floor(Math.random() * 250)}` },
    }));
    client.metrics.Record({ points }, () => undefined);
  }, 50);

  const samples: SoakSample[] = [];
  print("| t (s) | RSS MiB | heap MiB | event-loop p99 ms | published | queued |");
  print("|---:|---:|---:|---:|---:|---:|");
  const every = (opts.seconds * 1000) / sampleCount;
  for (let i = 1; i <= sampleCount; i++) {
    await new Promise((r) => setTimeout(r, Math.max(0, startedAt + i * every - Date.now())));
    const s = await call<unknown, GetStatusResponse__Output>(client.admin.GetStatus.bind(client.admin), {});
    const p = s.process;
    const sample: SoakSample = {
      atS: Math.round((Date.now() - startedAt) / 1000),
      rssMiB: Number(p?.rss_bytes ?? 0) / MiB,
      heapMiB: Number(p?.heap_used_bytes ?? 0) / MiB,
      eventLoopP99Ms: p?.event_loop_delay_p99_ms ?? 0,
      published: accepted.subscriber.size + accepted.http.size,
      queued: s.destinations.reduce((n, d) => n + Number(d.queue_depth), 0),
    };
    samples.push(sample);
    print(
      `| ${sample.atS} | ${sample.rssMiB.toFixed(1)} | ${sample.heapMiB.toFixed(1)} | ${sample.eventLoopP99Ms.toFixed(1)} | ${sample.published} | ${sample.queued} |`,
    );
    if (Date.now() >= until) break;
  }

  clearInterval(publisher);
  clearInterval(beats);
  clearInterval(metrics);
  stream.end();
  while (inFlight.length > 0 && Date.now() < until + 10_000) await new Promise((r) => setTimeout(r, 50));
  // Drain: everything accepted should arrive once the http destination's 2 s outages are over.
  const drainUntil = Date.now() + 60_000;
  const missingOf = (acc: Set<string>, got: Set<string>) => [...acc].filter((id) => !got.has(id)).length;
  while (Date.now() < drainUntil) {
    if (missingOf(accepted.subscriber, received) + missingOf(accepted.http, receiver.ids) === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  stopConsumer();
  client.close();
  await stop(child);
  await receiver.close();
  await rm(dir, { recursive: true, force: true });

  const half = samples.slice(Math.floor(samples.length / 2));
  const result: SoakResult = {
    samples,
    rssTrendMiBPerMin: slope(half.map((s) => [s.atS / 60, s.rssMiB])),
    accepted: { subscriber: accepted.subscriber.size, http: accepted.http.size },
    delivered: { subscriber: received.size, http: receiver.ids.size },
    missing: {
      subscriber: missingOf(accepted.subscriber, received),
      http: missingOf(accepted.http, receiver.ids),
    },
    publishErrors,
    exitCode: child.exitCode,
  };
  print("");
  print(`RSS trend over the second half: ${result.rssTrendMiBPerMin.toFixed(2)} MiB/min`);
  print("| destination | accepted | delivered (distinct) | missing |");
  print("|---|---:|---:|---:|");
  print(
    `| consumers (subscriber) | ${result.accepted.subscriber} | ${result.delivered.subscriber} | ${result.missing.subscriber} |`,
  );
  print(
    `| hook (http, flapping) | ${result.accepted.http} | ${result.delivered.http} | ${result.missing.http} |`,
  );
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: { minutes: { type: "string" }, seconds: { type: "string" }, rate: { type: "string" } },
  });
  const seconds = values.seconds ? Number(values.seconds) : Number(values.minutes ?? 10) * 60;
  const r = await runSoak({ seconds, rate: values.rate ? Number(values.rate) : undefined });
  const lost = r.missing.subscriber + r.missing.http;
  if (lost > 0 || r.exitCode !== 0) {
    console.error(`soak: ${lost} acknowledged messages not delivered; vigil exited with ${r.exitCode}`);
    process.exit(1);
  }
}
