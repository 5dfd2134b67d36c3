import assert from "node:assert/strict";
import { mkdir, readFile, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Delivery__Output } from "../../src/generated/vigil/v1/Delivery.js";
import { DestinationServer } from "../helpers/destination-server.js";
import { PrometheusServer } from "../helpers/prometheus.js";
import { call, eventually, startSidecar } from "../helpers/sidecar.js";

const DASHBOARD = fileURLToPath(new URL("../../helm/vigil/dashboards/vigil.json", import.meta.url));

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

/** A panel's query as Grafana sends it, with the dashboard's variables at "All". */
function concrete(expr: string): string {
  return expr.replaceAll("$__rate_interval", "30s").replaceAll("$job", ".*").replaceAll("$instance", ".*");
}

// Every query of the Grafana dashboard must return data from a real Prometheus scraping Vigil while the
// events each panel shows really happen: a component that stops beating (and the alert it fires), bot
// metrics, deliveries to a subscriber and to an http destination that fails and comes back (breaker
// opens), drops by the overflow policy, log records and a cleanup.
test("every Grafana dashboard query returns data from a real Prometheus while the test drives its events", async () => {
  const dashboard = JSON.parse(await readFile(DASHBOARD, "utf8")) as { panels: Panel[] };
  const queries = dashboard.panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
  );
  assert.ok(queries.length >= 20, `${queries.length} queries`);

  let failing = true;
  const hook = await new DestinationServer().start();
  hook.behave = () => (failing ? { status: 503 } : { status: 200 });
  const s = await startSidecar(
    `router:
  destinations:
    - { name: consumers, kind: subscriber }
    - name: crm
      kind: http
      url: "${hook.url}"
      retry: { initial: 100ms, max: 300ms }
      circuit_breaker: { consecutive_failures: 2, half_open_after: 500ms }
    - { name: lossy, kind: http, url: "http://127.0.0.1:1/down", retry: { initial: 1s, max: 1s }, buffer: { max_messages: 1, overflow: drop_oldest } }
  routes:
    - { match: { topic: "chat.>" }, to: [consumers] }
    - { match: { topic: "orders.>" }, to: [crm] }
    - { match: { topic: "lossy" }, to: [lossy] }
alerts:
  evaluation_interval: 1s
  rules:
    - { name: BotDown, kind: heartbeat, selector: { component: "*" }, states: [DOWN], severity: critical }
  notifiers: [{ kind: log }]
logs:
  cleaner: { interval: 1h, retention: 1d }
`,
    { hostMetrics: true },
  );
  const prom = new PrometheusServer();
  const timers: NodeJS.Timeout[] = [];
  try {
    await prom.start([`127.0.0.1:${s.sidecar.httpPort}`]);
    const c = s.client;
    // A component that beats once and stops (DOWN, BotDown fires), one that keeps beating.
    await call(c.heartbeat.Beat.bind(c.heartbeat), {
      component: "reporter",
      interval: { seconds: 1 },
      grace: { nanos: 500_000_000 },
    });
    const beat = () => c.heartbeat.Beat({ component: "poller", interval: { seconds: 5 } }, () => undefined);
    beat();
    timers.push(setInterval(beat, 500));
    // Bot metrics, one point rejected.
    const record = () =>
      c.metrics.Record(
        {
          points: [
            { name: "bot.replies", kind: "METRIC_KIND_COUNTER", value: 1, attributes: { channel: "web" } },
            { name: "bot.replies", kind: "METRIC_KIND_GAUGE", value: 1 },
          ],
        },
        () => undefined,
      );
    record();
    timers.push(setInterval(record, 500));
    // A consumer on the subscriber destination; chat messages flow to it.
    const sub = c.router.Subscribe({ destination: "consumers", max_in_flight: 16 });
    sub.on("data", (d: Delivery__Output) =>
      c.router.Ack({ destination: "consumers", message_ids: [d.message_id ?? ""] }, () => undefined),
    );
    sub.on("error", () => undefined);
    const publish = (topic: string) =>
      c.router.Publish({ topic, payload: Buffer.from("x") }, () => undefined);
    timers.push(
      setInterval(() => {
        publish("chat.en");
        publish("orders.created");
      }, 200),
    );
    for (let i = 0; i < 3; i++) publish("lossy");
    // The http destination fails for a while (its breaker opens), then comes back.
    timers.push(
      setTimeout(() => {
        failing = false;
      }, 4000),
    );
    // An old rotated log for the cleaner.
    const logs = join(s.sidecar.dataDir, "logs");
    await mkdir(logs, { recursive: true });
    const old = join(logs, "vigil.jsonl.1");
    await writeFile(old, `${"{}\n".repeat(1000)}`);
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    await utimes(old, tenDaysAgo, tenDaysAgo);
    const { report } = await call<unknown, { report: { files_deleted: number } }>(
      c.admin.RunCleanup.bind(c.admin),
      {
        dry_run: false,
      },
    );
    assert.equal(Number(report.files_deleted), 1);

    const empty = new Set(queries.map((q) => q.expr));
    await eventually(
      async () => {
        for (const q of queries) {
          if (!empty.has(q.expr)) continue;
          if ((await prom.query(concrete(q.expr))).length > 0) empty.delete(q.expr);
        }
        return empty.size === 0;
      },
      60_000,
      "every panel query returning data",
    ).catch(() => undefined);
    const missing = queries.filter((q) => empty.has(q.expr)).map((q) => `${q.panel}: ${q.expr}`);
    assert.deepEqual(missing, [], "panel queries with no data");
    sub.cancel();
  } finally {
    for (const t of timers) clearInterval(t);
    await prom.stop();
    await s.close();
    await hook.stop();
  }
});
