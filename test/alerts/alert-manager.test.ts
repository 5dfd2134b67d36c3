import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { metrics } from "@opentelemetry/api";
import { AlertManager, type SelfStats } from "../../src/alerts/alert-manager.js";
import { parseConfigText } from "../../src/config/load.js";
import type { ComponentView } from "../../src/heartbeat/heartbeat-monitor.js";
import type { DestinationSnapshot } from "../../src/router/router.js";
import { ManualClock } from "../../src/util/clock.js";
import { DestinationServer } from "../helpers/destination-server.js";
import { captureLogger } from "../helpers/log-capture.js";
import { eventually } from "../helpers/sidecar.js";

interface Rig {
  alerts: AlertManager;
  clock: ManualClock;
  hook: DestinationServer;
  dataDir: string;
  components: ComponentView[];
  destinations: DestinationSnapshot[];
  self: SelfStats;
  /** Webhook notifications received: [event, alertname, labels.component ?? ""]. */
  events(): Array<[string, string, string]>;
  bodies(): Array<Record<string, unknown>>;
  tick(ms: number): Promise<void>;
  close(): Promise<void>;
}

const open: Rig[] = [];
after(async () => {
  for (const r of open) await r.close();
});

function component(
  name: string,
  state: ComponentView["state"],
  health: ComponentView["health"] = "OK",
): ComponentView {
  return {
    name,
    state,
    health,
    message: "",
    openRuns: 0,
    lastBeat: 0,
    ageMs: 1000,
    beatCount: 1,
    errors: [],
    intervalMs: 1000,
    graceMs: 1000,
    deadline: null,
    attributes: {},
    schedule: null,
    timezone: null,
    jobRunning: false,
    registeredAt: 0,
    declared: false,
  };
}

function destination(name: string, extra: Partial<DestinationSnapshot> = {}): DestinationSnapshot {
  return {
    name,
    kind: "http",
    enabled: true,
    paused: false,
    circuit: "closed",
    degraded: false,
    queueDepth: 0,
    queueBytes: 0,
    inFlight: 0,
    subscribers: 0,
    delivered: 0,
    failed: 0,
    deadLettered: 0,
    dropped: 0,
    lastDelivery: 0,
    faults: [],
    ...extra,
  };
}

/** An AlertManager over sources the test controls, notifying a real webhook receiver. */
async function rig(
  alertsYaml: string,
  opts: { dataDir?: string; hook?: DestinationServer; clock?: ManualClock; hookOptions?: string } = {},
): Promise<Rig> {
  const hook = opts.hook ?? (await new DestinationServer().start());
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "vigil-alerts-"));
  const clock = opts.clock ?? new ManualClock();
  const yaml = `alerts:\n  notifiers:\n    - { kind: webhook, url: "${hook.url}", ${opts.hookOptions ?? ""}retry: { initial: "10ms", max: "50ms" } }\n${alertsYaml}`;
  const config = parseConfigText(yaml, "test", null, {}).config;
  const r: Rig = {
    clock,
    hook,
    dataDir,
    components: [],
    destinations: [],
    self: { cpuPercent: 1, rssBytes: 50e6, heapUsedBytes: 20e6, eventLoopDelayP99Ms: 1, diskFreeBytes: 10e9 },
    alerts: null as unknown as AlertManager,
    events: () =>
      hook.received.map((q) => {
        const b = JSON.parse(q.body.toString()) as { alerts: Array<{ labels: Record<string, string> }> };
        const labels = b.alerts[0]?.labels ?? {};
        return [String(q.headers["x-vigil-event"]), labels.alertname as string, labels.component ?? ""];
      }),
    bodies: () => hook.received.map((q) => JSON.parse(q.body.toString()) as Record<string, unknown>),
    tick: async (ms: number) => {
      clock.advance(ms);
      await r.alerts.evaluate();
      await r.alerts.idle();
    },
    close: async () => {
      await r.alerts.stop();
      if (!opts.hook) await hook.stop();
    },
  };
  r.alerts = new AlertManager({
    config: config.alerts,
    dataDir,
    logger: captureLogger().logger,
    clock,
    meter: metrics.getMeter("test"),
    generatorUrl: "http://vigil.test:9464/",
    seriesLimits: { maxSeries: 100, idleMs: 60_000 },
    sources: {
      components: () => r.components,
      destinations: () => r.destinations,
      self: async () => r.self,
    },
  });
  await r.alerts.start();
  open.push(r);
  return r;
}

