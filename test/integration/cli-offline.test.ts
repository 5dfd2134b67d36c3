import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createVigilClient } from "../../src/client/client.js";
import { runVigil, spawnVigil, waitStarted } from "../helpers/process.js";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** With the sidecar stopped, diagnose, logs and cleanup --dry-run read the data dir themselves. */
describe("the CLI when Vigil is down", () => {
  let dir: string;
  let file: string;
  let dataDir: string;
  let port: number;
  let note: RegExp;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "vigil-cli-offline-"));
    dataDir = join(dir, "data");
    port = await freePort();
    file = join(dir, "vigil.yaml");
    await writeFile(
      file,
      `server:\n  grpc: { address: "127.0.0.1:${port}" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(
        dataDir,
      )}\nconfig: { watch: false }\nrouter:\n  destinations:\n    - { name: consumers, kind: subscriber }\n  routes:\n    - { match: { topic: ">" }, to: [consumers] }\n`,
    );
    const p = spawnVigil(["run", "--config", file]);
    try {
      await waitStarted(p);
      const client = createVigilClient(`127.0.0.1:${port}`);
      await new Promise<void>((resolve, reject) =>
        client.router.Publish({ topic: "orders.created", payload: Buffer.from("{}") }, (e) =>
          e ? reject(e) : resolve(),
        ),
      );
      client.close();
      p.child.kill("SIGTERM");
      assert.equal(await p.exited, 0);
    } finally {
      p.child.kill("SIGKILL");
    }
    note = new RegExp(
      `^vigil: the sidecar at 127\\.0\\.0\\.1:${port} does not answer \\(UNAVAILABLE\\); reading data dir ${dataDir.replace(/[.]/g, "\\.")} directly\\n`,
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("diagnose writes a report from the data dir: config versions, queue depth, data dir size, log errors", async () => {
    const out = join(dir, "report.json");
    const r = await runVigil(["diagnose", "--config", file, "--output", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, note);
    assert.equal(r.stdout.trim(), out);
    assert.equal((await stat(out)).mode & 0o777, 0o600);
    const report = JSON.parse(await readFile(out, "utf8"));
    assert.match(report.offline.reason, /does not answer/);
    assert.equal(report.config.versions[0].version, 1);
    assert.deepEqual(report.queue.destinations, [
      { name: "consumers", queue_depth: 1, queue_bytes: report.queue.destinations[0].queue_bytes },
    ]);
    assert.ok(report.data_dir.bytes > 0);
    assert.equal(report.config.effective.server.grpc.address, `127.0.0.1:${port}`);
  });

  test("logs reads the local log files (the address and data dir from VIGIL_CONFIG)", async () => {
    const r = await runVigil(["logs", "--contains", "vigil started"], { VIGIL_CONFIG: file });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, note);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 1);
    assert.equal(JSON.parse(lines[0] as string).msg, "vigil started");
    const warn = await runVigil(["logs", "--config", file, "--level", "error"]);
    assert.equal(warn.code, 0, warn.stderr);
    // Only error and fatal records (a clean run may have none).
    for (const line of warn.stdout.split("\n").filter(Boolean))
      assert.ok((JSON.parse(line) as { level: string }).level.match(/^(error|fatal)$/), line);
    assert.doesNotMatch(warn.stdout, /"msg":"vigil started"/);
  });

  test("logs --level bogus is a usage error", async () => {
    const r = await runVigil(["logs", "--config", file, "--level", "bogus"]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^vigil logs: --level is one of trace, debug, info, warn, error, fatal, got bogus\n/,
    );
  });

  test("cleanup --dry-run lists what the cleaner would delete; cleanup without it needs the sidecar", async () => {
    await mkdir(join(dataDir, "logs"), { recursive: true });
    const old = join(dataDir, "logs", "vigil-20200101T000000Z-000001.jsonl");
    await writeFile(old, '{"msg":"old"}\n');
    const longAgo = new Date(Date.now() - 30 * 86_400_000);
    await utimes(old, longAgo, longAgo);
    const r = await runVigil(["cleanup", "--dry-run", "--config", file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, note);
    assert.match(
      r.stdout,
      /^would delete logs\/vigil-20200101T000000Z-000001\.jsonl\ndry run: 1 files, 14B would be freed$/,
    );
    await stat(old);
    const real = await runVigil(["cleanup", "--config", file]);
    assert.equal(real.code, 1);
    assert.equal(
      real.stderr,
      `vigil cleanup: the sidecar at 127.0.0.1:${port} does not answer (UNAVAILABLE); it must run to delete (--dry-run reads the data dir directly)\n`,
    );
    await stat(old);
  });

  test("a call to a stopped sidecar never shows raw gRPC text", async () => {
    const r = await runVigil(["config", "versions", "--config", file]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `vigil config versions: the sidecar at 127.0.0.1:${port} does not answer (UNAVAILABLE)\n`,
    );
  });
});
