import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, test } from "node:test";
import { parseConfigText } from "../../src/config/load.js";
import { ComponentStore } from "../../src/heartbeat/component-store.js";
import { type BeatInput, HeartbeatMonitor, type StateChange } from "../../src/heartbeat/heartbeat-monitor.js";
import { ManualClock } from "../../src/util/clock.js";
import { captureLogger } from "../helpers/log-capture.js";
import { testMeterProvider } from "../helpers/metrics.js";

const Database = createRequire(import.meta.url)("better-sqlite3") as typeof import("better-sqlite3");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "vigil-hb-store-"));
  dirs.push(d);
  return d;
}

/** One Vigil's heartbeat side: a monitor and its store on `dataDir`, with a clock tests move. */
function vigil(dataDir: string, yaml = "", clock = new ManualClock(Date.parse("2026-01-05T06:00:00Z"))) {
  const { provider } = testMeterProvider();
  const { logger, records } = captureLogger();
  const config = parseConfigText(yaml, "vigil.yaml", null, {}).config.heartbeats;
  const monitor = new HeartbeatMonitor({ config, meter: provider.getMeter("vigil"), logger, clock });
  const changes: StateChange[] = [];
  monitor.onStateChange((c) => changes.push(c));
  const store = new ComponentStore({
    dataDir,
    logger,
    monitor,
    maxRows: () => config.maxComponents + config.components.length,
  });
  const beat = (component: string, extra: Partial<BeatInput> = {}) =>
    monitor.beat({ component, health: "OK", message: "", attributes: {}, signal: "ALIVE", ...extra });
  return { clock, monitor, store, changes, records, beat };
}

describe("heartbeats.forget_after", () => {
  test("a registered component silent for forget_after is dropped and logged; a declared one never is", async () => {
    const dir = tempDir();
    const v = vigil(
      dir,
      'heartbeats: { forget_after: "1h", components: [{ name: declared, interval: "10s" }] }\n',
    );
    v.store.start();
    v.beat("declared");
    v.beat("gone", { intervalMs: 10_000 });
    v.beat("alive", { intervalMs: 10_000 });
    v.clock.advance(30 * 60_000);
    v.beat("alive");
    v.clock.advance(30 * 60_000 - 1);
    v.monitor.evaluate();
    assert.ok(v.monitor.get("gone"), "kept until forget_after has passed");
    v.clock.advance(1);
    v.monitor.evaluate();
    assert.equal(v.monitor.get("gone"), undefined, "dropped once silent for forget_after");
    assert.ok(v.monitor.get("alive"), "a component that beat within forget_after stays");
    assert.equal(v.monitor.get("declared")?.state, "DOWN", "a declared component is never dropped");
    const forgotten = v.records.filter((r) => String(r.msg).startsWith("component forgotten"));
    assert.equal(forgotten.length, 1);
    assert.equal(forgotten[0]?.component_name, "gone");
    assert.equal(forgotten[0]?.state, "DOWN");
    v.clock.advance(48 * 3_600_000);
    v.monitor.evaluate();
    assert.ok(v.monitor.get("declared"), "still there after two days of silence");
    assert.equal(v.monitor.get("alive"), undefined);
    await v.store.stop();
    // The drop is durable: a restart does not bring the forgotten components back.
    const next = vigil(
      dir,
      'heartbeats: { forget_after: "1h", components: [{ name: declared }] }\n',
      v.clock,
    );
    next.store.start();
    assert.deepEqual(
      next.monitor.list().map((c) => c.name),
      ["declared"],
    );
    await next.store.stop();
  });

  test("a component that went silent for forget_after while Vigil was stopped is not restored", async () => {
    const dir = tempDir();
    const a = vigil(dir, 'heartbeats: { forget_after: "1h" }\n');
    a.store.start();
    a.beat("old");
    await a.store.stop();
    a.clock.advance(3_600_000);
    const b = vigil(dir, 'heartbeats: { forget_after: "1h" }\n', a.clock);
    b.store.start();
    assert.equal(b.monitor.get("old"), undefined);
    assert.ok(
      b.records.some((r) => String(r.msg).startsWith("component forgotten") && r.component_name === "old"),
    );
    await b.store.stop();
  });

  test("the key is validated and defaults to 24h", () => {
    assert.equal(parseConfigText("", "vigil.yaml", null, {}).config.heartbeats.forgetAfterMs, 86_400_000);
    assert.throws(
      () => parseConfigText('heartbeats: { forget_after: "0s" }\n', "vigil.yaml", null, {}),
      /forget_after/,
    );
  });
});