describe("alert lifecycle", () => {
  test("inactive → pending → firing after `for` → resolved; the webhook gets firing and resolved as documented", async () => {
    const r = await rig(`  rules:
    - name: BotDown
      kind: heartbeat
      selector: { component: "worker*" }
      states: [DOWN]
      for: 30s
      severity: critical
      labels: { team: bots }
      annotations: { summary: "{{ labels.component }} is down ({{ value }}s since its last beat)" }
`);
    r.components = [component("worker-1", "DOWN"), component("other", "DOWN")];
    await r.tick(0);
    let list = r.alerts.list({ states: [], includeResolved: false, since: 0 });
    assert.equal(list.length, 1, "only the selected component");
    assert.equal(list[0]?.state, "pending");
    assert.deepEqual(r.events(), [], "pending is not notified");
    await r.tick(29_000);
    assert.equal(r.alerts.list({ states: ["firing"], includeResolved: false, since: 0 }).length, 0);
    await r.tick(1_000);
    list = r.alerts.list({ states: ["firing"], includeResolved: false, since: 0 });
    assert.equal(list.length, 1);
    const a = list[0];
    assert.deepEqual(a?.labels, {
      alertname: "BotDown",
      severity: "critical",
      team: "bots",
      component: "worker-1",
    });
    assert.match(a?.fingerprint ?? "", /^[0-9a-f]{16}$/);
    assert.deepEqual(r.events(), [["firing", "BotDown", "worker-1"]]);
    const body = r.bodies()[0] as Record<string, unknown>;
    assert.equal(body.version, "4");
    assert.equal(body.receiver, "webhook");
    const alert = (body.alerts as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    assert.equal(alert.status, "firing");
    assert.equal((alert.labels as Record<string, string>).severity, "critical");
    assert.equal(alert.fingerprint, a?.fingerprint);
    assert.deepEqual(alert.annotations, { summary: "worker-1 is down (1s since its last beat)" });
    assert.equal(alert.generatorURL, "http://vigil.test:9464/");
    assert.equal(alert.startsAt, new Date(r.clock.now()).toISOString(), "startsAt: when it fired");
    assert.equal(alert.endsAt, "0001-01-01T00:00:00Z");

    r.components = [component("worker-1", "UP"), component("other", "DOWN")];
    await r.tick(1_000);
    assert.deepEqual(r.events(), [
      ["firing", "BotDown", "worker-1"],
      ["resolved", "BotDown", "worker-1"],
    ]);
    const resolved = (r.bodies()[1]?.alerts as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    assert.equal(resolved.status, "resolved");
    assert.equal(resolved.endsAt, new Date(r.clock.now()).toISOString());
    assert.equal(r.alerts.list({ states: [], includeResolved: false, since: 0 }).length, 0);
    const history = r.alerts.list({ states: ["resolved"], includeResolved: true, since: 0 });
    assert.equal(history.length, 1, "the resolved alert is in the history");
  });

  test("a pending alert whose condition stops holding goes back to inactive without any notification", async () => {
    const r = await rig("  rules:\n    - { name: Late, kind: heartbeat, states: [LATE], for: 1m }\n");
    r.components = [component("w", "LATE")];
    await r.tick(0);
    assert.equal(r.alerts.list({ states: ["pending"], includeResolved: false, since: 0 }).length, 1);
    r.components = [component("w", "UP")];
    await r.tick(10_000);
    assert.equal(r.alerts.list({ states: [], includeResolved: true, since: 0 }).length, 0, "no trace");
    assert.deepEqual(r.events(), []);
  });

  test("keep_firing_for holds a firing alert through a short recovery", async () => {
    const r = await rig("  rules:\n    - { name: Down, kind: heartbeat, keep_firing_for: 20s }\n");
    r.components = [component("w", "DOWN")];
    await r.tick(0);
    r.components = [component("w", "UP")];
    await r.tick(10_000);
    assert.equal(r.alerts.firing().length, 1, "still firing within keep_firing_for");
    r.components = [component("w", "DOWN")];
    await r.tick(10_000);
    r.components = [component("w", "UP")];
    await r.tick(19_000);
    assert.equal(r.alerts.firing().length, 1);
    await r.tick(1_000);
    assert.equal(r.alerts.firing().length, 0);
    assert.deepEqual(r.events(), [
      ["firing", "Down", "w"],
      ["resolved", "Down", "w"],
    ]);
  });

  test("FAILING health is watched like a state", async () => {
    const r = await rig("  rules:\n    - { name: Failing, kind: heartbeat, states: [FAILING] }\n");
    r.components = [component("job", "UP", "FAILING"), component("ok", "UP")];
    await r.tick(0);
    assert.deepEqual(
      r.alerts.firing().map((a) => a.labels.component),
      ["job"],
    );
  });

  test("repeat_interval re-notifies a firing alert until it is acknowledged", async () => {
    const r = await rig("  rules:\n    - { name: Down, kind: heartbeat, repeat_interval: 1m }\n");
    r.components = [component("w", "DOWN")];
    await r.tick(0);
    await r.tick(30_000);
    assert.equal(r.events().length, 1);
    await r.tick(30_000);
    assert.deepEqual(
      r.events().map((e) => e[0]),
      ["firing", "repeat"],
    );
    const fp = r.alerts.firing()[0]?.fingerprint as string;
    const acked = r.alerts.acknowledge(fp, "alice", "on it");
    assert.equal(acked.acknowledged?.by, "alice");
    await r.tick(60_000);
    await r.tick(60_000);
    assert.equal(r.events().length, 2, "an acknowledged alert is not repeated");
    const listed = r.alerts.firing()[0];
    assert.deepEqual(listed?.acknowledged, { by: "alice", at: acked.acknowledged?.at, comment: "on it" });
    r.components = [component("w", "UP")];
    await r.tick(1000);
    assert.equal(r.events().at(-1)?.[0], "resolved", "the resolve is still sent");
    assert.throws(
      () => r.alerts.acknowledge(fp, "bob", ""),
      /VIGIL_ERR_ALERT_NOT_FOUND|no pending or firing alert/,
    );
  });

  test("a silence mutes matching alerts until it ends or is removed; others are notified", async () => {
    const r = await rig("  rules:\n    - { name: Down, kind: heartbeat }\n");
    const s = r.alerts.silence([{ name: "component", value: "noisy-.*", op: "=~" }], 60_000, "deploy", "ops");
    r.components = [component("noisy-1", "DOWN"), component("quiet", "DOWN")];
    await r.tick(0);
    assert.deepEqual(r.events(), [["firing", "Down", "quiet"]]);
    const noisy = r.alerts.firing().find((a) => a.labels.component === "noisy-1");
    assert.deepEqual(noisy?.silencedBy, [s.id]);
    await r.tick(30_000);
    assert.equal(r.events().length, 1);
    await r.tick(30_000);
    assert.deepEqual(r.events().at(-1), ["firing", "Down", "noisy-1"], "notified once the silence ended");

    const s2 = r.alerts.silence([{ name: "alertname", value: "Down", op: "=" }], 3600_000, "", "");
    r.components.push(component("third", "DOWN"));
    await r.tick(1000);
    assert.equal(r.events().length, 2);
    assert.deepEqual(
      r.alerts.silences().map((x) => x.id),
      [s2.id],
    );
    r.alerts.unsilence(s2.id);
    await r.tick(1000);
    assert.deepEqual(r.events().at(-1), ["firing", "Down", "third"]);
    assert.throws(() => r.alerts.unsilence(s2.id), /no active silence/);
  });

  test("Resolve by hand closes the alert; it is pending again at the next evaluation if the condition holds", async () => {
    const r = await rig("  rules:\n    - { name: Down, kind: heartbeat, for: 10s }\n");
    r.components = [component("w", "DOWN")];
    await r.tick(0);
    await r.tick(10_000);
    const fp = r.alerts.firing()[0]?.fingerprint as string;
    const resolved = r.alerts.resolveByHand(fp, "alice", "fixed by hand");
    assert.equal(resolved.state, "resolved");
    assert.equal(resolved.resolvedBy, "alice");
    await r.alerts.idle();
    await r.tick(1000);
    const again = r.alerts.list({ states: [], includeResolved: false, since: 0 });
    assert.equal(again[0]?.state, "pending");
    assert.equal(again[0]?.fingerprint, fp, "same labels, same fingerprint");
    assert.deepEqual(
      r.events().map((e) => e[0]),
      ["firing", "resolved"],
    );
  });

  test("flapping: after flap.max_changes fire/resolve changes within flap.window the resolve is held back", async () => {
    const r = await rig(
      '  flap: { window: "10m", max_changes: 4 }\n  rules:\n    - { name: Down, kind: heartbeat }\n',
    );
    for (let i = 0; i < 2; i++) {
      r.components = [component("w", "DOWN")];
      await r.tick(10_000);
      r.components = [component("w", "UP")];
      await r.tick(10_000);
    }
    assert.equal(r.events().length, 4);
    r.components = [component("w", "DOWN")];
    await r.tick(10_000);
    r.components = [component("w", "UP")];
    await r.tick(10_000);
    assert.equal(r.alerts.firing().length, 1, "flapping: still firing");
    assert.equal(r.events().length, 5);
    r.components = [component("w", "DOWN")];
    await r.tick(10_000);
    r.components = [component("w", "UP")];
    await r.tick(60_000);
    assert.equal(r.events().length, 5, "no new notifications while it flaps");
    await r.tick(10 * 60_000);
    assert.equal(r.alerts.firing().length, 0, "resolved after a quiet flap window");
    assert.deepEqual(r.events().at(-1)?.[0], "resolved");
  });

  test("restart: a firing alert is neither forgotten nor re-notified; its resolve is sent after the restart", async () => {
    const clock = new ManualClock();
    const hook = await new DestinationServer().start();
    const yaml = "  rules:\n    - { name: Down, kind: heartbeat, for: 5s, repeat_interval: 1h }\n";
    const first = await rig(yaml, { hook, clock });
    first.components = [component("w", "DOWN")];
    await first.tick(0);
    await first.tick(5_000);
    const before = first.alerts.firing()[0];
    assert.equal(first.events().length, 1);
    const silence = first.alerts.silence([{ name: "component", value: "other", op: "=" }], 3600_000, "", "");
    await first.alerts.stop();

    const second = await rig(yaml, { hook, clock, dataDir: first.dataDir });
    const resumed = second.alerts.firing()[0];
    assert.equal(resumed?.fingerprint, before?.fingerprint);
    assert.equal(resumed?.activeSince, before?.activeSince);
    assert.equal(resumed?.firedAt, before?.firedAt);
    assert.deepEqual(
      second.alerts.silences().map((s) => s.id),
      [silence.id],
    );
    second.components = [component("w", "DOWN")];
    await second.tick(10_000);
    assert.equal(second.events().length, 1, "not notified again");
    second.components = [component("w", "UP")];
    await second.tick(1000);
    assert.deepEqual(
      second.events().map((e) => e[0]),
      ["firing", "resolved"],
    );
    await hook.stop();
  });

  test("a corrupt alerts.db is moved aside and alerts start afresh, never a crash", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "vigil-alerts-corrupt-"));
    writeFileSync(
      join(dataDir, "alerts.db"),
      "this is not a database, and it is long enough to look like one".repeat(100),
    );
    const r = await rig("  rules:\n    - { name: Down, kind: heartbeat }\n", { dataDir });
    r.components = [component("w", "DOWN")];
    await r.tick(0);
    assert.equal(r.alerts.firing().length, 1);
    assert.ok(readdirSync(dataDir).some((f) => f.startsWith("alerts.db.corrupt-")));
  });

  test("a pending alert survives a restart with its start time", async () => {
    const clock = new ManualClock();
    const yaml = "  rules:\n    - { name: Down, kind: heartbeat, for: 1m }\n";
    const first = await rig(yaml, { clock });
    first.components = [component("w", "DOWN")];
    await first.tick(0);
    await first.alerts.stop();
    const second = await rig(yaml, { clock, dataDir: first.dataDir });
    second.components = [component("w", "DOWN")];
    await second.tick(60_000);
    assert.equal(second.alerts.firing().length, 1, "fired a minute after it first held, across the restart");
  });
});

