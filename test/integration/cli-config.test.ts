import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runVigil, spawnVigil, waitStarted } from "../helpers/process.js";
import { eventually } from "../helpers/sidecar.js";

/** Config changes from the command line say what they did, and a rejected reload stays visible. */
describe("vigil config: what a change did", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "vigil-cli-config-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cfg = (botName: string, interval = "30s") =>
    `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(
      join(dir, "data"),
    )}\nconfig: { watch: false }\nbot: { name: ${botName} }\nheartbeats: { default_interval: ${interval} }\n`;

  test("import, rollback and reload report restart_required; a bad import exits 2; a rejected reload shows in status", async () => {
    const file = join(dir, "vigil.yaml");
    await writeFile(file, cfg("alpha"));
    const p = spawnVigil(["run", "--config", file], { VIGIL_TEST_SECRET: "s3cr3t-value" });
    try {
      const started = await waitStarted(p);
      const a = ["--address", `127.0.0.1:${started.grpc}`];

      // A change of bot.name applies only at the next start: the CLI must not claim it is in effect.
      const importFile = join(dir, "import.yaml");
      await writeFile(importFile, cfg("beta"));
      const imported = await runVigil(["config", "import", importFile, ...a]);
      assert.equal(imported.code, 0, imported.stderr);
      assert.match(imported.stdout, /^now running v2; restart Vigil for these to take effect: bot\n/);

      const rollback = await runVigil(["config", "rollback", "1", ...a]);
      assert.equal(rollback.code, 0, rollback.stderr);
      assert.match(rollback.stdout, /^now running v3; restart Vigil for these to take effect: bot\n/);

      // A change that applies at once says so plainly.
      await writeFile(file, cfg("alpha", "45s"));
      const reload = await runVigil(["config", "reload", ...a]);
      assert.equal(reload.code, 0, reload.stderr);
      assert.match(reload.stdout, /^now running v4\n~ heartbeats\.default_interval: "30s" → "45s"/);
      await writeFile(file, cfg("gamma", "45s"));
      const reload2 = await runVigil(["config", "reload", ...a]);
      assert.equal(reload2.code, 0, reload2.stderr);
      assert.match(reload2.stdout, /^now running v5; restart Vigil for these to take effect: bot\n/);
      const same = await runVigil(["config", "reload", ...a]);
      assert.match(same.stdout, /^unchanged: the file holds the running config/);

      // Every config error exits 2.
      const badFile = join(dir, "bad.yaml");
      await writeFile(badFile, "heartbeats: { default_interval: soon }\n");
      const bad = await runVigil(["config", "import", badFile, ...a]);
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /heartbeats\.default_interval/);
      assert.doesNotMatch(bad.stderr, /^\d+ [A-Z_]+:/m);

      // A rejected SIGHUP reload shows in status until the next good one.
      const secretRoute = `router:\n  destinations:\n    - { name: hook, kind: http, url: "http://127.0.0.1:9/x", timeout: soon, headers: { Authorization: "Bearer \${env:VIGIL_TEST_SECRET}" } }\n  routes:\n    - { match: { topic: ">" }, to: [hook] }\n`;
      await writeFile(file, cfg("gamma", "never") + secretRoute);
      p.child.kill("SIGHUP");
      await eventually(
        () => p.records().find((r) => r.msg === "config change rejected; keeping the running config"),
        10_000,
        "rejected reload",
      );
      const json = await runVigil(["status", "--json", ...a]);
      assert.equal(json.code, 0, json.stderr);
      const s = JSON.parse(json.stdout) as {
        configError?: { message: string; time: string; source: string };
      };
      assert.match(s.configError?.message ?? "", /heartbeats\.default_interval/);
      assert.match(s.configError?.message ?? "", /router\.destinations\[0\]\.timeout/);
      assert.equal(s.configError?.source, "signal");
      assert.ok(s.configError?.time, "configError carries its time");
      assert.doesNotMatch(json.stdout, /s3cr3t-value/);
      const table = await runVigil(["status", ...a]);
      assert.match(
        table.stdout,
        /config rejected at .* \(signal\); running v5 kept:\n\s+.*heartbeats\.default_interval/,
      );
      assert.doesNotMatch(table.stdout, /s3cr3t-value/);
      // …and on the status page.
      const page = await (await fetch(`http://127.0.0.1:${started.http}/`)).text();
      assert.match(
        page,
        /Config rejected<\/dt><dd class="config-error">[^<]*\(signal\); v5 kept running:<pre>[^<]*heartbeats\.default_interval/,
      );
      assert.doesNotMatch(page, /s3cr3t-value/);
      const badReload = await runVigil(["config", "reload", ...a]);
      assert.equal(badReload.code, 2);
      assert.doesNotMatch(badReload.stderr, /s3cr3t-value/);
      assert.match(badReload.stderr, /vigil config reload: .*heartbeats\.default_interval/);

      await writeFile(file, cfg("gamma", "45s"));
      p.child.kill("SIGHUP");
      await eventually(
        async () => {
          const r = await runVigil(["status", "--json", ...a]);
          return !(JSON.parse(r.stdout) as { configError?: unknown }).configError;
        },
        10_000,
        "configError cleared",
      );
      const clean = await runVigil(["status", ...a]);
      assert.doesNotMatch(clean.stdout, /config rejected/);
      assert.doesNotMatch(await (await fetch(`http://127.0.0.1:${started.http}/`)).text(), /Config rejected/);
    } finally {
      p.child.kill("SIGKILL");
    }
  });
});
