import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Scheduler } from "../../src/scheduler/scheduler.js";
import { ManualClock } from "../../src/util/clock.js";
import { captureLogger } from "../helpers/log-capture.js";

describe("scheduler", () => {
  test("a failing task is recorded and logged and does not affect the others", async () => {
    const { logger, records } = captureLogger();
    const s = new Scheduler({ logger, clock: new ManualClock() });
    let ok = 0;
    s.add("good", 1000, () => {
      ok++;
    });
    s.add("bad", 1000, () => {
      throw new Error("disk on fire");
    });
    await s.runNow("bad");
    await s.runNow("good");
    await s.runNow("bad");
    const byName = Object.fromEntries(s.list().map((t) => [t.name, t]));
    assert.equal(ok, 1);
    assert.equal(byName.bad?.failures, 2);
    assert.equal(byName.bad?.runs, 2);
    assert.equal(byName.bad?.lastError, "disk on fire");
    assert.equal(byName.good?.lastError, null);
    assert.ok(records.some((r) => r.msg === "scheduled task failed" && r.task === "bad"));
  });

  test("a task runs once at a time", async () => {
    const s = new Scheduler({ logger: captureLogger().logger, clock: new ManualClock() });
    let running = 0;
    let max = 0;
    s.add("slow", 1000, async () => {
      running++;
      max = Math.max(max, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
    });
    await Promise.all([s.runNow("slow"), s.runNow("slow"), s.runNow("slow")]);
    assert.equal(max, 1);
  });

  test("started tasks run on their interval; stop waits for a run in progress", async () => {
    const s = new Scheduler({ logger: captureLogger().logger, clock: new ManualClock() });
    let runs = 0;
    let finished = false;
    s.add("tick", 5, async () => {
      runs++;
      if (runs === 3) {
        await new Promise((r) => setTimeout(r, 30));
        finished = true;
      }
    });
    s.start();
    while (runs < 3) await new Promise((r) => setTimeout(r, 2));
    await s.stop();
    assert.equal(finished, true);
    const after = runs;
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(runs, after, "no run after stop");
  });

  test("stop is safe before start and twice", async () => {
    const s = new Scheduler({ logger: captureLogger().logger, clock: new ManualClock() });
    await s.stop();
    await s.stop();
  });
});
