import assert from "node:assert/strict";
import { mkdir, mkdtemp, open, readdir, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseConfigText } from "../../src/config/load.js";
import type { RunCleanupResponse__Output } from "../../src/generated/vigil/v1/RunCleanupResponse.js";
import { Cleaner } from "../../src/logs/cleaner.js";
import { ManualClock } from "../../src/util/clock.js";
import { captureLogger } from "../helpers/log-capture.js";
import { collect, testMeterProvider } from "../helpers/metrics.js";
import { runVigil } from "../helpers/process.js";
import { call, startSidecar } from "../helpers/sidecar.js";

const DAY = 86_400_000;
const NOW = Date.parse("2026-03-01T12:00:00Z");

/** Writes `size` bytes at `rel` with its mtime `ageMs` before NOW. */
async function file(root: string, rel: string, size: number, ageMs: number): Promise<string> {
  const p = join(root, rel);
  await mkdir(dirname(p), { recursive: true });
  await writeFile(p, Buffer.alloc(size, 97));
  const t = new Date(NOW - ageMs);
  await utimes(p, t, t);
  return p;
}

async function tree(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, prefix: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(join(d, e.name), rel);
      else out.push(rel);
    }
  };
  await walk(root, "");
  return out.sort();
}

function cleaner(root: string, yaml: string, openFiles?: () => Promise<Set<string>>) {
  const config = parseConfigText(yaml, "x", null, {}).config.logs.cleaner;
  const { provider, reader } = testMeterProvider();
  const c = new Cleaner({
    config,
    dataDir: root,
    logger: captureLogger().logger,
    meter: provider.getMeter("vigil"),
    clock: new ManualClock(NOW),
    ...(openFiles ? { openFiles } : {}),
  });
  return { c, reader };
}

