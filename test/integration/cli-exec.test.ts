import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runVigil, spawnVigil, type VigilProcess, waitStarted, writeTestConfig } from "../helpers/process.js";

interface ComponentJson {
  name: string;
  state: string;
  health: string;
  message: string;
  jobRunning: boolean;
  errors: Array<{ message: string }>;
}

/** `vigil beat` and `vigil exec` against a real Vigil child process, and with none there. */
describe("vigil beat and vigil exec", () => {
  let dir: string;
  let vigil: VigilProcess;
  let a: string[];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "vigil-cli-exec-"));
    const file = await writeTestConfig(dir, "config: { watch: false }\n");
    vigil = spawnVigil(["run", "--config", file]);
    const started = await waitStarted(vigil);
    a = ["--address", `127.0.0.1:${started.grpc}`];
  });
  after(async () => {
    vigil.child.kill("SIGKILL");
    await vigil.exited;
    await rm(dir, { recursive: true, force: true });
  });

  async function component(name: string): Promise<ComponentJson> {
    const r = await runVigil(["status", "--json", ...a]);
    const s = JSON.parse(r.stdout) as { components: ComponentJson[] };
    const c = s.components.find((x) => x.name === name);
    assert.ok(c, `component ${name} in ${r.stdout.slice(0, 200)}`);
    return c;
  }

  test("beat: a plain beat, a job's start and end with a run id, an exit code with a message", async () => {
    const plain = await runVigil(["beat", "worker", "--interval", "1m", ...a]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stdout.trim(), "worker: UP");

    const start = await runVigil(["beat", "nightly", "--start", "--run-id", "r1", "--grace", "10m", ...a]);
    assert.equal(start.code, 0, start.stderr);
    assert.equal((await component("nightly")).jobRunning, true);
    const ok = await runVigil(["beat", "nightly", "--success", "--run-id", "r1", ...a]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((await component("nightly")).jobRunning, false);

    const failed = await runVigil(["beat", "nightly", "--exit-code", "2", "--message", "disk full", ...a]);
    assert.equal(failed.code, 0, failed.stderr);
    const c = await component("nightly");
    assert.equal(c.health, "HEALTH_FAILING");
    assert.equal(c.errors[0]?.message, "exit code 2: disk full");
    const fail = await runVigil(["beat", "nightly", "--fail", "-m", "broke", ...a]);
    assert.equal(fail.code, 0, fail.stderr);
    assert.equal((await component("nightly")).errors[0]?.message, "broke");
  });

  test("beat: bad usage exits 2, a down Vigil exits 1 with one clear line", async () => {
    for (const args of [
      ["beat"],
      ["beat", "x", "--start", "--fail"],
      ["beat", "x", "--exit-code", "300"],
      ["beat", "x", "--exit-code", "-1"],
      ["beat", "x", "--interval", "soon"],
    ]) {
      const r = await runVigil([...args, ...a]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    }
    const down = await runVigil(["beat", "x", "--address", "127.0.0.1:1"]);
    assert.equal(down.code, 1);
    assert.equal(down.stderr, "vigil beat: the sidecar at 127.0.0.1:1 does not answer (UNAVAILABLE)\n");
  });

  test("exec: a command that succeeds runs with its stdio passed through and records SUCCESS", async () => {
    const r = await runVigil([
      "exec",
      "backup",
      ...a,
      "--",
      "sh",
      "-c",
      "echo to-stdout; echo to-stderr >&2",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "to-stdout");
    assert.equal(r.stderr, "to-stderr\n");
    const c = await component("backup");
    assert.equal(c.health, "HEALTH_OK");
    assert.equal(c.jobRunning, false);
    assert.equal(c.errors.length, 0);
  });

  test("exec: a command that exits 3 exits 3 and records FAIL with the last 10 lines of its stderr", async () => {
    const script = "for i in $(seq 1 12); do echo line$i >&2; done; printf unfinished >&2; exit 3";
    const r = await runVigil(["exec", "report", ...a, "--", "sh", "-c", script]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^line1\nline2\n[\s\S]*line12\nunfinished$/);
    const c = await component("report");
    assert.equal(c.health, "HEALTH_FAILING");
    const message = c.errors[0]?.message ?? "";
    assert.equal(
      message,
      `exit code 3: ${["line4", "line5", "line6", "line7", "line8", "line9", "line10", "line11", "line12", "unfinished"].join("\n")}`,
    );
  });

  test("exec: a command past its timeout is killed, exits 124 and records the timeout", async () => {
    const t0 = Date.now();
    const r = await runVigil(["exec", "slow", "--timeout", "1s", ...a, "--", "sleep", "30"]);
    assert.equal(r.code, 124, r.stderr);
    assert.ok(Date.now() - t0 < 15_000, "killed at the timeout, not after the command's 30 s");
    const c = await component("slow");
    assert.equal(c.errors[0]?.message, "exit code 124: timed out after 1s");
  });

  test("exec: a command killed by a signal exits 128+N; one that cannot run exits 127", async () => {
    const killed = await runVigil(["exec", "crashy", ...a, "--", "sh", "-c", "kill -9 $$"]);
    assert.equal(killed.code, 137, killed.stderr);
    assert.match((await component("crashy")).errors[0]?.message ?? "", /^exit code 137: killed by SIGKILL/);
    const missing = await runVigil(["exec", "typo", ...a, "--", "/nonexistent/command"]);
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /vigil exec: cannot run \/nonexistent\/command: /);
  });

  test("exec: with Vigil down the command still runs, says so on stderr, and keeps its status", async () => {
    const r = await runVigil([
      "exec",
      "offline",
      "--address",
      "127.0.0.1:1",
      "--",
      "sh",
      "-c",
      "echo ran; exit 5",
    ]);
    assert.equal(r.code, 5);
    assert.equal(r.stdout.trim(), "ran");
    assert.match(
      r.stderr,
      /^vigil exec: the sidecar at 127\.0\.0\.1:1 does not answer \(UNAVAILABLE\); running the command anyway\n/,
    );
    assert.match(r.stderr, /the run's end was not recorded\n$/);
  });

  test("exec: usage errors exit 2", async () => {
    assert.equal((await runVigil(["exec", "x", ...a])).code, 2);
    assert.equal((await runVigil(["exec", ...a, "--", "true"])).code, 2);
    assert.equal((await runVigil(["exec", "x", "--timeout", "soon", ...a, "--", "true"])).code, 2);
  });
});
