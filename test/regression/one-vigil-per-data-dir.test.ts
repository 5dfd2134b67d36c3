import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { spawnVigil, waitStarted } from "../helpers/process.js";

test("a second Vigil on the same data dir exits 2 naming the first one's pid, before touching its files; SIGKILL leaves no stale lock", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-lock-"));
  try {
    const file = join(dir, "vigil.yaml");
    await writeFile(
      file,
      `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(join(dir, "data"))}\nconfig: { watch: false }\n`,
    );
    const first = spawnVigil(["run", "--config", file]);
    try {
      await waitStarted(first);
      const logFile = join(dir, "data", "logs", "vigil.jsonl");
      const versionsBefore = await readFile(join(dir, "data", "config-versions", "v000001.json"), "utf8");
      const secondProcess = spawnVigil(["run", "--config", file]);
      const code = await Promise.race([
        secondProcess.exited,
        new Promise<string>((r) => setTimeout(() => r("still running"), 30_000).unref()),
      ]);
      if (code === "still running") secondProcess.child.kill("SIGKILL");
      const second = { code, stderr: secondProcess.stderr.join("") };
      assert.equal(second.code, 2, second.stderr);
      assert.match(
        second.stderr,
        new RegExp(`data dir .*data is in use by pid ${first.child.pid}: one Vigil per data dir`),
      );
      // Nothing of the second reached the first's files: no second start, no second version.
      const log = await readFile(logFile, "utf8").catch(() => "");
      assert.equal((log.match(/"msg":"vigil started"/g) ?? []).length <= 1, true);
      assert.equal(
        await readFile(join(dir, "data", "config-versions", "v000001.json"), "utf8"),
        versionsBefore,
      );
    } finally {
      first.child.kill("SIGKILL");
      await first.exited;
    }
    // The kernel dropped the lock with the process: a new Vigil starts at once.
    const third = spawnVigil(["run", "--config", file]);
    try {
      await waitStarted(third);
    } finally {
      third.child.kill("SIGTERM");
      assert.equal(await third.exited, 0);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
