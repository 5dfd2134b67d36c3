import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parseConfigText } from "../../src/config/load.js";
import { createLogger } from "../../src/logging.js";
import { LogWriter } from "../../src/logs/log-writer.js";
import { ManualClock } from "../../src/util/clock.js";
import { collect, testMeterProvider } from "../helpers/metrics.js";
import { eventually } from "../helpers/sidecar.js";

async function setup(yaml = "") {
  const dataDir = await mkdtemp(join(tmpdir(), "vigil-logs-"));
  const clock = new ManualClock(Date.parse("2026-05-01T23:59:00Z"));
  const { provider, reader } = testMeterProvider();
  const config = parseConfigText(yaml, "x", null, {}).config.logs;
  const writer = new LogWriter({ dataDir, config, clock, meter: provider.getMeter("vigil") });
  return { dataDir, clock, reader, writer, logsDir: join(dataDir, "logs") };
}

async function lines(dir: string): Promise<Array<Record<string, unknown>>> {
  const files = (await readdir(dir))
    .filter((f) => f.endsWith(".jsonl"))
    .sort((a, b) => {
      // Rotated files first (in name order, which is time order), the active file last.
      if (a === "vigil.jsonl") return 1;
      if (b === "vigil.jsonl") return -1;
      return a.localeCompare(b);
    });
  const out: Array<Record<string, unknown>> = [];
  for (const f of files) {
    for (const l of (await readFile(join(dir, f), "utf8")).split("\n")) if (l) out.push(JSON.parse(l));
  }
  return out;
}

