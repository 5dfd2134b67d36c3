import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseConfigText } from "../../src/config/load.js";
import { Cleaner } from "../../src/logs/cleaner.js";
import { ManualClock } from "../../src/util/clock.js";
import { captureLogger } from "../helpers/log-capture.js";
import { testMeterProvider } from "../helpers/metrics.js";

const DAY = 86_400_000;
const OUTSIDE_FILES = 200;
/** The race runs for this long (or `MAX_ROUNDS` runs); a few hundred runs of the cleaner. */
const RACE_MS = 3000;
const MAX_ROUNDS = 2000;

/**
 * A separate process that swaps `logs/victim` (a real directory inside the data dir) for a symlink
 * to the outside directory and back, as fast as it can, for at most `max` swaps. Before each swap
 * back it puts an old `inside.jsonl` into the real directory, so the cleaner always has something
 * to delete there and really walks the directory being swapped.
 */
const SWAPPER = `
const fs = require("node:fs");
const [logs, outside, max] = [process.argv[1], process.argv[2], Number(process.argv[3])];
const victim = logs + "/victim", aside = logs + "/victim-aside", old = new Date(Date.now() - 60 * 86400000);
let swaps = 0;
// Each state lasts a random while (up to ~0.3 ms), so every step of a cleaner run meets both.
const hold = () => { const until = process.hrtime.bigint() + BigInt(Math.floor(Math.random() * 300000)); while (process.hrtime.bigint() < until); };
process.stdout.write("ready\\n");
for (; swaps < max; swaps++) {
  try {
    if (fs.lstatSync(victim).isDirectory()) {
      // Directory -> symlink to the outside.
      fs.renameSync(victim, aside);
      fs.symlinkSync(outside, victim);
    } else {
      // Symlink -> the real directory again, with something old to delete in it.
      const f = aside + "/inside.jsonl";
      try { fs.writeFileSync(f, "x", { flag: "wx" }); fs.utimesSync(f, old, old); } catch {}
      fs.unlinkSync(victim);
      fs.renameSync(aside, victim);
    }
  } catch (e) {
    if (e.code !== "ENOENT" && e.code !== "EEXIST") throw e;
  }
  hold();
}
process.stdout.write("swaps " + swaps + "\\n");
`;

function startSwapper(logs: string, outside: string): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ["-e", SWAPPER, logs, outside, "2000000"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`swapper exited early (${code})`)));
  });
  return { child, ready };
}

test("the cleaner deletes nothing outside the data dir while a directory in it is swapped for a symlink to the outside", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-swap-"));
  const dataDir = join(dir, "data");
  const outside = join(dir, "outside");
  const logs = join(dataDir, "logs");
  await mkdir(join(logs, "victim"), { recursive: true });
  await mkdir(outside);
  const old = new Date(Date.now() - 60 * DAY);
  const names: string[] = [];
  for (let i = 0; i < OUTSIDE_FILES; i++) {
    const name = `precious-${String(i).padStart(3, "0")}.jsonl`;
    names.push(name);
    await writeFile(join(outside, name), "keep me");
    await utimes(join(outside, name), old, old);
  }
  const config = parseConfigText('logs: { cleaner: { patterns: ["logs/**/*.jsonl"] } }\n', "x", null, {})
    .config.logs.cleaner;
  // Several cleaners at once (as several runs of Vigil on one data dir would): more steps meet the swaps.
  const cleaners = Array.from(
    { length: 4 },
    () =>
      new Cleaner({
        config,
        dataDir,
        logger: captureLogger().logger,
        meter: testMeterProvider().provider.getMeter("vigil"),
        clock: new ManualClock(Date.now()),
        openFiles: async () => new Set(),
      }),
  );

  const { child, ready } = startSwapper(logs, outside);
  let insideDeleted = 0;
  try {
    await ready;
    // Bounded: runs for RACE_MS (at most MAX_ROUNDS) while the swapper keeps swapping.
    const until = Date.now() + RACE_MS;
    for (let round = 0; round < MAX_ROUNDS && Date.now() < until && child.exitCode === null; round++) {
      for (const r of await Promise.all(cleaners.map((c) => c.run())))
        insideDeleted += r.files.filter((f) => f.endsWith("/inside.jsonl")).length;
    }
    assert.equal(child.exitCode, null, "the swapper kept swapping during every run");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    await new Promise((r) => (child.exitCode === null ? child.once("exit", r) : r(null)));
  }
  const left = (await readdir(outside)).sort();
  const lost = names.filter((n) => !left.includes(n));
  assert.deepEqual(lost, [], `${lost.length} files outside the data dir were deleted`);
  // The race was real: the cleaner walked the swapped directory and deleted in it.
  assert.ok(insideDeleted > 0, "the cleaner deleted files inside the swapped directory");
  await rm(dir, { recursive: true, force: true });
});
