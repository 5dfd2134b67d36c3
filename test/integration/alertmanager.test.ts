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
