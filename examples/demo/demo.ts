/**
 * npm run demo: starts Vigil (examples/demo/vigil.yaml) and a small bot that
 * beats and records metrics, so /metrics, the status page and `npm run status`
 * have something to show. Ctrl+C stops both.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { call, createVigilClient } from "../../src/client/client.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const vigil = spawn(
  process.execPath,
  ["--import", "tsx", "src/main.ts", "run", "--config", "examples/demo/vigil.yaml"],
  {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  },
);
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

const stop = () => {
  for (const t of timers) clearInterval(t);
  client.close();
  vigil.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
vigil.on("exit", (code) => process.exit(code ?? 0));
