import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseConfigText } from "../../src/config/load.js";
import { type BeatInput, HeartbeatMonitor, type StateChange } from "../../src/heartbeat/heartbeat-monitor.js";
import { ManualClock } from "../../src/util/clock.js";
import { captureLogger } from "../helpers/log-capture.js";
import { collect, testMeterProvider } from "../helpers/metrics.js";

function setup(yaml = "") {
  const clock = new ManualClock(Date.parse("2026-01-05T06:00:00Z")); // a Monday
  const { provider, reader } = testMeterProvider();
  const { logger, records } = captureLogger();
  const config = parseConfigText(yaml, "vigil.yaml", null, {}).config.heartbeats;
  const monitor = new HeartbeatMonitor({ config, meter: provider.getMeter("vigil"), logger, clock });
  const changes: StateChange[] = [];
  monitor.onStateChange((c) => changes.push(c));
  const beat = (component: string, extra: Partial<BeatInput> = {}) =>
    monitor.beat({ component, health: "OK", message: "", attributes: {}, signal: "ALIVE", ...extra });
  return { clock, reader, records, monitor, changes, beat };
}

describe("heartbeat state machine", () => {
  test("UP → LATE after the interval → DOWN after interval + grace → UP on the next beat", () => {
    const { clock, monitor, beat, changes } = setup();
    const first = beat("worker", { intervalMs: 10_000 });
    assert.equal(first.state, "UP");
    assert.equal(first.deadline, clock.now() + 10_000);
    clock.advance(9_999);
    assert.equal(monitor.get("worker")?.state, "UP");
    clock.advance(1);
    assert.equal(monitor.get("worker")?.state, "LATE");
    clock.advance(9_999);
    assert.equal(monitor.get("worker")?.state, "LATE", "grace defaults to the interval");
    clock.advance(1);
    assert.equal(monitor.get("worker")?.state, "DOWN");
    monitor.evaluate();
    assert.equal(beat("worker").state, "UP");
    assert.deepEqual(
      changes.map((c) => `${c.from}>${c.to}`),
      ["UNKNOWN>UP", "UP>DOWN", "DOWN>UP"],
      "evaluate() reports only what it saw: LATE was skipped between evaluations",
    );
  });

  test("evaluation reports each transition once, with a log record", () => {
    const { clock, monitor, beat, changes, records } = setup();
    beat("w", { intervalMs: 1000 });
    for (let i = 0; i < 30; i++) {
      clock.advance(100);
      monitor.evaluate();
    }
    assert.deepEqual(
      changes.map((c) => c.to),
      ["UP", "LATE", "DOWN"],
    );
    assert.ok(
      records.some((r) => r.msg === "component down" && r.component_name === "w" && r.level === "warn"),
    );
    assert.ok(records.some((r) => r.msg === "component late"));
  });

  test("explicit grace and the configured default grace", () => {
    const { clock, monitor, beat } = setup('heartbeats: { default_grace: "2s" }\n');
    beat("a", { intervalMs: 10_000 });
    beat("b", { intervalMs: 10_000, graceMs: 30_000 });
    clock.advance(12_000);
    assert.equal(monitor.get("a")?.state, "DOWN");
    assert.equal(monitor.get("b")?.state, "LATE");
  });

  test("the default interval comes from config", () => {
    const { clock, monitor, beat } = setup('heartbeats: { default_interval: "5s" }\n');
    beat("a");
    clock.advance(5_000);
    assert.equal(monitor.get("a")?.state, "LATE");
    assert.equal(monitor.get("a")?.intervalMs, 5_000);
  });

  test("overall status: UNKNOWN, HEALTHY, DEGRADED for LATE or DEGRADED, DOWN for DOWN or FAILING", () => {
    const { clock, monitor, beat } = setup("heartbeats: { components: [{ name: declared }] }\n");
    assert.equal(monitor.overall(), "UNKNOWN");
    assert.equal(monitor.get("declared")?.state, "UNKNOWN");
    beat("a", { intervalMs: 10_000 });
    assert.equal(monitor.overall(), "HEALTHY");
    beat("b", { intervalMs: 10_000, health: "DEGRADED", message: "slow upstream" });
    assert.equal(monitor.overall(), "DEGRADED");
    beat("b", { intervalMs: 10_000 });
    clock.advance(10_000);
    assert.equal(monitor.overall(), "DEGRADED");
    beat("a", { intervalMs: 10_000, health: "FAILING", message: "db gone" });
    assert.equal(monitor.overall(), "DOWN");
  });

  test("FAILING and DEGRADED beats and DOWN transitions are listed as errors, newest first, at most 10", () => {
    const { clock, monitor, beat } = setup();
    for (let i = 0; i < 12; i++) {
      beat("a", { health: "FAILING", message: `boom ${i}`, intervalMs: 1000 });
      clock.advance(10);
    }
    let v = monitor.get("a");
    assert.equal(v?.errors.length, 10);
    assert.equal(v?.errors[0]?.message, "boom 11");
    clock.advance(5_000);
    monitor.evaluate();
    v = monitor.get("a");
    assert.equal(v?.errors[0]?.state, "DOWN");
    assert.match(v?.errors[0]?.message ?? "", /interval \+ grace/);
  });

  test("vigil.component.up is 1 for UP and LATE, 0 for DOWN, UNKNOWN and FAILING; age is reported", async () => {
    const { clock, reader, beat } = setup("heartbeats: { components: [{ name: never }] }\n");
    beat("up", { intervalMs: 10_000 });
    beat("late", { intervalMs: 1_000, graceMs: 60_000 });
    beat("down", { intervalMs: 1_000, graceMs: 1_000 });
    beat("failing", { intervalMs: 10_000, health: "FAILING" });
    clock.advance(3_000);
    const rows = await collect(reader);
    const up = Object.fromEntries(
      rows.filter((r) => r.name === "vigil.component.up").map((r) => [r.attributes.component, r.value]),
    );
    assert.deepEqual(up, { never: 0, up: 1, late: 1, down: 0, failing: 0 });
    const age = rows.find(
      (r) => r.name === "vigil.component.heartbeat.age" && r.attributes.component === "up",
    );
    assert.equal(age?.value, 3);
    const received = rows
      .filter((r) => r.name === "vigil.heartbeats.received")
      .reduce((n, r) => n + Number(r.value), 0);
    assert.equal(received, 4);
  });

  test("jobs: START then SUCCESS records a run duration; START without SUCCESS within grace is DOWN", async () => {
    const { clock, monitor, beat, reader } = setup();
    beat("nightly", { signal: "START", intervalMs: 3_600_000, graceMs: 60_000 });
    assert.equal(monitor.get("nightly")?.jobRunning, true);
    clock.advance(42_000);
    beat("nightly", { signal: "SUCCESS" });
    const rows = await collect(reader);
    const h = rows.find((r) => r.name === "vigil.component.job.duration");
    assert.equal((h?.value as { sum: number }).sum, 42);
    assert.equal(h?.attributes.result, "success");
    beat("nightly", { signal: "START" });
    clock.advance(59_999);
    assert.equal(monitor.get("nightly")?.state, "UP", "a running job is not LATE within its grace");
    clock.advance(1);
    assert.equal(monitor.get("nightly")?.state, "DOWN");
    monitor.evaluate();
    assert.match(monitor.get("nightly")?.errors[0]?.message ?? "", /did not finish/);
  });

  test("jobs: FAIL marks the component FAILING until the next SUCCESS", () => {
    const { monitor, beat } = setup();
    beat("job", { signal: "START", intervalMs: 60_000 });
    beat("job", { signal: "FAIL", message: "exit 3" });
    assert.equal(monitor.get("job")?.health, "FAILING");
    assert.equal(monitor.get("job")?.errors[0]?.message, "exit 3");
    assert.equal(monitor.overall(), "DOWN");
    beat("job", { signal: "START" });
    assert.equal(monitor.get("job")?.health, "OK");
    beat("job", { signal: "SUCCESS" });
    assert.equal(monitor.get("job")?.health, "OK");
    assert.equal(monitor.overall(), "HEALTHY");
  });

  test("a cron-scheduled component is LATE from its scheduled time, DOWN after the grace, in its time zone", () => {
    const { clock, monitor, beat } = setup(
      'heartbeats:\n  components:\n    - { name: report, schedule: "0 9 * * 1-5", timezone: Europe/Berlin, grace: 15m }\n',
    );
    // 08:00Z on Monday 2026-01-05 is 09:00 in Berlin (UTC+1): the first run is due at this instant.
    clock.set(Date.parse("2026-01-05T07:59:00Z"));
    assert.equal(monitor.get("report")?.state, "UNKNOWN");
    clock.set(Date.parse("2026-01-05T08:00:00Z"));
    assert.equal(monitor.get("report")?.state, "LATE");
    clock.set(Date.parse("2026-01-05T08:14:59Z"));
    assert.equal(monitor.get("report")?.state, "LATE");
    clock.set(Date.parse("2026-01-05T08:15:00Z"));
    assert.equal(monitor.get("report")?.state, "DOWN");
    beat("report", { signal: "SUCCESS" });
    assert.equal(monitor.get("report")?.state, "UP");
    assert.equal(
      monitor.get("report")?.deadline,
      Date.parse("2026-01-06T08:00:00Z"),
      "next weekday at 09:00 Berlin",
    );
    // Friday's run done: nothing is due on the weekend.
    clock.set(Date.parse("2026-01-09T08:05:00Z"));
    beat("report", { signal: "SUCCESS" });
    clock.set(Date.parse("2026-01-11T12:00:00Z"));
    assert.equal(monitor.get("report")?.state, "UP");
    assert.equal(monitor.get("report")?.deadline, Date.parse("2026-01-12T08:00:00Z"));
  });

  test("a declared component that never beats is UNKNOWN until interval + grace after start, then DOWN", () => {
    const { clock, monitor, beat, changes } = setup(
      'heartbeats: { components: [{ name: worker, interval: "10s" }, { name: optional, interval: "10s", expect_at_start: false }] }\n',
    );
    clock.advance(19_999);
    monitor.evaluate();
    assert.equal(monitor.get("worker")?.state, "UNKNOWN");
    clock.advance(1);
    monitor.evaluate();
    assert.equal(monitor.get("worker")?.state, "DOWN");
    assert.match(
      monitor.get("worker")?.errors[0]?.message ?? "",
      /no heartbeat within interval \+ grace of Vigil's start/,
    );
    assert.deepEqual(
      changes.map((c) => `${c.component}:${c.from}>${c.to}`),
      ["worker:UNKNOWN>DOWN"],
    );
    clock.advance(3_600_000);
    assert.equal(monitor.get("optional")?.state, "UNKNOWN", "expect_at_start: false keeps it UNKNOWN");
    assert.equal(monitor.get("worker")?.declared, true);
    assert.equal(beat("worker").state, "UP");
    assert.equal(monitor.get("worker")?.intervalMs, 10_000);
  });

  test("Deregister removes a component without a DOWN transition", () => {
    const { clock, monitor, beat, changes } = setup();
    beat("a", { intervalMs: 1000 });
    assert.equal(monitor.deregister("a"), true);
    assert.equal(monitor.deregister("a"), false);
    clock.advance(10_000);
    monitor.evaluate();
    assert.equal(monitor.get("a"), undefined);
    assert.deepEqual(
      changes.map((c) => c.to),
      ["UP"],
    );
  });

  test("the number of components is bounded", () => {
    const { beat } = setup("heartbeats: { max_components: 2 }\n");
    beat("a");
    beat("b");
    assert.throws(() => beat("c"), /VIGIL_ERR|limit of 2 components/);
    beat("a");
  });

  test("config reload adds declared components and releases removed ones", () => {
    const { monitor, beat } = setup("heartbeats: { components: [{ name: a }, { name: b }] }\n");
    beat("b", { intervalMs: 5000 });
    const next = parseConfigText("heartbeats: { components: [{ name: c }] }\n", "x", null, {}).config
      .heartbeats;
    monitor.applyConfig(next);
    assert.deepEqual(
      monitor.list().map((v) => [v.name, v.declared]),
      [
        ["b", false],
        ["c", true],
      ],
    );
  });
});

test("a schedule without a time zone runs in UTC, not the machine's zone", () => {
  const clock = new ManualClock(Date.parse("2026-01-05T06:00:00Z"));
  const { provider } = testMeterProvider();
  const config = parseConfigText(
    'heartbeats: { components: [{ name: r, schedule: "0 7 * * *" }] }\n',
    "x",
    null,
    {},
  ).config.heartbeats;
  const monitor = new HeartbeatMonitor({
    config,
    meter: provider.getMeter("v"),
    logger: captureLogger().logger,
    clock,
  });
  assert.equal(monitor.get("r")?.timezone, "UTC");
  assert.equal(monitor.get("r")?.deadline, Date.parse("2026-01-05T07:00:00Z"));
});
