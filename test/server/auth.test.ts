import assert from "node:assert/strict";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { type Client, Metadata, status } from "@grpc/grpc-js";
import { createVigilClient } from "../../src/client/client.js";
import { parseConfigText } from "../../src/config/load.js";
import type { ListSilencesResponse__Output } from "../../src/generated/vigil/v1/ListSilencesResponse.js";
import { parseTokens } from "../../src/server/auth.js";
import { Sidecar } from "../../src/sidecar.js";
import { healthClient, unaryCall } from "../helpers/grpc.js";
import { captureLogger } from "../helpers/log-capture.js";
import { runVigil } from "../helpers/process.js";
import { call, startSidecar } from "../helpers/sidecar.js";

const BOT = "bot-token-0123456789abcdef";
const OPS = "ops-token-0123456789abcdef";

const refused = (e: unknown, what: RegExp) => {
  const err = e as { code: number; details: string };
  return err.code === status.UNAUTHENTICATED && what.test(err.details);
};

test("bearer tokens: no or a wrong token is UNAUTHENTICATED and counted; a right one passes with its name; health stays open", async () => {
  const dir = await import("node:fs/promises").then((fs) => fs.mkdtemp("/tmp/vigil-auth-"));
  const tokens = join(dir, "tokens");
  await writeFile(tokens, `# name: token\nbot: ${BOT}\n\nops: ${OPS}\n`);
  const t = await startSidecar("", {
    base: `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\n  auth: { tokens_file: ${JSON.stringify(tokens)} }\ndata_dir: ${JSON.stringify(join(dir, "data"))}\n`,
  });
  const beat = (c: typeof t.client) => call(c.heartbeat.Beat.bind(c.heartbeat), { component: "w" });
  const bot = createVigilClient(t.grpcAddress, {}, { token: BOT });
  const ops = createVigilClient(t.grpcAddress, {}, { token: OPS });
  const wrong = createVigilClient(t.grpcAddress, {}, { token: "not-a-token-0123456789" });
  const health = healthClient(t.grpcAddress);
  try {
    await assert.rejects(beat(t.client), (e) =>
      refused(e, /VIGIL_ERR_AUTH_UNAUTHENTICATED: .*requires authorization/),
    );
    await assert.rejects(beat(wrong), (e) => refused(e, /not one this Vigil accepts/));
    await assert.rejects(
      call(t.client.admin.GetStatus.bind(t.client.admin), {}),
      (e) => refused(e, /VIGIL_ERR_AUTH_UNAUTHENTICATED/),
      "every vigil.v1 service is covered",
    );
    assert.deepEqual(await beat(bot).then((r) => (r as { state: string }).state), "COMPONENT_STATE_UP");
    assert.deepEqual(await unaryCall(health, "Check", { service: "" }), { status: "SERVING" });

    // The caller's name comes from its token; a client cannot claim another by sending the header itself.
    const md = new Metadata();
    md.set("vigil-principal", "admin");
    await call(
      ops.alerts.Silence.bind(ops.alerts),
      { matchers: [{ name: "component", value: "w" }], duration: { seconds: 60 } },
      md,
    );
    const silences = await call<unknown, ListSilencesResponse__Output>(
      ops.alerts.ListSilences.bind(ops.alerts),
      {},
    );
    assert.equal(silences.silences[0]?.created_by, "ops");

    const metrics = await (await fetch(`${t.httpUrl}/metrics`)).text();
    assert.match(metrics, /vigil_auth_failures_total\{[^}]*reason="missing"[^}]*\} 2\n/);
    assert.match(metrics, /vigil_auth_failures_total\{[^}]*reason="invalid"[^}]*\} 1\n/);
    assert.doesNotMatch(
      metrics + JSON.stringify(await t.sidecar.status()),
      new RegExp(`${BOT}|${OPS}`),
      "tokens are never shown",
    );

    // The CLI sends VIGIL_TOKEN.
    const denied = await runVigil(["status", "--address", t.grpcAddress]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /VIGIL_ERR_AUTH_UNAUTHENTICATED/);
    const allowed = await runVigil(["status", "--address", t.grpcAddress], { VIGIL_TOKEN: OPS });
    assert.equal(allowed.code, 0, allowed.stderr);

    // A changed file is read again; a broken one keeps the tokens in force and says why.
    await writeFile(tokens, `bot: ${BOT}-rotated\n`);
    await t.sidecar.scheduler.runNow("auth-tokens");
    await assert.rejects(beat(bot), (e) => refused(e, /not one this Vigil accepts/));
    const rotated = createVigilClient(t.grpcAddress, {}, { token: `${BOT}-rotated` });
    await beat(rotated);
    await writeFile(tokens, "this line is not a token\n");
    await t.sidecar.scheduler.runNow("auth-tokens");
    await beat(rotated);
    const task = t.sidecar.scheduler.list().find((x) => x.name === "auth-tokens");
    assert.match(task?.lastError ?? "", /line 1: expected "name: token"/);
    rotated.close();
  } finally {
    for (const c of [bot, ops, wrong]) c.close();
    (health as Client).close();
    await t.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("token sources: an environment variable; a missing variable or an empty file stops the start with the reason", async () => {
  const dir = await import("node:fs/promises").then((fs) => fs.mkdtemp("/tmp/vigil-auth-"));
  const t = await startSidecar("", {
    env: { VIGIL_TEST_TOKENS: `bot: ${BOT}` },
    base: `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\n  auth: { tokens_env: VIGIL_TEST_TOKENS }\ndata_dir: ${JSON.stringify(join(dir, "data"))}\n`,
  });
  try {
    const bot = createVigilClient(t.grpcAddress, {}, { token: BOT });
    await call(bot.heartbeat.Beat.bind(bot.heartbeat), { component: "w" });
    bot.close();
    await assert.rejects(call(t.client.heartbeat.Beat.bind(t.client.heartbeat), { component: "w" }), (e) =>
      refused(e, /requires authorization/),
    );
  } finally {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  }
  const create = (yaml: string, env: NodeJS.ProcessEnv) =>
    Sidecar.create({
      loaded: parseConfigText(yaml, "test", null, env),
      env,
      logger: captureLogger().logger,
      version: "test",
      hostMetrics: false,
    });
  await assert.rejects(
    create("server: { auth: { tokens_env: NOPE_TOKENS } }\n", {}),
    /NOPE_TOKENS is not set/,
  );
  await assert.rejects(
    create("server: { auth: { tokens_env: EMPTY_TOKENS } }\n", { EMPTY_TOKENS: "# none\n" }),
    /hold no token/,
  );
  assert.throws(() => parseTokens("bot: short\n", "f"), /f: line 1: expected "name: token"/);
  assert.throws(
    () => parseTokens(`a: ${BOT}\na: ${OPS}\n`, "f").length && createDuplicate(),
    /given twice|dup/,
  );
});

function createDuplicate(): never {
  throw new Error("dup");
}