describe("cleaner", () => {
  let root: string;
  let outside: string;
  before(async () => {
    outside = await mkdtemp(join(tmpdir(), "vigil-outside-"));
  });
  after(async () => {
    await rm(outside, { recursive: true, force: true });
  });

  test("deletes matching files past retention, leaves the rest, and counts it", async () => {
    root = await mkdtemp(join(tmpdir(), "vigil-clean-"));
    await file(root, "logs/vigil-2026-02-01.jsonl", 100, 28 * DAY);
    await file(root, "logs/vigil-2026-02-20.jsonl.gz", 100, 9 * DAY);
    await file(root, "logs/vigil-2026-02-28.jsonl", 100, 1 * DAY);
    await file(root, "logs/notes.txt", 100, 30 * DAY);
    await file(root, "queue.db", 100, 30 * DAY);
    await file(root, "config-versions/v000001.json", 100, 30 * DAY);
    const { c, reader } = cleaner(root, 'logs: { cleaner: { retention: "7d" } }\n');
    const r = await c.run();
    assert.deepEqual(r.files.sort(), ["logs/vigil-2026-02-01.jsonl", "logs/vigil-2026-02-20.jsonl.gz"]);
    assert.equal(r.filesDeleted, 2);
    assert.equal(r.bytesFreed, 200);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(await tree(root), [
      "config-versions/v000001.json",
      "logs/notes.txt",
      "logs/vigil-2026-02-28.jsonl",
      "queue.db",
    ]);
    const rows = await collect(reader);
    assert.equal(rows.find((x) => x.name === "vigil.cleaner.files.deleted")?.value, 2);
    assert.equal(rows.find((x) => x.name === "vigil.cleaner.bytes.freed")?.value, 200);
    await rm(root, { recursive: true });
  });

  test("beyond max_total_bytes, deletes oldest first until the rest fits", async () => {
    root = await mkdtemp(join(tmpdir(), "vigil-clean-"));
    for (let i = 1; i <= 5; i++) await file(root, `logs/a-${i}.jsonl`, 1000, (10 - i) * 3_600_000);
    const { c } = cleaner(root, 'logs: { cleaner: { retention: "30d", max_total_bytes: "2500B" } }\n');
    const r = await c.run();
    assert.deepEqual(r.files, ["logs/a-1.jsonl", "logs/a-2.jsonl", "logs/a-3.jsonl"]);
    assert.deepEqual(await tree(root), ["logs/a-4.jsonl", "logs/a-5.jsonl"]);
    await rm(root, { recursive: true });
  });

  test("a dry run deletes nothing and reports what it would delete", async () => {
    root = await mkdtemp(join(tmpdir(), "vigil-clean-"));
    await file(root, "logs/old.jsonl", 10, 9 * DAY);
    const { c, reader } = cleaner(root, "");
    const r = await c.run({ dryRun: true });
    assert.equal(r.dryRun, true);
    assert.deepEqual(r.files, ["logs/old.jsonl"]);
    assert.deepEqual(await tree(root), ["logs/old.jsonl"]);
    assert.equal(
      (await collect(reader)).find((x) => x.name === "vigil.cleaner.files.deleted"),
      undefined,
    );
    const fromConfig = cleaner(root, "logs: { cleaner: { dry_run: true } }\n").c;
    assert.equal((await fromConfig.run()).dryRun, true);
    assert.deepEqual(await tree(root), ["logs/old.jsonl"]);
    await rm(root, { recursive: true });
  });

  test("never follows a symlink out of the data dir, nor deletes one", async () => {
    root = await mkdtemp(join(tmpdir(), "vigil-clean-"));
    const target = await file(outside, "precious.jsonl", 10, 60 * DAY);
    await file(outside, "dir/also-precious.jsonl", 10, 60 * DAY);
    await mkdir(join(root, "logs"), { recursive: true });
    await symlink(target, join(root, "logs", "link.jsonl"));
    await symlink(join(outside, "dir"), join(root, "logs", "linkdir"));
    const { c } = cleaner(root, 'logs: { cleaner: { patterns: ["logs/**"] } }\n');
    const r = await c.run();
    assert.deepEqual(r.files, []);
    assert.deepEqual(await tree(outside), ["dir/also-precious.jsonl", "precious.jsonl"]);
    await rm(root, { recursive: true });
  });

  test("walks at most 32 directories deep, says so, and counts it", async () => {
    root = await mkdtemp(join(tmpdir(), "vigil-clean-"));
    const deep = Array.from({ length: 40 }, (_, i) => `d${i}`).join("/");
    await file(root, `logs/${deep}/old.jsonl`, 10, 60 * DAY);
    await file(root, "logs/d0/old.jsonl", 10, 60 * DAY);
    const { c, reader } = cleaner(root, 'logs: { cleaner: { patterns: ["logs/**/*.jsonl"] } }\n');
    const r = await c.run();
    assert.deepEqual(r.files, ["logs/d0/old.jsonl"]);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0] ?? "", /deeper than 32 directories; not walked/);
    const rows = await collect(reader);
    assert.equal(rows.find((x) => x.name === "vigil.cleaner.errors")?.value, 1);
    await rm(root, { recursive: true });
  });

  test("never deletes a file this process holds open (the active file)", async () => {
    root = await mkdtemp(join(tmpdir(), "vigil-clean-"));
    const active = await file(root, "logs/vigil.jsonl", 10, 60 * DAY);
    await file(root, "logs/vigil-old.jsonl", 10, 60 * DAY);
    const handle = await open(active, "a");
    try {
      const { c } = cleaner(root, "");
      const r = await c.run();
      assert.deepEqual(r.files, ["logs/vigil-old.jsonl"]);
      assert.deepEqual(await tree(root), ["logs/vigil.jsonl"]);
    } finally {
      await handle.close();
      await rm(root, { recursive: true });
    }
  });

  test("patterns must stay inside the data dir", () => {
    for (const bad of ["/var/log/*.log", "../elsewhere/*", "logs/../../x"]) {
      assert.throws(
        () => parseConfigText(`logs: { cleaner: { patterns: ["${bad}"] } }\n`, "x", null, {}),
        /logs\.cleaner\.patterns\[0\]: must be a glob relative to data_dir/,
      );
    }
  });

  test("RunCleanup and vigil cleanup --dry-run run it on demand; GetStatus shows the last run", async () => {
    const t = await startSidecar();
    try {
      const dataDir = join(t.dir, "data");
      await file(dataDir, "logs/ancient.jsonl", 42, 400 * DAY);
      const admin = t.client.admin;
      const dry = await call<unknown, RunCleanupResponse__Output>(admin.RunCleanup.bind(admin), {
        dry_run: true,
      });
      assert.deepEqual(dry.report?.files, ["logs/ancient.jsonl"]);
      assert.equal(dry.report?.dry_run, true);
      const cli = await runVigil(["cleanup", "--dry-run", "--address", t.grpcAddress]);
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, /would delete logs\/ancient\.jsonl\ndry run: 1 files, 42B would be freed/);
      const real = await runVigil(["cleanup", "--address", t.grpcAddress]);
      assert.match(real.stdout, /deleted logs\/ancient\.jsonl\n1 files, 42B freed/);
      assert.deepEqual(
        await tree(dataDir).then((f) => f.filter((x) => x.startsWith("logs/"))),
        ["logs/vigil.jsonl"],
        "the sidecar's own active log file is kept",
      );
      const s = await t.sidecar.status();
      assert.equal(s.cleaner?.filesDeleted, 1);
      assert.ok(s.tasks.some((x) => x.name === "cleanup"));
    } finally {
      await t.close();
    }
  });
});
