import assert from "node:assert/strict";
import { test } from "node:test";
import { AlertmanagerServer } from "../helpers/alertmanager.js";
import { call, eventually, startSidecar } from "../helpers/sidecar.js";

test("a real Alertmanager: a bot stops beating, the alert appears with its labels; it beats again, the alert resolves", async () => {
  const am = await new AlertmanagerServer().start();
  const t = await startSidecar(`heartbeats: { evaluation_interval: 100ms }
alerts:
  evaluation_interval: 100ms
  external_url: "http://vigil.example:9464/"
  rules:
    - name: BotDown
      kind: heartbeat
      selector: { component: "bot-*" }
      states: [DOWN]
      severity: critical
      labels: { team: bots }
      annotations: { summary: "{{ labels.component }} stopped beating" }
  notifiers:
    - { kind: alertmanager, url: "${am.url}", resend_interval: 1s }
`);
  const beat = () =>
    call(t.client.heartbeat.Beat.bind(t.client.heartbeat), {
      component: "bot-1",
      interval: { nanos: 300_000_000 },
      grace: { nanos: 300_000_000 },
    });
  try {
    await beat();
    // The bot stops beating: DOWN after interval + grace, then the alert fires and reaches Alertmanager.
    const alert = await eventually(
      async () => (await am.alerts()).find((a) => a.labels.alertname === "BotDown"),
      15_000,
    );
    assert.deepEqual(alert.labels, {
      alertname: "BotDown",
      severity: "critical",
      team: "bots",
      component: "bot-1",
    });
    assert.equal(alert.annotations.summary, "bot-1 stopped beating");
    assert.equal(alert.generatorURL, "http://vigil.example:9464/");
    assert.equal(alert.status.state, "active");
    assert.ok(
      Date.parse(alert.endsAt) > Date.now(),
      "a firing alert ends in the future (re-sent before then)",
    );
    const firing = t.sidecar.alerts.firing();
    assert.equal(firing.length, 1);

    // The bot beats again: Vigil resolves the alert and tells Alertmanager, which drops it from its active alerts.
    await beat();
    const resolvedAt = await eventually(async () => {
      const held = (await am.alerts()).find((a) => a.labels.alertname === "BotDown");
      return held === undefined || Date.parse(held.endsAt) <= Date.now() ? Date.now() : null;
    }, 15_000);
    assert.ok(resolvedAt);
    assert.equal(t.sidecar.alerts.firing().length, 0);
    const history = t.sidecar.alerts.list({ states: ["resolved"], includeResolved: true, since: 0 });
    assert.equal(history[0]?.rule, "BotDown");
    const notifications = t.logs.filter((r) => String(r.event ?? "").startsWith("alert."));
    assert.deepEqual(
      notifications.map((r) => r.event),
      ["alert.pending", "alert.firing", "alert.resolved"],
      "every transition is a log record",
    );
  } finally {
    await t.close();
    await am.stop();
  }
});

test("a real Alertmanager gets VigilWatchdog, always firing and re-sent every resend_interval; it is none of Vigil's own alerts", async () => {
  const am = await new AlertmanagerServer().start();
  const t = await startSidecar(`alerts:
  evaluation_interval: 100ms
  notifiers:
    - { kind: alertmanager, url: "${am.url}", resend_interval: 300ms }
    - { kind: log }
`);
  try {
    const watchdog = async () => (await am.alerts()).find((a) => a.labels.alertname === "VigilWatchdog");
    const first = await eventually(watchdog, 15_000, "VigilWatchdog in Alertmanager");
    assert.equal(first.labels.severity, "info");
    assert.ok(first.labels.instance, "each replica's watchdog carries its instance");
    assert.deepEqual(Object.keys(first.labels).sort(), ["alertname", "instance", "severity"]);
    assert.equal(first.status.state, "active");
    assert.ok(
      Date.parse(first.endsAt) > Date.now(),
      "ends in the future: Alertmanager lets it end when re-sends stop",
    );
    // Re-sent: each re-send moves endsAt on, so Alertmanager keeps it active only while Vigil runs.
    const later = await eventually(
      async () => {
        const a = await watchdog();
        return a && Date.parse(a.endsAt) >= Date.parse(first.endsAt) + 600 ? a : null;
      },
      15_000,
      "a re-send of VigilWatchdog",
    );
    assert.equal(later.startsAt, first.startsAt, "the same alert, still firing since Vigil started");
    assert.equal(later.fingerprint, first.fingerprint);
    assert.equal(t.sidecar.alerts.firing().length, 0, "not one of Vigil's alerts (status, ListAlerts)");
    assert.equal(
      t.logs.filter((r) => String(r.msg ?? "").includes("VigilWatchdog")).length,
      0,
      "the log notifier does not get it",
    );
  } finally {
    await t.close();
    await am.stop();
  }
});

test("alerts.watchdog: false sends no VigilWatchdog, while other alerts still reach Alertmanager", async () => {
  const am = await new AlertmanagerServer().start();
  const t = await startSidecar(`heartbeats: { evaluation_interval: 100ms }
alerts:
  evaluation_interval: 100ms
  watchdog: false
  rules:
    - { name: BotDown, kind: heartbeat, states: [DOWN], severity: critical }
  notifiers:
    - { kind: alertmanager, url: "${am.url}", resend_interval: 300ms }
`);
  try {
    await call(t.client.heartbeat.Beat.bind(t.client.heartbeat), {
      component: "bot-1",
      interval: { nanos: 100_000_000 },
      grace: { nanos: 100_000_000 },
    });
    await eventually(
      async () => (await am.alerts()).find((a) => a.labels.alertname === "BotDown"),
      15_000,
      "BotDown in Alertmanager",
    );
    // BotDown went in the same posts the watchdog would have: wait until it was re-sent three times.
    const sent = async () => {
      const text = await (await fetch(`${t.httpUrl}/metrics`)).text();
      const m =
        /vigil_alerts_notifications_total\{[^}]*notifier="alertmanager"[^}]*result="sent"[^}]*\} (\d+)/.exec(
          text,
        );
      return Number(m?.[1] ?? 0);
    };
    const first = await sent();
    await eventually(async () => (await sent()) >= first + 3, 15_000, "BotDown re-sent three times");
    assert.deepEqual(
      (await am.alerts()).map((a) => a.labels.alertname),
      ["BotDown"],
    );
  } finally {
    await t.close();
    await am.stop();
  }
});

test("a real Alertmanager: a declared bot that never comes up is DOWN after interval + grace, and BotDown reaches Alertmanager", async () => {
  const am = await new AlertmanagerServer().start();
  const t = await startSidecar(`heartbeats:
  evaluation_interval: 100ms
  components: [{ name: bot-never, interval: 300ms, grace: 300ms }]
alerts:
  evaluation_interval: 100ms
  watchdog: false
  rules:
    - { name: BotDown, kind: heartbeat, selector: { component: "bot-*" }, states: [DOWN], severity: critical }
  notifiers:
    - { kind: alertmanager, url: "${am.url}", resend_interval: 1s }
`);
  try {
    // No beat at all: UNKNOWN for interval + grace after start, then DOWN, and the rule fires.
    const alert = await eventually(
      async () => (await am.alerts()).find((a) => a.labels.alertname === "BotDown"),
      15_000,
    );
    assert.equal(alert.labels.component, "bot-never");
    assert.equal(t.sidecar.heartbeats.get("bot-never")?.state, "DOWN");
  } finally {
    await t.close();
    await am.stop();
  }
});