describe("log writer", () => {
  test("pino records become JSON lines in data_dir/logs/vigil.jsonl, counted", async () => {
    const { writer, reader, logsDir, dataDir } = await setup();
    await writer.start();
    const log = createLogger("info", writer);
    for (let i = 0; i < 100; i++) log.info({ i }, "hello");
    await writer.stop();
    const recs = await lines(logsDir);
    assert.equal(recs.length, 100);
    assert.equal(recs[99]?.i, 99);
    const rows = await collect(reader);
    assert.equal(rows.find((r) => r.name === "vigil.logs.records")?.value, 100);
    assert.equal(rows.find((r) => r.name === "vigil.logs.dropped")?.value, 0);
    await rm(dataDir, { recursive: true });
  });

  test("rotates by size, keeping every record in order across the files", async () => {
    const { writer, logsDir, dataDir } = await setup(
      'logs: { rotate: { max_bytes: "2KiB" }, max_buffer_bytes: "1MiB" }\n',
    );
    await writer.start();
    const log = createLogger("info", writer);
    for (let i = 0; i < 200; i++) {
      log.info({ i }, "a record of some length to fill the file");
      // Let each rotation's reopen complete, as a sidecar's pace between records would.
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await writer.stop();
    const files = await readdir(logsDir);
    assert.ok(files.length >= 3, `rotated into ${files.length} files`);
    assert.ok(files.includes("vigil.jsonl"));
    assert.ok(
      files.every((f) => /^vigil(-\d{8}T\d{6}\d{3}Z-\d+)?\.jsonl$/.test(f)),
      files.join(","),
    );
    const recs = await lines(logsDir);
    assert.deepEqual(
      recs.map((r) => r.i),
      Array.from({ length: 200 }, (_, i) => i),
    );
    assert.equal(writer.stats().rotations, files.length - 1);
    await rm(dataDir, { recursive: true });
  });

  test("rotates at UTC midnight", async () => {
    const { writer, logsDir, clock, dataDir } = await setup();
    await writer.start();
    const log = createLogger("info", writer);
    log.info("before midnight");
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(120_000);
    log.info("after midnight");
    await writer.stop();
    const files = (await readdir(logsDir)).sort();
    assert.deepEqual(files, ["vigil-20260502T000100000Z-000000.jsonl", "vigil.jsonl"]);
    assert.match(await readFile(join(logsDir, "vigil.jsonl"), "utf8"), /after midnight/);
    await rm(dataDir, { recursive: true });
  });

  test("when the disk cannot keep up, the buffer stays bounded and drops are counted", async () => {
    const { writer, reader, dataDir } = await setup('logs: { max_buffer_bytes: "16KiB" }\n');
    await writer.start();
    const log = createLogger("info", writer);
    // One synchronous burst: no write can complete meanwhile, so the buffer fills.
    for (let i = 0; i < 5000; i++) log.info({ i }, "burst");
    const dropped = writer.stats().dropped;
    assert.ok(dropped > 4000, `dropped ${dropped}`);
    await writer.stop();
    const rows = await collect(reader);
    assert.equal(rows.find((r) => r.name === "vigil.logs.dropped")?.value, dropped);
    assert.equal(
      rows.find((r) => r.name === "vigil.logs.records")?.value,
      5000 - dropped,
      "written + dropped = logged",
    );
    await rm(dataDir, { recursive: true });
  });

  test(
    "recovers by itself after ENOSPC (the file was /dev/full's device) once the path is writable again",
    { skip: process.getuid?.() !== 0 && "needs root for mknod" },
    async () => {
      const { writer, logsDir, dataDir } = await setup();
      await mkdir(logsDir, { recursive: true });
      // A device node rather than a symlink to /dev/full: the writer refuses symlinks (O_NOFOLLOW).
      execFileSync("mknod", [join(logsDir, "vigil.jsonl"), "c", "1", "7"]);
      await writer.start();
      const log = createLogger("info", writer);
      log.info("lost or kept");
      await eventually(() => writer.stats().lastError === "ENOSPC", 5000, "ENOSPC");
      await unlink(join(logsDir, "vigil.jsonl"));
      await eventually(() => writer.stats().lastError === null, 5000, "recovery");
      log.info("after recovery");
      await writer.stop();
      const text = await readFile(join(logsDir, "vigil.jsonl"), "utf8");
      assert.match(text, /after recovery/);
      assert.match(text, /lost or kept/, "the record buffered during the error is written after recovery");
      await rm(dataDir, { recursive: true });
    },
  );

  test("stop is safe before start and twice; writes after stop are dropped, not thrown", async () => {
    const { writer, dataDir } = await setup();
    await writer.stop();
    await writer.stop();
    assert.equal(writer.write('{"msg":"late"}\n'), false);
    assert.equal(writer.stats().dropped, 1);
    await rm(dataDir, { recursive: true });
  });
});

test("logs.record_metrics writes every accepted point to the local log, and can be switched off by reload", async () => {
  const { startSidecar, call } = await import("../helpers/sidecar.js");
  const { writeFile } = await import("node:fs/promises");
  const t = await startSidecar("config: { watch: false }\nlogs: { record_metrics: true }\n");
  try {
    const record = (points: object[]) => call(t.client.metrics.Record.bind(t.client.metrics), { points });
    await record([
      { name: "bot.replies", kind: "METRIC_KIND_COUNTER", value: 2, attributes: { channel: "web" } },
      { name: "bot.replies", kind: "METRIC_KIND_COUNTER", value: -1 },
    ]);
    const file = join(t.dir, "data", "logs", "vigil.jsonl");
    const points = async () =>
      (await readFile(file, "utf8").catch(() => ""))
        .split("\n")
        .filter((l) => l.includes('"msg":"metric point"'))
        .map((l) => JSON.parse(l));
    const first = await eventually(
      async () => ((await points()).length > 0 ? await points() : null),
      5000,
      "point",
    );
    assert.deepEqual(
      first.map((p) => [p.metric, p.kind, p.value, p.attributes]),
      [["bot.replies", "counter", 2, { channel: "web" }]],
      "only the accepted point",
    );
    await writeFile(
      t.configPath,
      `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(join(t.dir, "data"))}\nconfig: { watch: false }\n`,
    );
    await call(t.client.admin.ReloadConfig.bind(t.client.admin), {});
    await record([{ name: "bot.replies", kind: "METRIC_KIND_COUNTER", value: 5 }]);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await points()).length, 1, "off after the reload");
  } finally {
    await t.close();
  }
});
