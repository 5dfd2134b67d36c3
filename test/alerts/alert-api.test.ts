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
heartbeats:
  evaluation_interval: 100ms
  components:
    - { name: worker, interval: 100ms, grace: 100ms }
`);
  const alerts = t.client.alerts;
  const address = ["--address", t.grpcAddress];
  try {
    // Declared and never beaten: UNKNOWN, not DOWN. One beat, then silence: DOWN after 200 ms.
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
