/**
 * npm run demo: starts Vigil (examples/demo/vigil.yaml), a partner API that
 * fails now and then, and a small bot that beats, records metrics, publishes
 * orders and consumes them, so /metrics, the status page and `npm run status`
 * have something to show within a minute. Ctrl+C stops everything.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { call, createVigilClient } from "../../src/client/client.js";
import { VigilClient } from "../../src/client/vigil-client.js";
import { loadConfigFile } from "../../src/config/load.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Why `address` (host:port, [v6]:port) cannot be listened on now, or null when it can. */
async function portProblem(address: string): Promise<string | null> {
  const m = /^\[?([^\]]*)\]?:(\d+)$/.exec(address);
  if (!m || m[2] === "0") return null;
  const [host, port] = [m[1] as string, Number(m[2])];
  return new Promise((resolve) => {
    const probe = createTcpServer();
    probe.once("error", (e: NodeJS.ErrnoException) =>
      resolve(e.code === "EADDRINUSE" ? "already in use" : (e.code ?? e.message)),
    );
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(null)));
  });
}

// Every port the demo's Vigil will listen on must be free before anything starts: with 7070 taken
// (another Vigil, an earlier demo) the bot would otherwise beat into whatever answers there.
{
  const config = loadConfigFile(join(root, "examples/demo/vigil.yaml"), process.env).config as unknown as {
    server: {
      grpc: { address: string };
      http: { address: string };
      httpApi?: { enabled?: boolean; address: string };
    };
    telemetry: { receiver?: Record<string, { enabled?: boolean; address?: string }> };
  };
  const server = config.server;
  const receiver = config.telemetry.receiver;
  const wanted: Array<[string, string, string]> = [
    ["gRPC", server.grpc.address, "VIGIL_GRPC_ADDRESS"],
    ["HTTP (/metrics, status page)", server.http.address, "VIGIL_HTTP_ADDRESS"],
  ];
  if (server.httpApi && server.httpApi.enabled !== false)
    wanted.push(["HTTP API", server.httpApi.address, "VIGIL_HTTP_API_ADDRESS"]);
  for (const [name, r] of Object.entries(receiver ?? {}))
    if (r && typeof r === "object" && r.enabled && r.address)
      wanted.push([`OTLP/${name} receiver`, r.address, "the config"]);
  const problems: string[] = [];
  for (const [what, address, change] of wanted) {
    const problem = await portProblem(address);
    if (problem !== null) problems.push(`  ${what} on ${address}: ${problem} (free it, or set ${change})`);
  }
  if (problems.length > 0) {
    process.stderr.write(
      `npm run demo: cannot start, a port Vigil needs is taken:\n${problems.join("\n")}\n` +
        "Is another Vigil or demo running? Stop it, or move the demo with the variables above.\n",
    );
    process.exit(1);
  }
}
// The partner API an http destination delivers to: down (503) for 10 s of every 45 s, else 2 % errors.
const started = Date.now();
const partner = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const down = (Date.now() - started) % 45_000 > 35_000;
    res.writeHead(down ? 503 : Math.random() < 0.02 ? 500 : 200).end();
  });
});
await new Promise<void>((r) => partner.listen(0, "127.0.0.1", () => r()));
const partnerUrl = `http://127.0.0.1:${(partner.address() as AddressInfo).port}/orders`;
// The partner listens on a free port: the demo's config, with that port in the partner's URL, goes to a temp file.
const configDir = mkdtempSync(join(tmpdir(), "vigil-demo-"));
const configFile = join(configDir, "vigil.yaml");
process.on("exit", () => rmSync(configDir, { recursive: true, force: true }));
writeFileSync(
  configFile,
  readFileSync(join(root, "examples/demo/vigil.yaml"), "utf8").replace(
    "http://127.0.0.1:9480/orders",
    partnerUrl,
  ),
);
const vigil = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "run", "--config", configFile], {
  cwd: root,
  env: process.env,
  stdio: ["ignore", "inherit", "inherit"],
});
const client = createVigilClient(process.env.VIGIL_GRPC_ADDRESS ?? "127.0.0.1:7070");
const hb = client.heartbeat;
const beat = (req: Record<string, unknown>) => call(hb.Beat.bind(hb), req);
const record = (points: Array<Record<string, unknown>>) =>
  call(client.metrics.Record.bind(client.metrics), { points });

await new Promise<void>((resolve, reject) =>
  hb.waitForReady(Date.now() + 15_000, (e) => (e ? reject(e) : resolve())),
);
process.stdout.write(
  "\ndemo bot running: open http://127.0.0.1:9464/ (status) and http://127.0.0.1:9464/metrics,\n" +
    "or run `npm run status` in another terminal. Ctrl+C stops.\n\n",
);

let tick = 0;
const timers: NodeJS.Timeout[] = [];
const every = (ms: number, fn: () => Promise<unknown>) =>
  timers.push(
    setInterval(() => fn().catch((e: unknown) => process.stderr.write(`demo bot: ${String(e)}\n`)), ms),
  );

// A fetcher that beats every second and handles messages.
every(1000, async () => {
  tick++;
  await beat({ component: "fetcher", interval: { seconds: 2 }, message: `tick ${tick}` });
  await record([
    {
      name: "bot.messages.handled",
      kind: "METRIC_KIND_COUNTER",
      value: 1 + (tick % 3),
      attributes: { channel: tick % 2 ? "web" : "telegram" },
      description: "Messages handled",
    },
    {
      name: "bot.reply.duration",
      kind: "METRIC_KIND_HISTOGRAM",
      value: 0.05 + Math.random() * 0.4,
      unit: "s",
      description: "Time to reply",
    },
    {
      name: "bot.queue.size",
      kind: "METRIC_KIND_GAUGE",
      value: Math.round(10 + 8 * Math.sin(tick / 10)),
      description: "Messages waiting",
    },
  ]);
});
// A flaky worker: degraded now and then, silent for a while every minute (LATE, then DOWN).
every(3000, async () => {
  if (tick % 60 > 45) return;
  const failing = tick % 20 === 0;
  await beat({
    component: "flaky-worker",
    interval: { seconds: 5 },
    grace: { seconds: 5 },
    health: failing ? "HEALTH_DEGRADED" : "HEALTH_OK",
    message: failing ? "upstream slow" : "",
  });
});
// A job declared in config with a cron schedule: runs every minute.
every(60_000, async () => {
  await beat({ component: "report", signal: "SIGNAL_START" });
  await new Promise((r) => setTimeout(r, 3000));
  await beat({ component: "report", signal: "SIGNAL_SUCCESS" });
});

// Orders: published a few times a second, consumed (and acked) by the bot's own consumer.
const orders = new VigilClient({
  address: process.env.VIGIL_GRPC_ADDRESS ?? "127.0.0.1:7070",
  clientName: "demo-bot",
});
const stopConsuming = orders.subscribe("consumers", (d) => {
  orders.counter("bot.orders.consumed", 1, { priority: d.priority ?? "" });
});
let order = 0;
every(300, () =>
  orders.publish(
    "orders.created",
    JSON.stringify({ id: ++order, total: Math.round(Math.random() * 10_000) / 100 }),
    {
      contentType: "application/json",
      priority: order % 25 === 0 ? "CRITICAL" : order % 5 === 0 ? "HIGH" : "NORMAL",
    },
  ),
);

const stop = () => {
  for (const t of timers) clearInterval(t);
  stopConsuming();
  void orders.close(500);
  client.close();
  partner.close();
  vigil.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
vigil.on("exit", (code) => process.exit(code ?? 0));