describe("notifiers", () => {
  test("a webhook that fails, then recovers, gets every notification once, as documented", async () => {
    const r = await rig("  rules:\n    - { name: Down, kind: heartbeat }\n");
    r.hook.behave = (_req, n) => (n < 3 ? { status: 503 } : { status: 200 });
    r.components = [component("a", "DOWN")];
    await r.tick(0);
    assert.equal(r.events().length, 0, "the first attempt failed");
    await eventually(async () => {
      await r.tick(100);
      return r.events().length === 1;
    });
    r.components = [];
    await r.tick(100);
    assert.deepEqual(r.events(), [
      ["firing", "Down", "a"],
      ["resolved", "Down", "a"],
    ]);
    assert.equal(r.hook.requests.length, 5, "three failures, then one each");
    const keys = r.hook.received.map((q) => q.headers["idempotency-key"]);
    assert.equal(new Set(keys).size, 2);
  });

  test("a notifier that hangs times out behind its breaker; another notifier and the evaluation go on", async () => {
    const other = await new DestinationServer().start();
    const r = await rig(
      `    - { name: second, kind: webhook, url: "${other.url}" }\n  rules:\n    - { name: Down, kind: heartbeat }\n`,
      { hookOptions: "timeout: 200ms, circuit_breaker: { consecutive_failures: 2, half_open_after: 1h }, " },
    );
    r.hook.behave = () => "hang";
    r.components = [component("a", "DOWN")];
    const t0 = Date.now();
    await r.tick(0);
    assert.ok(Date.now() - t0 < 5000);
    await eventually(() => other.received.length === 1);
    r.components.push(component("b", "DOWN"));
    await r.tick(1000);
    await eventually(() => other.received.length === 2, 5000, "the healthy notifier gets the second alert");
    assert.equal(r.alerts.firing().length, 2, "evaluation is not held up");
    // Two timeouts open the hung notifier's breaker: later sends fail fast instead of hanging again.
    await eventually(async () => {
      await r.tick(100);
      return r.hook.requests.length >= 2;
    });
    const requests = r.hook.requests.length;
    for (let i = 0; i < 5; i++) await r.tick(100);
    assert.equal(r.hook.requests.length, requests, "no request while the breaker is open");
    await other.stop();
  });

  test("a webhook that refuses an alert (4xx) is not retried forever; other notifiers are unaffected", async () => {
    const other = await new DestinationServer().start();
    const r = await rig(
      `    - { name: second, kind: webhook, url: "${other.url}" }\n    - { kind: log }\n  rules:\n    - { name: Down, kind: heartbeat }\n`,
    );
    r.hook.behave = () => ({ status: 400 });
    r.components = [component("a", "DOWN")];
    await r.tick(0);
    await r.tick(1000);
    await r.tick(1000);
    assert.equal(r.hook.requests.length, 1, "a permanent refusal is not retried");
    assert.equal(other.received.length, 1);
    await other.stop();
  });
});

