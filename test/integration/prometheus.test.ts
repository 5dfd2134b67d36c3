import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { PrometheusServer } from "../helpers/prometheus.js";
import { call, eventually, startSidecar } from "../helpers/sidecar.js";

test("a real Prometheus scrapes Vigil: a bot counter and vigil_component_up come back through its query API", async () => {
  const t = await startSidecar("", { hostMetrics: true });
  const prom = new PrometheusServer();
  try {
    await call(t.client.heartbeat.Beat.bind(t.client.heartbeat), {
      component: "scraper",
      interval: { seconds: 60 },
    });
    await call(t.client.metrics.Record.bind(t.client.metrics), {
      points: [
        {
          name: "bot.messages.handled",
          kind: "METRIC_KIND_COUNTER",
          value: 42,
          attributes: { channel: "telegram" },
        },
        { name: "bot.reply.duration", kind: "METRIC_KIND_HISTOGRAM", value: 0.25, unit: "s" },
        { name: "bot.queue.size", kind: "METRIC_KIND_GAUGE", value: 7 },
      ],
    });
    await prom.start([`127.0.0.1:${t.sidecar.httpPort}`]);
    const counter = await eventually(
      async () => (await prom.query('bot_messages_handled_total{channel="telegram"}'))[0],
      30_000,
      "bot counter in Prometheus",
    );
    assert.equal(counter.value[1], "42");
    assert.equal(counter.metric.job, "vigil");
    const up = await eventually(
      async () => (await prom.query('vigil_component_up{component="scraper"}'))[0],
      30_000,
      "component up",
    );
    assert.equal(up.value[1], "1");
  } finally {
    await prom.stop();
    await t.close();
  }
});

test("promtool check metrics finds no errors and no style problems in /metrics", async () => {
  const t = await startSidecar("", { hostMetrics: true });
  try {
    await call(t.client.heartbeat.Beat.bind(t.client.heartbeat), { component: "linted" });
    await call(t.client.metrics.Record.bind(t.client.metrics), {
      points: [
        {
          name: "bot.messages.handled",
          kind: "METRIC_KIND_COUNTER",
          value: 1,
          description: "Messages handled",
        },
        {
          name: "bot.reply.duration",
          kind: "METRIC_KIND_HISTOGRAM",
          value: 0.25,
          unit: "s",
          description: "Reply time",
        },
        { name: "bot.queue.size", kind: "METRIC_KIND_GAUGE", value: 7, description: "Queue size" },
        { name: "bot.inflight", kind: "METRIC_KIND_UP_DOWN_COUNTER", value: 2, description: "In flight" },
      ],
    });
    const exposition = await (await fetch(`${t.httpUrl}/metrics`)).text();
    assert.match(exposition, /vigil_heartbeats_received_total/);
    const child = spawn("promtool", ["check", "metrics"], { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    const collectOutput = (d: Buffer) => {
      output += d.toString();
    };
    child.stdout.on("data", collectOutput);
    child.stderr.on("data", collectOutput);
    child.stdin.end(exposition);
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    assert.equal(code, 0, `promtool: ${output}`);
  } finally {
    await t.close();
  }
});