describe("ComponentStore", () => {
  test("a restart restores state, age, job runs and the reported state: no second transition", async () => {
    const dir = tempDir();
    const a = vigil(dir);
    a.store.start();
    a.beat("worker", { intervalMs: 1000, message: "working" });
    a.beat("worker", { health: "DEGRADED", message: "slow disk", attributes: { shard: "3" } });
    a.beat("job", { signal: "START", runId: "r1", intervalMs: 60_000, graceMs: 60_000 });
    a.clock.advance(5000);
    a.monitor.evaluate();
    assert.equal(a.monitor.get("worker")?.state, "DOWN");
    const before = a.monitor.get("worker");
    await a.store.stop();

    a.clock.advance(2000); // Vigil was down for 2 s
    const b = vigil(dir, "", a.clock);
    b.store.start();
    const worker = b.monitor.get("worker");
    assert.ok(worker && before);
    assert.equal(worker.state, "DOWN");
    assert.equal(worker.declared, false);
    assert.equal(worker.message, "slow disk");
    assert.equal(worker.health, "DEGRADED");
    assert.deepEqual(worker.attributes, { shard: "3" });
    assert.equal(worker.beatCount, 2);
    assert.equal(worker.intervalMs, 1000);
    assert.equal(worker.registeredAt, before.registeredAt);
    assert.equal(worker.ageMs, (before.ageMs ?? 0) + 2000, "the age continues");
    assert.deepEqual(worker.errors, before.errors);
    b.monitor.evaluate();
    assert.equal(b.changes.length, 0, "DOWN before the restart is DOWN after it, without a second DOWN");
    assert.equal(b.records.filter((r) => r.msg === "component down").length, 0);
    assert.equal(b.monitor.get("job")?.openRuns, 1, "the open job run is restored");
    const done = b.beat("job", { signal: "SUCCESS", runId: "r1" });
    assert.equal(done.openRuns, 0, "its SUCCESS after the restart closes the run from before it");
    assert.equal(b.beat("worker").state, "UP");
    assert.deepEqual(
      b.changes.map((c) => `${c.component}:${c.from}>${c.to}`),
      ["worker:DOWN>UP"],
    );
    await b.store.stop();
  });

  test("beats are not written one by one: a batch at flush(), and the last one at stop()", async () => {
    const dir = tempDir();
    const v = vigil(dir);
    v.store.start();
    const reader = new Database(join(dir, "heartbeats.db"), { readonly: true });
    const rows = () => reader.prepare("SELECT count(*) FROM components").pluck().get() as number;
    try {
      for (let i = 0; i < 1000; i++) v.beat(`c${i % 50}`);
      assert.equal(rows(), 0, "nothing written on the beat path");
      v.store.flush();
      assert.equal(rows(), 50);
      v.monitor.deregister("c0");
      v.beat("late");
      await v.store.stop();
      assert.equal(rows(), 50, "stop() wrote the last changes (one gone, one new)");
      assert.equal(reader.prepare("SELECT count(*) FROM components WHERE name = 'c0'").pluck().get(), 0);
    } finally {
      reader.close();
    }
  });

  test("rows are bounded by max_components; a lowered limit keeps the most recent beats", async () => {
    const dir = tempDir();
    const a = vigil(dir, "heartbeats: { max_components: 10 }\n");
    a.store.start();
    for (let i = 0; i < 10; i++) {
      a.beat(`c${i}`);
      a.clock.advance(1000);
    }
    await a.store.stop();
    const b = vigil(dir, "heartbeats: { max_components: 4 }\n", a.clock);
    b.store.start();
    assert.deepEqual(
      b.monitor.list().map((c) => c.name),
      ["c6", "c7", "c8", "c9"],
    );
    await b.store.stop();
    const db = new Database(join(dir, "heartbeats.db"), { readonly: true });
    try {
      assert.equal(db.prepare("SELECT count(*) FROM components").pluck().get(), 4);
    } finally {
      db.close();
    }
  });

  test("a declared component removed from config keeps its state only if it ever beat", async () => {
    const dir = tempDir();
    const a = vigil(
      dir,
      "heartbeats: { components: [{ name: beating }, { name: silent }, { name: kept }] }\n",
    );
    a.store.start();
    a.beat("beating");
    await a.store.stop();
    const b = vigil(dir, "heartbeats: { components: [{ name: kept }] }\n", a.clock);
    b.store.start();
    const list = b.monitor.list();
    assert.deepEqual(
      list.map((c) => `${c.name}:${c.declared}`),
      ["beating:false", "kept:true"],
    );
    await b.store.stop();
  });

  test("a corrupt heartbeats.db is moved aside and Vigil starts with no kept state", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "heartbeats.db"), Buffer.alloc(8192, 0x5a));
    const v = vigil(dir);
    v.store.start();
    assert.equal(v.monitor.size, 0);
    assert.ok(
      readdirSync(dir).some((f) => f.startsWith("heartbeats.db.corrupt-")),
      "the corrupt file is kept aside",
    );
    assert.ok(v.records.some((r) => String(r.msg).startsWith("heartbeats.db is corrupt")));
    v.beat("worker");
    await v.store.stop();
    const again = vigil(dir, "", v.clock);
    again.store.start();
    assert.ok(again.monitor.get("worker"), "the fresh file works");
    await again.store.stop();
  });

  test("a row that does not read back as a component is dropped and logged, the others restored", async () => {
    const dir = tempDir();
    const a = vigil(dir);
    a.store.start();
    a.beat("good");
    a.beat("bad");
    a.beat("huge");
    await a.store.stop();
    const db = new Database(join(dir, "heartbeats.db"));
    db.prepare(
      'UPDATE components SET data = \'{"name":"bad","health":"ON_FIRE"}\' WHERE name = \'bad\'',
    ).run();
    const huge = JSON.parse(
      db.prepare("SELECT data FROM components WHERE name = 'huge'").pluck().get() as string,
    );
    huge.message = "x".repeat(100_000);
    db.prepare("UPDATE components SET data = ? WHERE name = 'huge'").run(JSON.stringify(huge));
    db.close();
    const b = vigil(dir, "", a.clock);
    b.store.start();
    assert.deepEqual(
      b.monitor.list().map((c) => c.name),
      ["good", "huge"],
    );
    assert.ok(
      (b.monitor.get("huge")?.message.length ?? 0) <= 1024,
      "a restored message is bounded as a beat's is",
    );
    assert.ok(b.records.some((r) => String(r.msg).includes("rows not readable")));
    await b.store.stop();
  });

  test("stop before start and twice; start after stop does nothing", async () => {
    const dir = tempDir();
    const v = vigil(dir);
    await v.store.stop();
    await v.store.stop();
    v.store.start();
    assert.equal(v.store.isOpen, false);
    assert.equal(existsSync(join(dir, "heartbeats.db")), false);
  });
});