describe("rule kinds", () => {
  test("threshold: aggregates over the window of a bot metric's series, per series", async () => {
    const r = await rig(`  rules:
    - { name: SlowReplies, kind: threshold, metric: bot.reply.duration, aggregate: p99, window: 1m, op: ">", value: 2000, annotations: { summary: "p99 {{ value }} ms" } }
    - { name: Errors, kind: threshold, metric: bot.errors, match: { kind: fatal }, aggregate: rate, window: 10s, op: ">=", value: 1 }
    - { name: QueueHigh, kind: threshold, metric: bot.queue, aggregate: avg, window: 1m, op: ">", value: 10 }
`);
    const s = r.alerts.series;
    assert.deepEqual([...s.names].sort(), ["bot.errors", "bot.queue", "bot.reply.duration"]);
    const now = () => r.clock.now();
    for (let i = 0; i < 100; i++) {
      s.sample("bot.reply.duration", "HISTOGRAM", i < 98 ? 100 : 5000, { route: "/a" }, "a", now());
      s.sample("bot.reply.duration", "HISTOGRAM", 100, { route: "/b" }, "b", now());
    }
    for (let i = 0; i < 20; i++) s.sample("bot.errors", "COUNTER", 1, { kind: "fatal" }, "f", now());
    s.sample("bot.errors", "COUNTER", 50, { kind: "minor" }, "m", now());
    s.sample("bot.queue", "GAUGE", 5, {}, "", now());
    s.sample("bot.queue", "GAUGE", 25, {}, "", now());
    await r.tick(1000);
    const firing = r.alerts.firing();
    const by = (name: string) => firing.filter((a) => a.rule === name);
    assert.deepEqual(
      by("SlowReplies").map((a) => [a.labels.route, a.value]),
      [["/a", 5000]],
    );
    assert.equal(by("SlowReplies")[0]?.annotations.summary, "p99 5000 ms");
    assert.deepEqual(
      by("Errors").map((a) => [a.labels.kind, a.value]),
      [["fatal", 2]],
      "20 increments over a 10 s window: 2/s",
    );
    assert.deepEqual(
      by("QueueHigh").map((a) => a.value),
      [15],
    );
    // The window moves on: the errors' rate falls to 0, the slow replies leave the window.
    await r.tick(61_000);
    assert.deepEqual(
      r.alerts.firing().map((a) => a.rule),
      [],
    );
  });

  test("router: an open breaker, a deep queue and a failure ratio over the window, per destination", async () => {
    const r = await rig(`  rules:
    - { name: Breaker, kind: router, condition: breaker_open }
    - { name: Deep, kind: router, destination: "crm*", condition: queue_depth, op: ">", value: 100 }
    - { name: Failing, kind: router, condition: failure_ratio, window: 1m, op: ">", value: 0.5 }
`);
    r.destinations = [
      destination("crm", { queueDepth: 500 }),
      destination("archive", { circuit: "open", queueDepth: 500 }),
    ];
    await r.tick(0);
    assert.deepEqual(
      r.alerts
        .firing()
        .map((a) => `${a.rule}:${a.labels.destination}`)
        .sort(),
      ["Breaker:archive", "Deep:crm"],
    );
    r.destinations = [
      destination("crm", { delivered: 10, failed: 90 }),
      destination("archive", { delivered: 100 }),
    ];
    await r.tick(30_000);
    assert.deepEqual(
      r.alerts.firing().map((a) => `${a.rule}:${a.labels.destination}:${a.value}`),
      ["Failing:crm:0.9"],
    );
  });

  test("self: Vigil's own memory against a size threshold", async () => {
    const r = await rig(
      '  rules:\n    - { name: VigilMemory, kind: self, measure: memory, op: ">", value: "100MiB" }\n',
    );
    await r.tick(0);
    assert.equal(r.alerts.firing().length, 0);
    r.self = { ...r.self, rssBytes: 200 * 1024 * 1024 };
    await r.tick(1000);
    assert.deepEqual(r.alerts.firing()[0]?.labels, {
      alertname: "VigilMemory",
      severity: "warning",
      measure: "memory",
    });
  });

  test("check: a TCP port that refuses and a stale file fire with the check's error; a listening port does not", async () => {
    const server = createServer().listen(0, "127.0.0.1");
    await new Promise((res) => server.once("listening", res));
    const live = (server.address() as { port: number }).port;
    const closed = createServer().listen(0, "127.0.0.1");
    await new Promise((res) => closed.once("listening", res));
    const dead = (closed.address() as { port: number }).port;
    await new Promise((res) => closed.close(res));
    const healthy = await new DestinationServer().start();
    const sick = await new DestinationServer().start();
    sick.behave = () => ({ status: 503 });
    const r = await rig(`  rules:
    - { name: ApiUp, kind: check, check: { kind: http, url: "${healthy.url}" } }
    - { name: ApiDown, kind: check, check: { kind: http, url: "${sick.url}" } }
    - { name: ApiExpected, kind: check, check: { kind: http, url: "${sick.url}", expect_status: [503] } }
    - { name: DbUp, kind: check, check: { kind: tcp, address: "127.0.0.1:${live}" } }
    - { name: DbDown, kind: check, check: { kind: tcp, address: "127.0.0.1:${dead}", timeout: 2s } }
    - { name: FeedStale, kind: check, check: { kind: file, path: feed.json, max_age: 10m } }
    - { name: DiskLow, kind: check, check: { kind: disk, path: ".", min_free: "100TiB" } }
`);
    const feed = join(r.dataDir, "feed.json");
    writeFileSync(feed, "{}");
    const old = (r.clock.now() - 3600_000) / 1000;
    utimesSync(feed, old, old);
    for (const rule of ["ApiUp", "ApiDown", "ApiExpected", "DbUp", "DbDown", "FeedStale", "DiskLow"])
      await r.alerts.runCheck(rule).catch(() => {});
    await r.tick(0);
    const firing = r.alerts.firing();
    assert.deepEqual(firing.map((a) => a.rule).sort(), ["ApiDown", "DbDown", "DiskLow", "FeedStale"]);
    assert.equal(firing.find((a) => a.rule === "ApiDown")?.annotations.check_error, "HTTP 503");
    await healthy.stop();
    await sick.stop();
    assert.match(firing.find((a) => a.rule === "DbDown")?.annotations.check_error ?? "", /ECONNREFUSED/);
    assert.deepEqual(firing.find((a) => a.rule === "DbDown")?.labels, {
      alertname: "DbDown",
      severity: "warning",
      check: "tcp",
      target: `127.0.0.1:${dead}`,
    });
    assert.match(
      firing.find((a) => a.rule === "FeedStale")?.annotations.check_error ?? "",
      /last modified 3600s ago/,
    );
    server.close();
  });

  test("reload: a removed rule's alerts resolve; a new rule starts evaluating", async () => {
    const r = await rig("  rules:\n    - { name: Down, kind: heartbeat }\n");
    r.components = [component("w", "DOWN")];
    await r.tick(0);
    assert.equal(r.alerts.firing().length, 1);
    const next = parseConfigText(
      `alerts:\n  notifiers: [{ kind: webhook, url: "${r.hook.url}" }]\n  rules: [{ name: Late, kind: heartbeat, states: [DOWN, LATE] }]\n`,
      "test",
      null,
      {},
    ).config;
    await r.alerts.applyConfig(next.alerts, { maxSeries: 100, idleMs: 60_000 });
    await r.tick(1000);
    assert.deepEqual(
      r.alerts.firing().map((a) => a.rule),
      ["Late"],
    );
    assert.deepEqual(
      r
        .events()
        .map((e) => `${e[0]}:${e[1]}`)
        .sort(),
      ["firing:Down", "firing:Late", "resolved:Down"],
    );
  });
});

