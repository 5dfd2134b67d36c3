import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runVigil, spawnVigil, waitStarted } from "../helpers/process.js";
import { eventually } from "../helpers/sidecar.js";

describe("vigil CLI", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "vigil-cli-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("check-config accepts a good file and exits 0", async () => {
    const file = join(dir, "good.yaml");
    await writeFile(file, "heartbeats:\n  components:\n    - { name: worker, interval: 10s }\n");
    const r = await runVigil(["check-config", file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /good\.yaml: ok .*1 declared components/);
  });

  test("check-config reports every problem with file:line:column and exits 2, without a stack trace", async () => {
    const file = join(dir, "bad.yaml");
    await writeFile(
      file,
      "heartbeats:\n  default_interval: soon\nalerts: { rules: [{ name: A, kind: nonsense }] }\n",
    );
    const r = await runVigil(["check-config", file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.yaml:2:21: heartbeats\.default_interval: expected a positive duration/);
    assert.match(r.stderr, /bad\.yaml:3:\d+: alerts\.rules\[0\]\.kind: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test("run with an invalid config exits 2 with the error, never a stack trace", async () => {
    const file = join(dir, "bad-run.yaml");
    await writeFile(file, "metrics: { cardinality_limit: lots }\n");
    const r = await runVigil(["run", "--config", file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid configuration\n.*bad-run\.yaml:1:31: metrics\.cardinality_limit/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test("a bad environment override names the variable", async () => {
    const r = await runVigil(["check-config", join(dir, "good.yaml")], { VIGIL_HTTP_ADDRESS: "everywhere" });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /environment variable VIGIL_HTTP_ADDRESS: server\.http\.address/);
  });

  test("run serves, status prints the table, SIGHUP reloads, SIGTERM exits 0", async () => {
    const file = join(dir, "run.yaml");
    const cfg = (interval: string) =>
      `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(
        join(dir, "data"),
      )}\nconfig: { watch: false }\nheartbeats:\n  default_interval: ${interval}\n  components:\n    - { name: nightly, schedule: "0 3 * * *", timezone: UTC }\n`;
    await writeFile(file, cfg("30s"));
    const p = spawnVigil(["run", "--config", file]);
    try {
      const started = await waitStarted(p);
      const address = `127.0.0.1:${started.grpc}`;
      const s = await runVigil(["status", "--address", address]);
      assert.equal(s.code, 0, s.stderr);
      assert.match(s.stdout, /COMPONENT\s+STATE\s+HEALTH/);
      assert.match(s.stdout, /nightly\s+UNKNOWN\s+OK\s+never/);
      assert.match(s.stdout, /heartbeat-evaluation/);
      const json = await runVigil(["status", "--address", address, "--json"]);
      // proto3 JSON (docs/api.md#one-json-shape): the uint64 version is a string.
      assert.equal(JSON.parse(json.stdout).configVersion.version, "1");

      await writeFile(file, cfg("45s"));
      p.child.kill("SIGHUP");
      await eventually(() => p.records().find((r) => r.msg === "config applied"), 10_000, "reload");
      await writeFile(file, cfg("never"));
      p.child.kill("SIGHUP");
      await eventually(
        () => p.records().find((r) => r.msg === "config change rejected; keeping the running config"),
        10_000,
        "rejected reload",
      );
      const after = await runVigil(["status", "--address", address, "--json"]);
      assert.equal(JSON.parse(after.stdout).configVersion.version, "2");

      p.child.kill("SIGTERM");
      assert.equal(await p.exited, 0);
      assert.ok(p.records().some((r) => r.msg === "vigil stopped"));
      // The same records went to the local JSON-lines file, through the shutdown.
      const local = await readFile(join(dir, "data", "logs", "vigil.jsonl"), "utf8");
      assert.match(local, /"msg":"vigil started"/);
      assert.match(local, /"msg":"vigil stopped"/);
    } finally {
      p.child.kill("SIGKILL");
    }
  });

  test("config versions, diff, rollback, export and import from the command line", async () => {
    const file = join(dir, "versions.yaml");
    const cfg = (interval: string) =>
      `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(
        join(dir, "data-versions"),
      )}\nconfig: { watch: false }\nheartbeats: { default_interval: ${interval} }\n`;
    await writeFile(file, cfg("30s"));
    const p = spawnVigil(["run", "--config", file]);
    try {
      const started = await waitStarted(p);
      const a = ["--address", `127.0.0.1:${started.grpc}`];
      await writeFile(file, cfg("45s"));
      p.child.kill("SIGHUP");
      await eventually(() => p.records().find((r) => r.msg === "config applied"), 10_000, "reload");
      const versions = await runVigil(["config", "versions", ...a]);
      assert.equal(versions.code, 0, versions.stderr);
      assert.match(versions.stdout, /^ {2}v1 .* startup .*\n\* v2 .* file /m);
      const diff = await runVigil(["config", "diff", "1", "2", ...a]);
      assert.equal(diff.stdout.trim(), '~ heartbeats.default_interval: "30s" → "45s"');
      const rollback = await runVigil(["config", "rollback", "1", ...a]);
      assert.equal(rollback.code, 0, rollback.stderr);
      assert.match(rollback.stdout, /^now running v3\n~ heartbeats\.default_interval: "45s" → "30s"/);
      assert.match(rollback.stderr, /warning: .*versions\.yaml still holds another config/);
      const exported = await runVigil(["config", "export", "2", ...a]);
      assert.match(exported.stdout, /default_interval: 45s/);
      const importFile = join(dir, "import.yaml");
      await writeFile(importFile, exported.stdout.replace("45s", "50s"));
      const imported = await runVigil([
        "config",
        "import",
        importFile,
        "--description",
        "from the CLI",
        ...a,
      ]);
      assert.equal(imported.code, 0, imported.stderr);
      assert.match(imported.stdout, /^now running v4/);
      const missing = await runVigil(["config", "rollback", "99", ...a]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /VIGIL_ERR_CONFIG_VERSION_NOT_FOUND: version: no config version 99/);
      const bad = await runVigil(["config", "frob", ...a]);
      assert.equal(bad.code, 2);
    } finally {
      p.child.kill("SIGKILL");
    }
  });

  test("destinations pause, resume and redrive from the command line", async () => {
    const file = join(dir, "destinations.yaml");
    await writeFile(
      file,
      `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(
        join(dir, "data-destinations"),
      )}\nrouter:\n  destinations:\n    - { name: consumers, kind: subscriber }\n  routes:\n    - { match: { topic: ">" }, to: [consumers] }\n`,
    );
    const p = spawnVigil(["run", "--config", file]);
    try {
      const started = await waitStarted(p);
      const a = ["--address", `127.0.0.1:${started.grpc}`];
      const paused = await runVigil(["destinations", "pause", "consumers", ...a]);
      assert.equal(paused.code, 0, paused.stderr);
      assert.equal(paused.stdout.trim(), "consumers: paused, 0 queued");
      const status = await runVigil(["status", ...a]);
      assert.match(status.stdout, /consumers\s+subscriber\s+paused/);
      const resumed = await runVigil(["destinations", "resume", "consumers", ...a]);
      assert.equal(resumed.stdout.trim(), "consumers: delivering, 0 queued");
      const redriven = await runVigil(["destinations", "redrive", "consumers", "--limit", "10", ...a]);
      assert.equal(redriven.stdout.trim(), "consumers: 0 dead letters back in the queue");
      const unknown = await runVigil(["destinations", "pause", "nope", ...a]);
      assert.equal(unknown.code, 1);
      assert.match(
        unknown.stderr,
        /VIGIL_ERR_ROUTER_UNKNOWN_DESTINATION: no destination named "nope"; configured: consumers/,
      );
      const usage = await runVigil(["destinations", "pause", ...a]);
      assert.equal(usage.code, 2);
    } finally {
      p.child.kill("SIGKILL");
    }
  });

  test("status against nothing fails clearly", async () => {
    const r = await runVigil(["status", "--address", "127.0.0.1:1"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot reach Vigil at 127\.0\.0\.1:1/);
  });

  test("an unknown command is a usage error", async () => {
    const r = await runVigil(["frobnicate"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command frobnicate/);
  });
});
