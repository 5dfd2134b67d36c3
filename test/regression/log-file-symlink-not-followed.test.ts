import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseConfigText } from "../../src/config/load.js";
import { createLogger } from "../../src/logging.js";
import { LogWriter } from "../../src/logs/log-writer.js";
import { ManualClock } from "../../src/util/clock.js";
import { captureLogger } from "../helpers/log-capture.js";
import { collect, testMeterProvider } from "../helpers/metrics.js";
import { call, eventually, startSidecar } from "../helpers/sidecar.js";

const PRECIOUS = "an attacker wants Vigil to write here\n";

async function setup(yaml = "") {
  const dir = await mkdtemp(join(tmpdir(), "vigil-nofollow-"));
  const dataDir = join(dir, "data");
  const logsDir = join(dataDir, "logs");
  const outside = join(dir, "outside");
  await mkdir(logsDir, { recursive: true });
  await mkdir(outside);
  const target = join(outside, "target.txt");
  await writeFile(target, PRECIOUS);
  const clock = new ManualClock(Date.parse("2026-05-01T12:00:00Z"));
  const { provider, reader } = testMeterProvider();
  const capture = captureLogger();
  const writer = new LogWriter({
    dataDir,
    config: parseConfigText(yaml, "x", null, {}).config.logs,
    clock,
    meter: provider.getMeter("vigil"),
    logger: capture.logger,
  });
  return { dir, dataDir, logsDir, outside, target, clock, reader, writer, records: capture.records };
}

async function errorsCounted(reader: Parameters<typeof collect>[0]): Promise<number> {
  const rows = await collect(reader);
  return rows
    .filter((r) => r.name === "vigil.logs.errors" && r.attributes["error.type"] === "ELOOP")
    .reduce((n, r) => n + Number(r.value), 0);
}

test("the log writer does not follow a symlink planted at its file: refused, logged, counted, and it recovers once the link is gone", async () => {
  const { dir, logsDir, target, reader, writer, records } = await setup();
  await symlink(target, join(logsDir, "vigil.jsonl"));
  await writer.start(); // no throw: a sidecar must not die of it
  const log = createLogger("info", writer);
  log.info("kept in the buffer");
  await eventually(() => writer.stats().lastError === "ELOOP", 5000, "the refusal");
  assert.equal(await readFile(target, "utf8"), PRECIOUS, "the file the link points to is unchanged");
  const refused = records.find((r) => /is a symlink; Vigil does not follow symlinks/.test(String(r.msg)));
  assert.ok(refused, "a clear error is logged");
  assert.equal(refused.level, "error");
  assert.ok((await errorsCounted(reader)) >= 1, "counted in vigil.logs.errors{error.type=ELOOP}");

  await unlink(join(logsDir, "vigil.jsonl"));
  await eventually(() => writer.stats().lastError === null, 5000, "recovery");
  log.info("after recovery");
  await writer.stop();
  const text = await readFile(join(logsDir, "vigil.jsonl"), "utf8");
  assert.match(text, /kept in the buffer/);
  assert.match(text, /after recovery/);
  assert.equal(await readFile(target, "utf8"), PRECIOUS);
  await rm(dir, { recursive: true, force: true });
});

test(
  "a symlink planted while the log writer retries after a failed write is not followed when it reopens",
  { skip: process.getuid?.() !== 0 && "needs root for mknod" },
  async () => {
    const { dir, logsDir, target, writer } = await setup();
    const file = join(logsDir, "vigil.jsonl");
    // A real ENOSPC from the kernel: the log file is /dev/full's device (1, 7).
    execFileSync("mknod", [file, "c", "1", "7"]);
    await writer.start();
    const log = createLogger("info", writer);
    log.info("kept in the buffer");
    await eventually(() => writer.stats().lastError === "ENOSPC", 5000, "ENOSPC");
    // While it waits to retry, the path becomes a symlink to a file outside.
    await unlink(file);
    await symlink(target, file);
    await eventually(() => writer.stats().lastError === "ELOOP", 5000, "the refusal at the reopen");
    assert.equal(await readFile(target, "utf8"), PRECIOUS, "the file the link points to is unchanged");
    await unlink(file);
    await eventually(() => writer.stats().lastError === null, 5000, "recovery");
    await writer.stop();
    assert.match(await readFile(file, "utf8"), /kept in the buffer/);
    assert.equal(await readFile(target, "utf8"), PRECIOUS);
    await rm(dir, { recursive: true, force: true });
  },
);

test("the log writer does not write through a logs directory swapped for a symlink out of the data dir", async () => {
  const { dir, dataDir, outside, writer } = await setup();
  await rm(join(dataDir, "logs"), { recursive: true });
  await symlink(outside, join(dataDir, "logs"));
  await writer.start();
  createLogger("info", writer).info("must not leave the data dir");
  await eventually(() => writer.stats().lastError === "ELOOP", 5000, "the refusal");
  await writer.stop();
  assert.deepEqual(await readdir(outside), ["target.txt"]);
  await rm(dir, { recursive: true, force: true });
});

test("a log destination does not follow a symlink at its file: the message stays queued, the failure is logged and counted, and it is delivered once the link is gone", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-nofollow-"));
  const target = join(dir, "target.txt");
  await writeFile(target, PRECIOUS);
  const s = await startSidecar(`router:
  destinations:
    - { name: file, kind: log, retry: { initial: 50ms, max: 200ms } }
  routes: [{ match: { topic: ">" }, to: [file] }]
`);
  const file = join(s.dir, "data", "logs", "file.jsonl");
  try {
    await mkdir(join(s.dir, "data", "logs"), { recursive: true });
    await symlink(target, file);
    await call(s.client.router.Publish.bind(s.client.router), {
      topic: "orders",
      payload: Buffer.from("secret order"),
    });
    await eventually(
      () => s.logs.find((r) => /is a symlink; Vigil does not follow symlinks/.test(JSON.stringify(r))),
      5000,
      "a clear error in the log",
    );
    const metrics = await (await fetch(`${s.httpUrl}/metrics`)).text();
    assert.match(metrics, /vigil_router_failed_total\{destination="file",reason="transient"[^}]*\} [1-9]/);
    assert.equal(await readFile(target, "utf8"), PRECIOUS, "the file the link points to is unchanged");

    await unlink(file);
    await eventually(
      async () => (await readFile(file, "utf8").catch(() => "")).includes('"topic":"orders"'),
      5000,
      "delivered to a real file once the link is gone",
    );
    assert.equal(await readFile(target, "utf8"), PRECIOUS);
  } finally {
    await s.close();
    await rm(dir, { recursive: true, force: true });
  }
});
