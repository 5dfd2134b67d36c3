import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { status } from "@grpc/grpc-js";
import { type LogQuery, queryLogs } from "../../src/logs/log-query.js";
import { runVigil } from "../helpers/process.js";
import { startSidecar } from "../helpers/sidecar.js";

const T0 = Date.parse("2026-04-01T10:00:00Z");
const rec = (i: number, level: string, component: string, msg: string) =>
  JSON.stringify({
    level,
    time: new Date(T0 + i * 60_000).toISOString(),
    service: "vigil",
    component,
    msg,
    i,
  });

/** Three files in written order: two rotated, then the active one; records 0..29, one per minute. */
async function logDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "vigil-query-"));
  const files = [
    "vigil-20260401T100959000Z-000000.jsonl",
    "vigil-20260401T101959000Z-000001.jsonl",
    "vigil.jsonl",
  ];
  for (let f = 0; f < 3; f++) {
    const lines: string[] = [];
    for (let i = f * 10; i < f * 10 + 10; i++) {
      const level = i % 5 === 0 ? "error" : i % 3 === 0 ? "warn" : "info";
      lines.push(rec(i, level, i % 2 ? "heartbeats" : "metrics", `event ${i}`));
      if (i === 4) lines.push("not json at all");
    }
    await writeFile(join(dir, files[f] as string), `${lines.join("\n")}\n`);
  }
  return dir;
}

const q = (over: Partial<LogQuery>): LogQuery => ({
  from: null,
  to: null,
  minLevel: 0,
  contains: "",
  component: "",
  limit: 1000,
  newestFirst: false,
  ...over,
});

async function ids(dir: string, query: LogQuery): Promise<number[]> {
  const out: number[] = [];
  for await (const r of queryLogs(dir, query)) out.push(JSON.parse(r.json).i as number);
  return out;
}

describe("log queries", () => {
  test("oldest first across rotated files and the active one, with a limit", async () => {
    const dir = await logDir();
    assert.deepEqual(
      await ids(dir, q({})),
      Array.from({ length: 30 }, (_, i) => i),
    );
    assert.deepEqual(
      await ids(dir, q({ limit: 12 })),
      Array.from({ length: 12 }, (_, i) => i),
    );
    await rm(dir, { recursive: true });
  });

  test("newest first, with a limit that spans files", async () => {
    const dir = await logDir();
    assert.deepEqual(
      await ids(dir, q({ newestFirst: true, limit: 13 })),
      Array.from({ length: 13 }, (_, i) => 29 - i),
    );
    await rm(dir, { recursive: true });
  });

  test("filters by level, component, substring and time range", async () => {
    const dir = await logDir();
    assert.deepEqual(await ids(dir, q({ minLevel: 50 })), [0, 5, 10, 15, 20, 25]);
    assert.deepEqual(await ids(dir, q({ minLevel: 40, component: "heartbeats" })), [3, 5, 9, 15, 21, 25, 27]);
    assert.deepEqual(
      await ids(dir, q({ contains: '"event 1' })),
      [1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    );
    assert.deepEqual(await ids(dir, q({ from: T0 + 12 * 60_000, to: T0 + 14 * 60_000 })), [12, 13, 14]);
    await rm(dir, { recursive: true });
  });

  test("QueryLogs over gRPC and vigil logs on the command line", async () => {
    const t = await startSidecar();
    try {
      const logs = join(t.dir, "data", "logs");
      await mkdir(logs, { recursive: true });
      await writeFile(
        join(logs, "vigil-20260401T100959000Z-000000.jsonl"),
        `${rec(1, "warn", "heartbeats", "component late")}\n`,
      );
      const got: Array<{ message: string; level: string; component: string; file: string }> = [];
      await new Promise<void>((resolve, reject) => {
        const s = t.client.admin.QueryLogs({ level: "LOG_LEVEL_WARN", contains: "late" });
        s.on("data", (r) => got.push(r));
        s.on("end", resolve);
        s.on("error", reject);
      });
      assert.deepEqual(
        got.map((r) => [r.message, r.level, r.component, r.file]),
        [["component late", "LOG_LEVEL_WARN", "heartbeats", "vigil-20260401T100959000Z-000000.jsonl"]],
      );
      const bad = await new Promise<{ code: number; details: string }>((resolve) => {
        const s = t.client.admin.QueryLogs({ limit: 10_000_000 });
        s.on("data", () => {});
        s.on("error", (e) => resolve(e as unknown as { code: number; details: string }));
      });
      assert.equal(bad.code, status.INVALID_ARGUMENT);
      assert.match(bad.details, /limit: at most/);
      const cli = await runVigil([
        "logs",
        "--level",
        "warn",
        "--contains",
        "late",
        "--address",
        t.grpcAddress,
      ]);
      assert.equal(cli.code, 0, cli.stderr);
      assert.equal(JSON.parse(cli.stdout.trim()).msg, "component late");
    } finally {
      await t.close();
    }
  });
});
