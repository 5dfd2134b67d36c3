import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import type { ListComponentsResponse__Output } from "../../src/generated/vigil/v1/ListComponentsResponse.js";
import { ROOT } from "../helpers/process.js";
import { pythonClientVenv } from "../helpers/python.js";
import { call, startSidecar, type TestSidecar } from "../helpers/sidecar.js";

const run = promisify(execFile);
const SECONDS = "3";

interface Summary {
  language: string;
  beats: number;
  published: number;
  consumed: number;
}

/** Vigil as examples/bots.vigil.yaml configures it, on test ports. */
async function vigilForBots(): Promise<TestSidecar> {
  return startSidecar(await readFile(join(ROOT, "examples/bots.vigil.yaml"), "utf8"));
}

/** What every example must have done: beaten, published, consumed what it published, and shown up in Vigil. */
async function check(s: TestSidecar, out: string, component: string, language: string): Promise<void> {
  const summary = JSON.parse(out.trim().split("\n").at(-1) as string) as Summary;
  assert.equal(summary.language, language);
  assert.ok(summary.beats >= 3, `beats ${summary.beats}`);
  assert.ok(summary.published >= 3, `published ${summary.published}`);
  assert.ok(summary.consumed >= summary.published, `consumed ${summary.consumed} of ${summary.published}`);
  const list = await call<unknown, ListComponentsResponse__Output>(
    s.client.heartbeat.ListComponents.bind(s.client.heartbeat),
    {},
  );
  assert.equal(list.components.find((c) => c.name === component)?.state, "COMPONENT_STATE_UP");
  const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
  assert.match(text, new RegExp(`bot_orders_consumed_total\\{[^}]*language="${language}"`));
  assert.match(text, new RegExp(`bot_tick_duration_bucket\\{[^}]*language="${language}"`));
}

describe("the example bots, each against a real Vigil", () => {
  test("examples/typescript (vigil/client)", async () => {
    const s = await vigilForBots();
    try {
      const { stdout } = await run(
        process.execPath,
        ["--conditions=source", "--import", "tsx", "examples/typescript/bot.ts", "--seconds", SECONDS],
        { cwd: ROOT, env: { ...process.env, VIGIL_ADDRESS: s.grpcAddress }, timeout: 60_000 },
      );
      await check(s, stdout, "ts-worker", "typescript");
    } finally {
      await s.close();
    }
  });

  test("examples/python (vigil_client, pip install ./clients/python)", async () => {
    const venv = await pythonClientVenv();
    const s = await vigilForBots();
    try {
      const { stdout } = await run(venv.python, ["examples/python/bot.py", SECONDS], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, VIGIL_ADDRESS: s.grpcAddress },
        timeout: 60_000,
      });
      await check(s, stdout, "py-worker", "python");
    } finally {
      await s.close();
      await venv.close();
    }
  });

  test("examples/go (built offline in GOPATH mode with Debian's Go packages)", async () => {
    const out = await mkdtemp(join(tmpdir(), "vigil-go-"));
    const s = await vigilForBots();
    try {
      await run("bash", ["examples/go/build.sh", out], { cwd: ROOT, timeout: 300_000 });
      const { stdout } = await run(join(out, "vigil-go-bot"), [SECONDS], {
        env: { PATH: process.env.PATH, VIGIL_ADDRESS: s.grpcAddress },
        timeout: 60_000,
      });
      await check(s, stdout, "go-worker", "go");
    } finally {
      await s.close();
      await rm(out, { recursive: true, force: true });
    }
  });
});
