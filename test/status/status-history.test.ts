import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ComponentView } from "../../src/heartbeat/heartbeat-monitor.js";
import type { DestinationSnapshot } from "../../src/router/router.js";
import { BUCKETS, DeliverySeries } from "../../src/status/delivery-series.js";
import { foldOverall, MAX_REASONS, type OverallInputs } from "../../src/status/overall.js";
import { STRIP_SLOTS, StateStrips } from "../../src/status/state-strips.js";
import { ManualClock } from "../../src/util/clock.js";

const component = (name: string, over: Partial<ComponentView> = {}): ComponentView => ({
  name,
  state: "UP",
  health: "OK",
  message: "",
  lastBeat: 1,
  ageMs: 0,
  beatCount: 1,
  errors: [],
  intervalMs: 30_000,
  graceMs: 30_000,
  deadline: null,
  attributes: {},
  schedule: null,
  timezone: null,
  jobRunning: false,
  openRuns: 0,
  registeredAt: 0,
  declared: false,
  ...over,
});

const destination = (name: string, over: Partial<DestinationSnapshot> = {}): DestinationSnapshot => ({
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
  ...over,
});

const fold = (over: Partial<OverallInputs>) =>
  foldOverall({
    components: [],
    componentsStatus: "HEALTHY",
    firingAlerts: [],
    destinations: [],
    recentDeadLetters: () => 0,
    ...over,
  });

describe("foldOverall", () => {
  test("critical alerts are DOWN, warnings DEGRADED, info alerts and the watchdog do not count", () => {
    assert.deepEqual(fold({ firingAlerts: [{ rule: "Note", severity: "info" }] }), {
      state: "HEALTHY",
      reasons: [],
    });
    assert.deepEqual(
      fold({ firingAlerts: [{ rule: "VigilWatchdog", severity: "warning" }] }).state,
      "HEALTHY",
    );
    assert.deepEqual(fold({ firingAlerts: [{ rule: "SlowReplies", severity: "warning" }] }), {
      state: "DEGRADED",
      reasons: ["alert SlowReplies firing (warning)"],
    });
    assert.deepEqual(
      fold({
        firingAlerts: [
          { rule: "SlowReplies", severity: "warning" },
          { rule: "BotDown", severity: "critical", silencedBy: ["s1"] },
          { rule: "BotDown", severity: "critical", silencedBy: ["s1"] },
        ],
      }),
      {
        state: "DOWN",
        reasons: ["alert BotDown firing (critical, silenced) ×2", "alert SlowReplies firing (warning)"],
      },
    );
  });

  test("UNKNOWN components give way to anything the alerts or destinations say", () => {
    assert.deepEqual(fold({ componentsStatus: "UNKNOWN" }), {
      state: "UNKNOWN",
      reasons: ["no component has beaten yet"],
    });
    assert.equal(
      fold({ componentsStatus: "UNKNOWN", firingAlerts: [{ rule: "X", severity: "critical" }] }).state,
      "DOWN",
    );
    assert.equal(
      fold({ componentsStatus: "UNKNOWN", destinations: [destination("crm", { circuit: "open" })] }).state,
      "DEGRADED",
    );
  });

  test("destinations: a circuit not closed or recent dead letters are DEGRADED; paused or disabled ones do not count", () => {
    assert.deepEqual(
      fold({
        destinations: [
          destination("crm", { circuit: "open" }),
          destination("fleet", { circuit: "half_open" }),
          destination("archive"),
          destination("off", { circuit: "open", paused: true }),
          destination("disabled", { circuit: "open", enabled: false }),
        ],
        recentDeadLetters: (n) => (n === "archive" ? 3 : 0),
      }),
      {
        state: "DEGRADED",
        reasons: [
          "destination crm: circuit open",
          "destination fleet: circuit half-open",
          "destination archive: 3 dead letters in the last 5m",
        ],
      },
    );
  });

  test("components fold as the heartbeat monitor says, named; reasons are bounded", () => {
    const v = fold({
      componentsStatus: "DOWN",
      components: [
        component("a", { state: "LATE" }),
        component("b", { state: "DOWN" }),
        component("c", { health: "FAILING" }),
        component("d", { health: "DEGRADED" }),
        component("e"),
      ],
    });
    assert.deepEqual(v, {
      state: "DOWN",
      reasons: ["component b DOWN", "component c FAILING", "component a LATE", "component d DEGRADED"],
    });
    const many = fold({
      componentsStatus: "DOWN",
      components: Array.from({ length: 1000 }, (_, i) => component(`w${i}`, { state: "DOWN" })),
    });
    assert.equal(many.reasons.length, MAX_REASONS);
    assert.equal(many.reasons.at(-1), `… and ${1000 - MAX_REASONS + 1} more`);
  });
});

