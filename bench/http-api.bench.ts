/**
 * HTTP API benchmark: Beat calls/s as curl-style Connect JSON (`POST /vigil.v1.HeartbeatService/Beat`,
 * Node's http client with keep-alive) beside gRPC Beat calls/s from Node (grpc-js), against one
 * Vigil (built, as `npm start` runs it) in this one run, so the ratio survives a noisy machine.
 *
 *   npm run build && node --import tsx bench/http-api.bench.ts     (BENCH_SECONDS=5, BENCH_ROUNDS=2)
 *
 * Both clients send pre-encoded bodies at the same concurrency; the rounds alternate, so a slow
 * phase of the machine hits both.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, credentials, type ServiceError } from "@grpc/grpc-js";
import { loadVigilProto } from "../src/proto.js";
import { freePort, spawnVigilDist, stop } from "./processes.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONCURRENCY = 64;
const identity = (b: Buffer) => b;

const { definition } = loadVigilProto();
const beatDef = (
  definition["vigil.v1.HeartbeatService"] as unknown as Record<
    string,
    { requestSerialize(v: unknown): Buffer }
  >
).Beat as { requestSerialize(v: unknown): Buffer };
const BEAT_PROTO = beatDef.requestSerialize({
  component: "bench-worker",
  interval: { seconds: 30 },
  attributes: { pod: "bench-0" },
});
const BEAT_JSON = Buffer.from(
  JSON.stringify({ component: "bench-worker", interval: "30s", attributes: { pod: "bench-0" } }),
);

interface Result {
  calls: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Runs `call` from CONCURRENCY loops for SECONDS; counts successes, errors and latencies. */
async function load(call: () => Promise<void>): Promise<Result> {
  const until = performance.now() + SECONDS * 1000;
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const s = performance.now();
        try {
          await call();
          latencies.push(performance.now() - s);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    calls: latencies.length,
    errors,
    perSecond: latencies.length / elapsed,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}

function grpcBeat(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      "/vigil.v1.HeartbeatService/Beat",
      identity,
      identity,
      BEAT_PROTO,
      (e: ServiceError | null) => (e ? reject(e) : resolve()),
    );
  });
}

function connectBeat(agent: Agent, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/vigil.v1.HeartbeatService/Beat",
        agent,
        headers: { "content-type": "application/json", "content-length": BEAT_JSON.length },
      },
      (res) => {
        res.on("data", () => {});
        res.on("end", () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(BEAT_JSON);
  });
}

async function waitFor(check: () => Promise<void>): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    try {
      await check();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  throw new Error("Vigil did not start");
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "vigil-bench-http-api-"));
  const grpcPort = await freePort();
  const apiPort = await freePort();
  const config = join(dir, "vigil.yaml");
  await writeFile(
    config,
    `server:\n  grpc: { address: "127.0.0.1:${grpcPort}" }\n  http: { address: "127.0.0.1:0" }\n  http_api: { address: "127.0.0.1:${apiPort}" }\ndata_dir: ${JSON.stringify(join(dir, "data"))}\n`,
  );
  const child = spawnVigilDist(config);
  const client = new Client(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    await waitFor(() => grpcBeat(client));
    await waitFor(() => connectBeat(agent, apiPort));
    // Warm-up: JIT and connections for both.
    await Promise.all(Array.from({ length: 500 }, () => grpcBeat(client)));
    await Promise.all(Array.from({ length: 500 }, () => connectBeat(agent, apiPort)));
    const grpc: Result[] = [];
    const connect: Result[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      grpc.push(await load(() => grpcBeat(client)));
      connect.push(await load(() => connectBeat(agent, apiPort)));
    }
    const best = (rs: Result[]) => rs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    const g = best(grpc);
    const c = best(connect);
    const line = (name: string, r: Result) =>
      `${name.padEnd(26)} ${r.perSecond.toFixed(0).padStart(7)} calls/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  errors ${r.errors}`;
    console.log(`Beat, concurrency ${CONCURRENCY}, best of ${ROUNDS} × ${SECONDS} s, one Vigil process`);
    console.log(line("gRPC (grpc-js)", g));
    console.log(line("Connect JSON (http, k-a)", c));
    console.log(`ratio Connect JSON / gRPC: ${(c.perSecond / g.perSecond).toFixed(2)}`);
  } finally {
    client.close();
    agent.destroy();
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
