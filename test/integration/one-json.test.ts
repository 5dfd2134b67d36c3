import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runVigil, spawnVigil, type VigilProcess, waitStarted, writeTestConfig } from "../helpers/process.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every key path of a JSON value, arrays folded to `[]` (so two lists of different lengths compare). */
function keyPaths(v: Json, at = "", out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) keyPaths(x, `${at}[]`, out);
  else if (v !== null && typeof v === "object")
    for (const [k, x] of Object.entries(v)) {
      out.add(`${at}.${k}`);
      keyPaths(x, `${at}.${k}`, out);
    }
  return out;
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

/**
 * `/status.json`, `vigil status --json`, `vigil alerts --json` and `vigil queue peek --json` write
 * the proto3 JSON mapping (protobuf-es's toJson): one shape for the same sidecar, a real child process.
 */
describe("one JSON: /status.json and the CLI's --json", () => {
  let dir: string;
  let vigil: VigilProcess;
  let a: string[];
  let http: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "vigil-one-json-"));
    const file = await writeTestConfig(
      dir,
      [
        "config: { watch: false }",
        "heartbeats:",
        "  components: [{ name: nightly, interval: 1h }]",
        "router:",
        `  destinations: [{ name: audit, kind: log, path: audit.jsonl }]`,
        '  routes: [{ match: { topic: ">" }, to: [audit] }]',
        "alerts:",
        "  evaluation_interval: 1s",
        '  rules: [{ name: WorkerFailing, kind: heartbeat, selector: { component: "worker" }, states: [FAILING], severity: warning }]',
        "",
      ].join("\n"),
    );
    vigil = spawnVigil(["run", "--config", file]);
    const started = await waitStarted(vigil);
    a = ["--address", `127.0.0.1:${started.grpc}`];
    http = `http://127.0.0.1:${started.http}`;
    const beat = await runVigil(["beat", "worker", "--fail", "-m", "broke", "--interval", "1m", ...a]);
    assert.equal(beat.code, 0, beat.stderr);
  });
  after(async () => {
    vigil.child.kill("SIGKILL");
    await vigil.exited;
    await rm(dir, { recursive: true, force: true });
  });

  async function firing(): Promise<{ web: Record<string, Json>; cli: Record<string, Json> }> {
    const until = Date.now() + 15_000;
    for (;;) {
      const web = (await (await fetch(`${http}/status.json`)).json()) as Record<string, Json>;
      const r = await runVigil(["status", "--json", ...a]);
      assert.equal(r.code, 0, r.stderr);
      const cli = JSON.parse(r.stdout) as Record<string, Json>;
      const names = (s: Record<string, Json>) =>
        // Either spelling, so that a wrong shape fails the assertions below rather than this wait.
        ((s.firingAlerts ?? s.firing_alerts ?? []) as Array<{ rule: string }>).map((x) => x.rule);
      const ready = names(web).includes("WorkerFailing") && names(cli).includes("WorkerFailing");
      // A scheduled task's first run between the two reads adds its lastRun to one of them only:
      // read again until both saw the same runs (a different shape never settles, and fails below).
      const { page: _, ...status } = web;
      const settled = [...keyPaths(status as Json)].sort().join() === [...keyPaths(cli)].sort().join();
      if (ready && (settled || Date.now() > until)) return { web, cli };
      if (Date.now() > until)
        throw new Error(`WorkerFailing not firing: ${JSON.stringify(web).slice(0, 300)}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  test("/status.json is GetStatusResponse in proto3 JSON, as `vigil status --json` prints it, plus page totals", async () => {
    const { web, cli } = await firing();
    const { page, ...status } = web;
    assert.deepEqual(page, { offset: 0, limit: 200, components: 2, destinations: 1, firingAlerts: 1 });
    assert.deepEqual(
      [...keyPaths(status as Json)].sort(),
      [...keyPaths(cli)].sort(),
      "the same key paths at every depth",
    );
    for (const s of [status, cli] as Array<Record<string, Json>>) {
      assert.equal(typeof s.configVersion, "object", "lowerCamelCase field names");
      assert.equal(s.config_version, undefined);
      assert.match(String(s.startedAt), RFC3339);
      assert.match(String(s.uptime), /^\d+(\.\d+)?s$/, "a Duration is a string of seconds");
      const components = s.components as Array<Record<string, Json>>;
      const worker = components.find((c) => c.name === "worker");
      assert.ok(worker, JSON.stringify(components));
      assert.equal(worker.health, "HEALTH_FAILING", "enum values by their proto names");
      assert.match(String(worker.lastBeat), RFC3339);
      assert.equal(components.find((c) => c.name === "nightly")?.state, "COMPONENT_STATE_UNKNOWN");
      const destination = (s.destinations as Array<Record<string, Json>>)[0];
      assert.equal(destination?.circuitState, "CIRCUIT_STATE_CLOSED");
      assert.equal(destination?.paused, false, "zeros are written");
      const alert = (s.firingAlerts as Array<Record<string, Json>>)[0];
      assert.equal(alert?.severity, "SEVERITY_WARNING");
      assert.match(String(alert?.activeSince), RFC3339);
      assert.match(String((s.overall as Record<string, Json>).state), /^OVERALL_STATUS_/);
    }
  });

  test("`vigil alerts --json` and `vigil queue peek --json` are proto3 JSON too", async () => {
    await firing();
    const alerts = await runVigil(["alerts", "--json", ...a]);
    assert.equal(alerts.code, 0, alerts.stderr);
    const list = JSON.parse(alerts.stdout) as Array<Record<string, Json>>;
    const one = list.find((x) => x.rule === "WorkerFailing");
    assert.ok(one, alerts.stdout);
    assert.equal(one.state, "ALERT_STATE_FIRING");
    assert.match(String(one.activeSince), RFC3339);
    assert.equal(one.active_since, undefined);

    const peek = await runVigil(["queue", "peek", "audit", "--json", ...a]);
    assert.equal(peek.code, 0, peek.stderr);
    // depth is a uint64: proto3 JSON writes 64-bit integers as strings.
    assert.deepEqual(JSON.parse(peek.stdout), { messages: [], depth: "0" });
  });
});