describe("DeliverySeries", () => {
  test("rates, latency quantiles and chart buckets over 1, 5 and 15 minutes, on the injected clock", () => {
    const clock = new ManualClock(Date.parse("2026-01-05T08:00:00Z"));
    const s = new DeliverySeries(clock);
    clock.advance(1); // a series that has existed for the whole window below
    // 15 minutes: 1 delivery per second at 10 ms, then in the last minute 5 per second at 100 ms and 1 failure per second.
    for (let sec = 0; sec < 15 * 60; sec++) {
      const last = sec >= 14 * 60;
      for (let k = 0; k < (last ? 5 : 1); k++) s.delivered("crm", last ? 0.1 : 0.01);
      if (last) s.failed("crm");
      clock.advance(1000);
    }
    clock.advance(-1000); // back inside the bucket of the last deliveries
    const a = s.activity("crm");
    const [m1, m5, m15] = a.windows;
    assert.ok(m1 && m5 && m15);
    assert.ok(Math.abs(m1.deliveredPerSecond - 5) < 0.5, `1 min: ${m1.deliveredPerSecond}/s`);
    assert.ok(Math.abs(m1.failedPerSecond - 1) < 0.1, `1 min failed: ${m1.failedPerSecond}/s`);
    assert.ok(
      Math.abs(m15.deliveredPerSecond - (14 * 60 + 5 * 60) / 900) < 0.1,
      `15 min: ${m15.deliveredPerSecond}/s`,
    );
    assert.ok(m1.p50 !== null && Math.abs(m1.p50 - 0.1) / 0.1 < 0.13, `1 min p50 ${m1.p50}`);
    assert.ok(m15.p50 !== null && Math.abs(m15.p50 - 0.01) / 0.01 < 0.13, `15 min p50 ${m15.p50}`);
    assert.ok(m15.p99 !== null && Math.abs(m15.p99 - 0.1) / 0.1 < 0.13, `15 min p99 ${m15.p99}`);
    assert.equal(a.delivered.length, BUCKETS);
    assert.equal(a.delivered.at(-1), 50);
    assert.equal(a.delivered[0], 10);
    assert.equal(a.failed.at(-1), 10);

    // Twenty idle minutes later the old buckets read as empty, not as a stale ring.
    clock.advance(20 * 60_000);
    const idle = s.activity("crm");
    assert.deepEqual(
      idle.windows.map((w) => [w.deliveredPerSecond, w.p99]),
      [
        [0, null],
        [0, null],
        [0, null],
      ],
    );
    assert.ok(idle.delivered.every((n) => n === 0));
  });

  test("dead letters count within 5 minutes; removed destinations are forgotten", () => {
    const clock = new ManualClock();
    const s = new DeliverySeries(clock);
    s.deadLettered("crm");
    s.deadLettered("crm");
    assert.equal(s.recentDeadLetters("crm"), 2);
    clock.advance(4 * 60_000);
    assert.equal(s.recentDeadLetters("crm"), 2);
    clock.advance(61_000);
    assert.equal(s.recentDeadLetters("crm"), 0, "not growing any more: no longer degraded");
    s.delivered("crm", 0.01);
    s.retain(["other"]);
    assert.equal(s.activity("crm").windows[0]?.deliveredPerSecond, 0);
    assert.equal(s.recentDeadLetters("nobody"), 0);
  });
});

describe("StateStrips", () => {
  test("a cell per minute keeps the worst state of that minute; an hour is kept; unlisted components go", () => {
    const clock = new ManualClock(Date.parse("2026-01-05T08:00:00Z"));
    const s = new StateStrips(clock);
    const up = component("worker");
    s.sample([up]);
    clock.advance(20_000);
    s.record("worker", "DOWN");
    clock.advance(20_000);
    s.sample([up]);
    let strip = s.strip("worker");
    assert.equal(strip.length, STRIP_SLOTS);
    assert.equal(strip.at(-1), "DOWN", "a 20-second DOWN is not lost to the UP after it");
    clock.advance(60_000);
    s.sample([component("worker", { health: "FAILING" })]);
    clock.advance(60_000);
    s.sample([component("worker", { state: "LATE" })]);
    strip = s.strip("worker");
    assert.deepEqual(strip.slice(-3), ["DOWN", "FAILING", "LATE"]);
    assert.equal(strip.at(-4), null, "nothing recorded before");

    clock.advance(57 * 60_000);
    assert.deepEqual(
      s.strip("worker").slice(0, 3),
      ["DOWN", "FAILING", "LATE"],
      "the oldest cells, an hour on",
    );
    clock.advance(3 * 60_000);
    assert.ok(
      s.strip("worker").every((c) => c === null),
      "older than an hour reads as no data",
    );

    s.sample([]);
    assert.ok(s.strip("worker").every((c) => c === null));
  });
});
