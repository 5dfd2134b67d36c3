import assert from "node:assert/strict";
import { test } from "node:test";
import { status } from "@grpc/grpc-js";
import type { GetStatusResponse__Output } from "../../src/generated/vigil/v1/GetStatusResponse.js";
import type { ListAlertsResponse__Output } from "../../src/generated/vigil/v1/ListAlertsResponse.js";
import type { ListSilencesResponse__Output } from "../../src/generated/vigil/v1/ListSilencesResponse.js";
import type { SilenceResponse__Output } from "../../src/generated/vigil/v1/SilenceResponse.js";
import { runVigil } from "../helpers/process.js";
import { call, eventually, startSidecar } from "../helpers/sidecar.js";

test("AlertService and `vigil alerts`: list, acknowledge, silence, unsilence, resolve; bad input is INVALID_ARGUMENT", async () => {
  const t = await startSidecar(`alerts:
  evaluation_interval: 100ms
  rules:
    - { name: WorkerDown, kind: heartbeat, states: [DOWN], severity: critical }
  notifiers: [{ kind: log }]
heartbeats:
  evaluation_interval: 100ms
  components:
    - { name: worker, interval: 100ms, grace: 100ms, expect_at_start: false }
`);
  const alerts = t.client.alerts;
  const address = ["--address", t.grpcAddress];
  try {
    // Declared with expect_at_start: false, so it is UNKNOWN (not DOWN) until its first beat however long
    // the start takes; one beat, then silence: DOWN after 200 ms, one firing.
    await call(t.client.heartbeat.Beat.bind(t.client.heartbeat), { component: "worker" });
    const listed = await eventually(async () => {
      const r = await call<unknown, ListAlertsResponse__Output>(alerts.ListAlerts.bind(alerts), {
        states: ["ALERT_STATE_FIRING"],
      });
      return r.alerts[0];
    });
    assert.equal(listed.rule, "WorkerDown");
    assert.equal(listed.severity, "SEVERITY_CRITICAL");
    assert.equal(listed.labels.component, "worker");
    const fp = listed.fingerprint as string;

    const metrics = await eventually(async () => {
      const text = await (await fetch(`${t.httpUrl}/metrics`)).text();
      const sent = /vigil_alerts_notifications_total\{[^}]*notifier="log"[^}]*result="sent"[^}]*\} 1\n/;
      return sent.test(text) ? text : null;
    });
    assert.match(metrics, /vigil_alerts_firing\{[^}]*rule="WorkerDown"[^}]*severity="critical"[^}]*\} 1\n/);
    assert.ok(
      t.logs.some((r) => r.msg === "alert WorkerDown firing" && r.notifier === "log"),
      "the log notifier wrote the notification",
    );

    const shown = await runVigil(["alerts", ...address]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`${fp}\\s+firing\\s+critical\\s+WorkerDown\\s+component=worker`));

    const ack = await runVigil(["alerts", "ack", fp, "--by", "alice", "--comment", "looking", ...address]);
    assert.equal(ack.code, 0, ack.stderr);
    assert.match(ack.stdout, /acknowledged by alice/);

    const sil = await runVigil([
      "alerts",
      "silence",
      "component=~work.*",
      "--for",
      "30m",
      "--comment",
      "deploy",
      ...address,
    ]);
    assert.equal(sil.code, 0, sil.stderr);
    const id = /silence (\S+) until/.exec(sil.stdout)?.[1] as string;
    const silences = await call<unknown, ListSilencesResponse__Output>(alerts.ListSilences.bind(alerts), {});
    assert.deepEqual(
      silences.silences.map((s) => [s.id, s.matchers[0]?.operator, s.comment]),
      [[id, "MATCH_OPERATOR_REGEX", "deploy"]],
    );
    const st = await call<unknown, GetStatusResponse__Output>(
      t.client.admin.GetStatus.bind(t.client.admin),
      {},
    );
    assert.equal(st.firing_alerts.length, 1, "GetStatus shows firing alerts");
    assert.equal(st.firing_alerts[0]?.acknowledged?.by, "alice");
    assert.deepEqual(st.firing_alerts[0]?.silenced_by, [id]);
    const page = await (await fetch(`${t.httpUrl}/status.json`)).json();
    assert.equal((page as { firingAlerts: unknown[] }).firingAlerts.length, 1);
    const html = await (await fetch(`${t.httpUrl}/`)).text();
    assert.match(
      html,
      /<h2>Firing alerts<\/h2>[\s\S]*<td>WorkerDown<\/td>[\s\S]*acknowledged by alice, silenced/,
    );
    const statusOut = await runVigil(["status", ...address]);
    assert.match(statusOut.stdout, /FIRING ALERT\s+SEVERITY[\s\S]*WorkerDown\s+critical\s+component=worker/);

    assert.equal((await runVigil(["alerts", "unsilence", id, ...address])).code, 0);
    const gone = await runVigil(["alerts", "unsilence", id, ...address]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /VIGIL_ERR_ALERT_SILENCE_NOT_FOUND/);

    const resolved = await runVigil(["alerts", "resolve", fp, "--by", "bob", ...address]);
    assert.equal(resolved.code, 0, resolved.stderr);
    const history = await runVigil(["alerts", "--all", "--json", ...address]);
    const rows = JSON.parse(history.stdout) as Array<{ state: string; fingerprint: string }>;
    assert.ok(
      rows.some((a) => a.state === "ALERT_STATE_RESOLVED" && a.fingerprint === fp),
      history.stdout,
    );

    const bad = (await runVigil(["alerts", "silence", "nomatcher", ...address])) as {
      code: number;
      stderr: string;
    };
    assert.equal(bad.code, 2);
    await assert.rejects(
      call<unknown, SilenceResponse__Output>(alerts.Silence.bind(alerts), {
        matchers: [{ name: "a", value: "(", operator: "MATCH_OPERATOR_REGEX" }],
        duration: { seconds: 60 },
      }),
      (e: { code: number; details: string }) =>
        e.code === status.INVALID_ARGUMENT &&
        /matchers\[0\]\.value: invalid regular expression/.test(e.details),
    );
    await assert.rejects(
      call(alerts.Silence.bind(alerts), { matchers: [], duration: { seconds: 60 } }),
      (e: { code: number }) => e.code === status.INVALID_ARGUMENT,
    );
    await assert.rejects(
      call(alerts.Acknowledge.bind(alerts), { fingerprint: "not-hex" }),
      (e: { code: number; details: string }) =>
        e.code === status.INVALID_ARGUMENT && /fingerprint/.test(e.details),
    );
  } finally {
    await t.close();
  }
});

