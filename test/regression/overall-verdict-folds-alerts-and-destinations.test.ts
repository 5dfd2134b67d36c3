import assert from "node:assert/strict";
import { test } from "node:test";
import type { GetStatusResponse__Output } from "../../src/generated/vigil/v1/GetStatusResponse.js";
import { DestinationServer } from "../helpers/destination-server.js";
import { runVigil } from "../helpers/process.js";
import { call, eventually, startSidecar, type TestSidecar } from "../helpers/sidecar.js";

/**
 * The status page's badge said HEALTHY while a warning alert fired and a destination's breaker was
 * open, and UNKNOWN while a critical alert fired (no component had beaten yet): the badge only folded
 * components. GetStatus.overall, the badge, `vigil status` and vigil_overall_status now share one fold
 * of components, firing alerts and destinations; /readyz stays out of it (a down bot must not make the
 * kubelet restart Vigil).
 */

const getStatus = (t: TestSidecar) =>
  call<unknown, GetStatusResponse__Output>(t.client.admin.GetStatus.bind(t.client.admin), {});

const gauge = async (t: TestSidecar): Promise<number | null> => {
  const text = await (await fetch(`${t.httpUrl}/metrics`)).text();
  const m = /^vigil_overall_status(?:\{[^}]*\})? (\d+)$/m.exec(text);
  return m ? Number(m[1]) : null;
};

const pageBadge = async (t: TestSidecar): Promise<string | undefined> => {
  const html = await (await fetch(`${t.httpUrl}/`)).text();
  return /<h1>[^\n]*?<span class="badge[^"]*"[^>]*>([A-Z]+)<\/span>/.exec(html)?.[1];
};

const gaugeRecord = (t: TestSidecar, value: number) =>
  call(t.client.metrics.Record.bind(t.client.metrics), {
    points: [{ name: "bot.queue.size", kind: "METRIC_KIND_GAUGE", value }],
  });

test("a firing warning alert and an open breaker make the verdict DEGRADED, with reasons, everywhere it shows; /readyz stays 200", async () => {
  const crm = await new DestinationServer().start();
  crm.behave = () => ({ status: 500 });
  const t = await startSidecar(`alerts:
  evaluation_interval: 100ms
  rules:
    - { name: SlowReplies, kind: threshold, metric: bot.queue.size, op: ">", value: 10, severity: warning }
    - { name: JustSaying, kind: threshold, metric: bot.queue.size, op: ">", value: 1, severity: info }
  notifiers: [{ kind: log }]
router:
  destinations:
    - name: crm
      kind: http
      url: "${crm.url}"
      retry: { initial: "50ms", max: "100ms" }
      circuit_breaker: { consecutive_failures: 1, half_open_after: "1h" }
  routes: [{ match: { topic: ">" }, to: [crm] }]
`);
  try {
    await call(t.client.heartbeat.Beat.bind(t.client.heartbeat), {
      component: "worker",
      interval: { seconds: 60 },
    });
    await gaugeRecord(t, 50);
    await call(t.client.router.Publish.bind(t.client.router), {
      topic: "orders.new",
      payload: Buffer.from("{}"),
    });
    const st = await eventually(async () => {
      const s = await getStatus(t);
      const open = s.destinations[0]?.circuit_state === "CIRCUIT_STATE_OPEN";
      return open && s.firing_alerts.some((a) => a.rule === "SlowReplies") ? s : null;
    });
    assert.equal(await pageBadge(t), "DEGRADED");
    assert.equal(st.overall?.state, "OVERALL_STATUS_DEGRADED");
    assert.deepEqual(st.overall?.reasons, [
      "alert SlowReplies firing (warning)",
      "destination crm: circuit open",
    ]);
    assert.equal(st.status, "OVERALL_STATUS_HEALTHY", "GetStatus.status stays the components' own fold");
    const html = await (await fetch(`${t.httpUrl}/`)).text();
    assert.match(html, /alert SlowReplies firing \(warning\)/);
    assert.equal(await gauge(t), 1);
    const out = await runVigil(["status", "--address", t.grpcAddress]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout.split("\n")[0] ?? "", / · DEGRADED$/);
    assert.match(
      out.stdout,
      /^overall DEGRADED: alert SlowReplies firing \(warning\); destination crm: circuit open$/m,
    );
    assert.equal((await fetch(`${t.httpUrl}/readyz`)).status, 200, "readiness does not follow the verdict");
  } finally {
    await t.close();
    await crm.stop();
  }
});

test("a firing critical alert before any component has beaten is DOWN, not UNKNOWN; /readyz stays 200", async () => {
  const t = await startSidecar(`alerts:
  evaluation_interval: 100ms
  rules:
    - { name: QueueExploding, kind: threshold, metric: bot.queue.size, op: ">", value: 10, severity: critical }
  notifiers: [{ kind: log }]
`);
  try {
    assert.equal((await getStatus(t)).overall?.state, "OVERALL_STATUS_UNKNOWN");
    assert.deepEqual((await getStatus(t)).overall?.reasons, ["no component has beaten yet"]);
    assert.equal(await gauge(t), 3);
    await gaugeRecord(t, 50);
    const st = await eventually(async () => {
      const s = await getStatus(t);
      return s.firing_alerts.length > 0 ? s : null;
    });
    assert.equal(await pageBadge(t), "DOWN");
    assert.equal(st.overall?.state, "OVERALL_STATUS_DOWN");
    assert.deepEqual(st.overall?.reasons, ["alert QueueExploding firing (critical)"]);
    assert.equal(await gauge(t), 2);
    assert.equal((await fetch(`${t.httpUrl}/readyz`)).status, 200, "readiness does not follow the verdict");
  } finally {
    await t.close();
  }
});

test("a destination writing dead letters is DEGRADED; a DOWN component is DOWN with the component named", async () => {
  const crm = await new DestinationServer().start();
  crm.behave = () => ({ status: 400 });
  const t = await startSidecar(`heartbeats:
  evaluation_interval: 100ms
router:
  destinations: [{ name: crm, kind: http, url: "${crm.url}" }]
  routes: [{ match: { topic: ">" }, to: [crm] }]
`);
  try {
    await call(t.client.heartbeat.Beat.bind(t.client.heartbeat), {
      component: "worker",
      interval: { seconds: 60 },
    });
    await call(t.client.router.Publish.bind(t.client.router), {
      topic: "orders.new",
      payload: Buffer.from("{}"),
    });
    const st = await eventually(async () => {
      const s = await getStatus(t);
      return Number(s.destinations[0]?.dead_lettered ?? 0) > 0 ? s : null;
    });
    assert.equal(st.overall?.state, "OVERALL_STATUS_DEGRADED");
    assert.deepEqual(st.overall?.reasons, ["destination crm: 1 dead letter in the last 5m"]);

    await call(t.client.heartbeat.Beat.bind(t.client.heartbeat), {
      component: "flaky",
      interval: { nanos: 100_000_000 },
      grace: { nanos: 100_000_000 },
    });
    const down = await eventually(async () => {
      const s = await getStatus(t);
      return s.overall?.state === "OVERALL_STATUS_DOWN" ? s : null;
    });
    assert.deepEqual(down.overall?.reasons, [
      "component flaky DOWN",
      "destination crm: 1 dead letter in the last 5m",
    ]);
    assert.equal(await pageBadge(t), "DOWN");
    assert.equal((await fetch(`${t.httpUrl}/readyz`)).status, 200);
  } finally {
    await t.close();
    await crm.stop();
  }
});