describe("alert config", () => {
  const bad = (yaml: string) => {
    try {
      parseConfigText(yaml, "vigil.yaml", null, {});
    } catch (e) {
      return (e as Error).message;
    }
    assert.fail("expected the config to be rejected");
  };

  test("kind-specific keys, required keys, templates and duplicates are checked, with paths", () => {
    assert.match(
      bad("alerts: { rules: [{ name: A, kind: heartbeat, metric: x }] }\n"),
      /alerts\.rules\[0\]\.metric.*kind threshold/,
    );
    assert.match(
      bad("alerts: { rules: [{ name: A, kind: threshold, metric: x }] }\n"),
      /alerts\.rules\[0\]\.op.*required/,
    );
    assert.match(
      bad('alerts: { rules: [{ name: A, kind: heartbeat, annotations: { s: "{{ labels }}" } }] }\n'),
      /unknown template \{\{ labels \}\}/,
    );
    assert.match(
      bad("alerts: { rules: [{ name: A, kind: heartbeat }, { name: A, kind: heartbeat }] }\n"),
      /duplicate rule A/,
    );
    assert.match(
      bad("alerts: { notifiers: [{ kind: webhook }] }\n"),
      /alerts\.notifiers\[0\]\.url.*required/,
    );
    assert.match(
      bad('alerts: { notifiers: [{ kind: webhook, url: "http://x", resend_interval: 1m }] }\n'),
      /resend_interval.*only to alertmanager/,
    );
    assert.match(
      bad("alerts: { rules: [{ name: A, kind: check, check: { kind: tcp } }] }\n"),
      /check\.address.*required/,
    );
  });
});

