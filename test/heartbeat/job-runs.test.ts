import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { status } from "@grpc/grpc-js";
import { parseConfigText } from "../../src/config/load.js";
import { type BeatInput, HeartbeatMonitor, MAX_OPEN_RUNS } from "../../src/heartbeat/heartbeat-monitor.js";
import { ManualClock } from "../../src/util/clock.js";
import { captureLogger } from "../helpers/log-capture.js";
import { collect, testMeterProvider } from "../helpers/metrics.js";
import { call, startSidecar } from "../helpers/sidecar.js";

function setup(yaml = "") {
  const clock = new ManualClock(Date.parse("2026-01-05T06:00:00Z"));
  const { provider, reader } = testMeterProvider();
  const { logger, records } = captureLogger();
  const config = parseConfigText(yaml, "vigil.yaml", null, {}).config.heartbeats;
  const monitor = new HeartbeatMonitor({ config, meter: provider.getMeter("vigil"), logger, clock });
  const beat = (component: string, extra: Partial<BeatInput> = {}) =>
    monitor.beat({ component, health: "OK", message: "", attributes: {}, signal: "ALIVE", ...extra });
  return { clock, reader, records, monitor, beat };
}

describe("job runs", () => {
  test("concurrent runs of one job each keep their own deadline", () => {
    const { clock, monitor, beat } = setup();
    beat("etl", { signal: "START", runId: "a", graceMs: 60_000 });
    clock.advance(30_000);
    beat("etl", { signal: "START", runId: "b" });
    assert.equal(monitor.get("etl")?.openRuns, 2);
    clock.advance(20_000);
    // b ends; a is still open and is due at 60 s after its own start.
    beat("etl", { signal: "SUCCESS", runId: "b" });
    assert.equal(monitor.get("etl")?.state, "UP");
    assert.equal(monitor.get("etl")?.deadline, Date.parse("2026-01-05T06:01:00Z"));
    clock.advance(10_000);
    assert.equal(monitor.get("etl")?.state, "DOWN", "run a is past its grace");
    beat("etl", { signal: "SUCCESS", runId: "a" });
    assert.equal(monitor.get("etl")?.state, "UP");
    assert.equal(monitor.get("etl")?.openRuns, 0);
  });

  test("a run past max_runtime is DOWN even while other runs succeed", () => {
    const { clock, monitor, beat } = setup(
      'heartbeats: { components: [{ name: etl, interval: "1m", max_runtime: "5m" }] }\n',
    );
    beat("etl", { signal: "START", runId: "stuck" });
    for (let i = 0; i < 6; i++) {
      clock.advance(60_000);
      beat("etl", { signal: "START", runId: `quick-${i}` });
      beat("etl", { signal: "SUCCESS", runId: `quick-${i}` });
    }
    assert.equal(monitor.get("etl")?.state, "DOWN");
    monitor.evaluate();
    assert.match(
      monitor.get("etl")?.errors[0]?.message ?? "",
      /job run did not finish within its max_runtime/,
    );
  });

  test("durations are recorded per run; a SUCCESS whose run id matches no START is a lone result", async () => {
    const { clock, reader, monitor, beat } = setup();
    beat("etl", { signal: "START", runId: "r1" });
    clock.advance(2_000);
    beat("etl", { signal: "START", runId: "r2" });
    clock.advance(3_000);
    beat("etl", { signal: "SUCCESS", runId: "r1" });
    beat("etl", { signal: "FAIL", runId: "r2", message: "boom" });
    beat("etl", { signal: "SUCCESS", runId: "never-started" });
    assert.equal(monitor.get("etl")?.state, "UP");
    const rows = (await collect(reader)).filter((r) => r.name === "vigil.component.job.duration");
    const byResult = Object.fromEntries(
      rows.map((r) => [String(r.attributes.result), r.value as { sum: number; count: number }]),
    );
    assert.deepEqual(byResult.success, { ...byResult.success, sum: 5, count: 1 });
    assert.deepEqual(byResult.fail, { ...byResult.fail, sum: 3, count: 1 });
  });

  test("open runs are bounded; the oldest is forgotten and logged", () => {
    const { monitor, beat, records } = setup();
    for (let i = 0; i <= MAX_OPEN_RUNS; i++) beat("etl", { signal: "START", runId: `r${i}` });
    assert.equal(monitor.get("etl")?.openRuns, MAX_OPEN_RUNS);
    assert.ok(
      records.some((r) => r.msg === "too many open job runs; forgot the oldest" && r.run_id === "r0"),
    );
  });
});

test("Beat over gRPC: run_id and exit_code (0 SUCCESS, else FAIL with 'exit code N'), bad run ids refused", async () => {
  const t = await startSidecar();
  try {
    const hb = t.client.heartbeat;
    const beat = (req: Record<string, unknown>) => call(hb.Beat.bind(hb), req);
    await beat({ component: "cron", signal: "SIGNAL_START", run_id: "r-1" });
    await beat({ component: "cron", run_id: "r-1", exit_code: 0 });
    assert.equal(t.sidecar.heartbeats.get("cron")?.health, "OK");
    await beat({ component: "cron", signal: "SIGNAL_START", run_id: "r-2" });
    await beat({ component: "cron", run_id: "r-2", exit_code: 3 });
    const v = t.sidecar.heartbeats.get("cron");
    assert.equal(v?.health, "FAILING");
    assert.equal(v?.message, "exit code 3");
    assert.equal(v?.openRuns, 0);
    await assert.rejects(beat({ component: "cron", signal: "SIGNAL_START", run_id: "has space" }), (e) => {
      assert.equal((e as { code: number }).code, status.INVALID_ARGUMENT);
      assert.match((e as { details: string }).details, /run_id: expected/);
      return true;
    });
    await assert.rejects(
      beat({ component: "cron", signal: "SIGNAL_START", exit_code: 1 }),
      /exit_code: ends a run/,
    );
  } finally {
    await t.close();
  }
});
