import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startSidecar, type TestSidecar } from "../helpers/sidecar.js";

/** The HTTP API on an ephemeral port (the helper leaves it at its default, 127.0.0.1:7071). */
const API = '  http_api: { address: "127.0.0.1:0" }\n';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL("./http-api.sh", import.meta.url));
const BOT_TOKEN = "bot-token-0123456789abcdef";
const ADMIN_TOKEN = "ops-token-0123456789abcdef";

/** Runs the curl script; resolves with its output, or fails the test with it. */
async function curlScript(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run("bash", [SCRIPT, ...args], { timeout: 120_000 });
    return stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    assert.fail(`${err.message}\n${err.stdout ?? ""}${err.stderr ?? ""}`);
  }
}

/** The value of one series of a Prometheus counter on the HTTP port. */
async function counter(t: TestSidecar, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${t.httpUrl}/metrics`)).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    if (want.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return 0;
}

describe("HTTP API driven by curl", { concurrency: false }, () => {
  let t: TestSidecar;
  before(async () => {
    t = await startSidecar("", { server: API });
  });
  after(async () => {
    await t?.close();
  });

  test("Connect JSON and binary calls, every ping form and the bad-input cases", async () => {
    const out = await curlScript("open", `http://127.0.0.1:${t.sidecar.httpApiPort}`);
    assert.match(out, /^\d+ passed, 0 failed$/m, out);
    assert.doesNotMatch(out, /^not ok/m, out);
  });

  test("each answer is counted in vigil.http_api.requests by route and status", async () => {
    const seen: Record<string, number> = {};
    for (const key of ["connect 200", "connect 400", "connect 415", "connect 413", "connect 405"])
      seen[key] = await counter(t, "vigil_http_api_requests_total", {
        route: key.split(" ")[0] as string,
        status: key.split(" ")[1] as string,
      });
    for (const key of ["other 404", "ping 200", "ping 400", "ping 404", "ping 413", "ping 405"])
      seen[key] = await counter(t, "vigil_http_api_requests_total", {
        route: key.split(" ")[0] as string,
        status: key.split(" ")[1] as string,
      });
    // As many as the script's checks of each kind (http-api.sh).
    assert.deepEqual(seen, {
      "connect 200": 8,
      "connect 400": 5,
      "connect 415": 2,
      "connect 413": 1,
      "connect 405": 1,
      "other 404": 3,
      "ping 200": 9,
      "ping 400": 5,
      "ping 404": 2,
      "ping 413": 1,
      "ping 405": 1,
    });
  });

  test("the Connect calls went through the gRPC handlers: the same state over gRPC", async () => {
    const res = await new Promise<{
      components: Array<{ name: string; errors: Array<{ message: string }> }>;
    }>((resolve, reject) =>
      t.client.heartbeat.ListComponents({}, (e: Error | null, r: unknown) =>
        e ? reject(e) : resolve(r as never),
      ),
    );
    const names = res.components.map((c) => c.name);
    for (const n of ["worker", "bin", "cron-backup", "nightly", "cron-report", "cron-exit", "cron-ok"])
      assert.ok(names.includes(n), `${n} in ${names.join(",")}`);
    const report = res.components.find((c) => c.name === "cron-report");
    assert.deepEqual(
      report?.errors.map((e) => e.message),
      ["disk full on /backup"],
    );
  });
});

describe("HTTP API with bearer tokens", () => {
  test("401 without a token, admin methods need an admin token, as on gRPC", async (ctx) => {
    const dir = await mkdtemp(join(tmpdir(), "vigil-http-api-"));
    ctx.after(() => rm(dir, { recursive: true, force: true }));
    const tokens = join(dir, "tokens");
    await writeFile(tokens, `bot: ${BOT_TOKEN}\nops: ${ADMIN_TOKEN} admin\n`, { mode: 0o600 });
    const t = await startSidecar("", {
      server: `${API}  auth: { tokens_file: ${JSON.stringify(tokens)} }\n`,
    });
    ctx.after(() => t.close());
    const out = await curlScript("auth", `http://127.0.0.1:${t.sidecar.httpApiPort}`, BOT_TOKEN, ADMIN_TOKEN);
    assert.match(out, /^8 passed, 0 failed$/m, out);
    assert.equal(await counter(t, "vigil_auth_failures_total", { reason: "missing" }), 2);
    assert.equal(await counter(t, "vigil_auth_failures_total", { reason: "invalid" }), 1);
    assert.equal(await counter(t, "vigil_auth_failures_total", { reason: "not_admin" }), 1);
  });
});