/**
 * Alertmanager's webhook payload (version 4), as its documentation's template data
 * (prometheus.io/docs/alerting/latest/notifications/: Data, Alert, KV) and its
 * webhook_config example give it: every key, its type, nothing else.
 */
function assertAlertmanagerWebhook(body: Record<string, unknown>): void {
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  const kv = (v: unknown, what: string) => {
    assert.ok(v !== null && typeof v === "object" && !Array.isArray(v), `${what} is an object`);
    for (const [k, x] of Object.entries(v as object))
      assert.equal(typeof x, "string", `${what}.${k} is a string`);
  };
  assert.deepEqual(Object.keys(body).sort(), [
    "alerts",
    "commonAnnotations",
    "commonLabels",
    "externalURL",
    "groupKey",
    "groupLabels",
    "receiver",
    "status",
    "truncatedAlerts",
    "version",
  ]);
  assert.equal(body.version, "4");
  assert.equal(typeof body.groupKey, "string");
  assert.equal(typeof body.truncatedAlerts, "number");
  assert.ok(body.status === "firing" || body.status === "resolved", "status");
  assert.equal(typeof body.receiver, "string");
  kv(body.groupLabels, "groupLabels");
  kv(body.commonLabels, "commonLabels");
  kv(body.commonAnnotations, "commonAnnotations");
  assert.equal(typeof body.externalURL, "string");
  assert.ok(Array.isArray(body.alerts) && body.alerts.length > 0, "alerts is a non-empty list");
  for (const a of body.alerts as Array<Record<string, unknown>>) {
    assert.deepEqual(Object.keys(a).sort(), [
      "annotations",
      "endsAt",
      "fingerprint",
      "generatorURL",
      "labels",
      "startsAt",
      "status",
    ]);
    assert.ok(a.status === "firing" || a.status === "resolved", "alert status");
    kv(a.labels, "labels");
    kv(a.annotations, "annotations");
    assert.match(String(a.startsAt), rfc3339);
    assert.match(String(a.endsAt), rfc3339);
    assert.equal(typeof a.generatorURL, "string");
    assert.equal(typeof a.fingerprint, "string");
  }
}