test("threshold rules see the bot's metrics as recorded over gRPC, and Vigil's own metrics (vigil.*)", async () => {
  const t = await startSidecar(`alerts:
  evaluation_interval: 100ms
  rules:
    - { name: SlowReplies, kind: threshold, metric: bot.reply.duration, aggregate: p90, window: 1m, op: ">", value: 1000 }
    - { name: ManyRejected, kind: threshold, metric: vigil.metrics.points, match: { result: rejected }, aggregate: sum, window: 1m, op: ">=", value: 3 }
`);
  const record = (points: unknown[]) => call(t.client.metrics.Record.bind(t.client.metrics), { points });
  try {
    await record(
      Array.from({ length: 10 }, (_, i) => ({
        name: "bot.reply.duration",
        kind: "METRIC_KIND_HISTOGRAM",
        value: i < 8 ? 100 : 5000,
        attributes: { channel: "telegram" },
      })),
    );
    await record([
      {
        name: "bot.reply.duration",
        kind: "METRIC_KIND_HISTOGRAM",
        value: 50,
        attributes: { channel: "slack" },
      },
    ]);
    const slow = await eventually(() => t.sidecar.alerts.firing().find((a) => a.rule === "SlowReplies"));
    assert.equal(slow.labels.channel, "telegram");
    assert.equal(slow.value, 5000, "p90 of 8×100 and 2×5000 (nearest rank)");
    assert.equal(
      t.sidecar.alerts.firing().filter((a) => a.rule === "SlowReplies").length,
      1,
      "slack is fast",
    );

    // Let the first collection of Vigil's own metrics set the baseline, then reject three points.
    await eventually(
      () => (t.sidecar.scheduler.list().find((x) => x.name === "alert-evaluation")?.runs ?? 0) >= 2,
    );
    assert.equal(t.sidecar.alerts.firing().filter((a) => a.rule === "ManyRejected").length, 0);
    await record([
      { name: "", kind: "METRIC_KIND_GAUGE", value: 1 },
      { name: "", kind: "METRIC_KIND_GAUGE", value: 1 },
      { name: "", kind: "METRIC_KIND_GAUGE", value: 1 },
    ]);
    const rejected = await eventually(() => t.sidecar.alerts.firing().find((a) => a.rule === "ManyRejected"));
    assert.equal(rejected.value, 3);
    assert.equal(rejected.labels.result, "rejected");
    // The rules read through the Prometheus exporter's reader: scrapes still see cumulative totals.
    for (let i = 0; i < 2; i++) {
      const text = await (await fetch(`${t.httpUrl}/metrics`)).text();
      assert.match(text, /vigil_metrics_points_total\{[^}]*result="rejected"[^}]*\} 3\n/);
    }
  } finally {
    await t.close();
  }
});

test("self rules read the running process: CPU, memory, heap, event-loop delay and the data dir's free disk are real numbers", async () => {
  // Each rule holds for any real reading and never for NaN, so an unmeasured value leaves its rule silent.
  const t = await startSidecar(`alerts:
  evaluation_interval: 100ms
  rules:
    - { name: Cpu, kind: self, measure: cpu, op: ">=", value: 0 }
    - { name: Memory, kind: self, measure: memory, op: ">", value: "1MiB" }
    - { name: Heap, kind: self, measure: heap, op: ">", value: "1MiB" }
    - { name: LoopDelay, kind: self, measure: event_loop_delay, op: ">=", value: 0 }
    - { name: DiskFree, kind: self, measure: disk_free, op: ">", value: 0 }
    - { name: HugeDisk, kind: self, measure: disk_free, op: ">", value: "100000TiB" }
`);
  try {
    const firing = await eventually(() => {
      const f = t.sidecar.alerts.firing();
      return f.length >= 5 ? f : null;
    });
    assert.deepEqual(firing.map((a) => a.rule).sort(), ["Cpu", "DiskFree", "Heap", "LoopDelay", "Memory"]);
    const value = (rule: string) => firing.find((a) => a.rule === rule)?.value ?? Number.NaN;
    assert.ok(
      value("Memory") > 10 * 1024 * 1024 && value("Memory") < 4 * 1024 ** 3,
      `rss ${value("Memory")}`,
    );
    assert.ok(value("Heap") < value("Memory"), "heap is part of the RSS");
    assert.ok(value("Cpu") >= 0 && value("Cpu") <= 200 * 2, `cpu ${value("Cpu")}`);
    assert.ok(value("LoopDelay") >= 0 && value("LoopDelay") < 10_000, `loop ${value("LoopDelay")}`);
    assert.ok(value("DiskFree") > 0, `disk ${value("DiskFree")}`);
  } finally {
    await t.close();
  }
});
