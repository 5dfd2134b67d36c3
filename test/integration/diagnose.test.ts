import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runVigil, spawnVigil, waitStarted } from "../helpers/process.js";
import { eventually } from "../helpers/sidecar.js";

test("vigil diagnose writes one JSON report: status, redacted effective config, versions, resources, recent errors", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-diag-"));
  const file = join(dir, "vigil.yaml");
  const cfg = (interval: string) =>
    `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(
      join(dir, "data"),
    )}\nconfig: { watch: false }\nbot:\n  name: diag-bot\n  attributes: { password: literal-pw }\ntelemetry:\n  otlp: { headers: { x-api-token: "${"${env:BOT_TOKEN}"}" } }\nheartbeats: { default_interval: ${interval} }\n`;
  await writeFile(file, cfg("30s"));
  const p = spawnVigil(["run", "--config", file], { BOT_TOKEN: "tok-123-secret" });
  try {
    const started = await waitStarted(p);
    await writeFile(file, cfg("never"));
    p.child.kill("SIGHUP");
    await eventually(() => p.records().find((r) => r.level === "warn"), 10_000, "a warning");
    const out = join(dir, "report.json");
    const r = await runVigil(["diagnose", "--output", out, "--address", `127.0.0.1:${started.grpc}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), out);
    assert.equal((await stat(out)).mode & 0o777, 0o600, "the report is readable by its owner only");
    const text = await readFile(out, "utf8");
    assert.ok(!text.includes("tok-123-secret"), "no resolved secret in the report");
    assert.ok(!text.includes("literal-pw"), "a literal password is redacted");
    const report = JSON.parse(text);
    assert.equal(report.status.botName, "diag-bot");
    assert.equal(report.config.effective.telemetry.otlp.headers["x-api-token"], "${env:BOT_TOKEN}");
    assert.equal(report.config.effective.bot.attributes.password, "<redacted>");
    assert.equal(report.config.effective.heartbeats.default_interval, "30s");
    assert.equal(report.config.effective.server.grpc.max_message_bytes, "4MiB", "defaults are filled in");
    assert.equal(report.config.running.version, 1);
    assert.ok(report.resources.memory.rss > 0);
    assert.match(report.runtime.node, /^v\d+/);
    assert.ok(
      report.recent_errors.log.some(
        (l: { msg: string }) => l.msg === "config change rejected; keeping the running config",
      ),
    );
  } finally {
    p.child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  }
});