describe("webhook notifications in Alertmanager's webhook format", () => {
  test("firing and resolved bodies validate against Alertmanager's payload; endsAt is the zero time while firing", async () => {
    const r = await rig(`  rules:
    - name: BotDown
      kind: heartbeat
      severity: critical
      labels: { team: bots }
      annotations: { summary: "{{ labels.component }} is down" }
`);
    r.components = [component("worker-1", "DOWN")];
    await r.tick(0);
    const firedAt = r.clock.now();
    const fp = r.alerts.firing()[0]?.fingerprint;
    r.components = [component("worker-1", "UP")];
    await r.tick(2_000);
    const [firing, resolved] = r.bodies() as [Record<string, unknown>, Record<string, unknown>];
    assert.ok(firing && resolved, "two notifications");
    assertAlertmanagerWebhook(firing);
    assertAlertmanagerWebhook(resolved);
    const labels = { alertname: "BotDown", severity: "critical", team: "bots", component: "worker-1" };
    assert.equal(firing.status, "firing");
    assert.equal(firing.receiver, "webhook");
    assert.equal(firing.externalURL, "http://vigil.test:9464/");
    assert.deepEqual(firing.commonLabels, labels);
    assert.deepEqual(firing.groupLabels, labels, "one alert per notification: its group is the alert");
    assert.deepEqual(firing.commonAnnotations, { summary: "worker-1 is down" });
    assert.equal(
      firing.groupKey,
      '{}:{alertname="BotDown", component="worker-1", severity="critical", team="bots"}',
    );
    assert.deepEqual(firing.alerts, [
      {
        status: "firing",
        labels,
        annotations: { summary: "worker-1 is down" },
        startsAt: new Date(firedAt).toISOString(),
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "http://vigil.test:9464/",
        fingerprint: fp,
      },
    ]);
    assert.equal(resolved.status, "resolved");
    const ra = (resolved.alerts as Array<Record<string, unknown>>)[0];
    assert.equal(ra?.status, "resolved");
    assert.equal(ra?.endsAt, new Date(firedAt + 2_000).toISOString());
    assert.equal(ra?.startsAt, new Date(firedAt).toISOString());
    assert.deepEqual(
      r.hook.received.map((q) => q.headers["x-vigil-event"]),
      ["firing", "resolved"],
      "Vigil's event (firing, repeat, resolved) in a header: the body stays Alertmanager's",
    );
  });
});
