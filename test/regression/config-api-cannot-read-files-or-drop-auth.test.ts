import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { status } from "@grpc/grpc-js";
import { createVigilClient } from "../../src/client/client.js";
import { spawnVigil, waitStarted } from "../helpers/process.js";
import { call, eventually, startSidecar, type TestSidecar } from "../helpers/sidecar.js";

/** A file outside every secret dir, with a marker that must never be shown or used. */
const MARKER = "outside-file-marker-7f3a9c2e41";
const ENV_SECRET = "env-secret-value-5b8d0e1f77";
const ADMIN_TOKEN = "admin-token-0123456789abcdef";
const BOT_TOKEN = "bot-token-0123456789abcdef00";

function grpcError(e: unknown): { code: number; details: string } {
  return e as { code: number; details: string };
}

describe("a config that arrives over the API", () => {
  let outside: string;
  let outsideFile: string;
  let t: TestSidecar;
  let admin: ReturnType<typeof createVigilClient>;
  let bot: ReturnType<typeof createVigilClient>;
  let base: string;

  before(async () => {
    outside = await mkdtemp(join(tmpdir(), "vigil-outside-"));
    outsideFile = join(outside, "shadow");
    await writeFile(outsideFile, `${MARKER}\n`);
    const tokens = await mkdtemp(join(tmpdir(), "vigil-tokens-"));
    const tokensFile = join(tokens, "tokens");
    await writeFile(tokensFile, `ops: ${ADMIN_TOKEN} admin\nbot: ${BOT_TOKEN}\n`);
    const auth = `  auth: { tokens_file: ${JSON.stringify(tokensFile)} }\n`;
    t = await startSidecar("config: { watch: false }\n", { server: auth, env: { VIGIL_SECRET: ENV_SECRET } });
    base = `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\n${auth}data_dir: ${JSON.stringify(join(t.dir, "data"))}\nconfig: { watch: false }\n`;
    admin = createVigilClient(t.grpcAddress, {}, { token: ADMIN_TOKEN });
    bot = createVigilClient(t.grpcAddress, {}, { token: BOT_TOKEN });
  });
  after(async () => {
    admin.close();
    bot.close();
    await t.close();
    await rm(outside, { recursive: true, force: true });
  });

  const importConfig = (yaml: string, client = admin) =>
    call(client.admin.ImportConfig.bind(client.admin), { yaml, description: "test" });

  async function shown(): Promise<string> {
    const texts = [
      await (await fetch(`${t.httpUrl}/status.json`)).text(),
      JSON.stringify(await call(admin.admin.GetStatus.bind(admin.admin), {})),
      JSON.stringify(await call(admin.admin.ExportConfig.bind(admin.admin), {})),
      JSON.stringify(t.logs),
    ];
    return texts.join("\n");
  }

  test("a ${file:} reference in an ordinary key is refused, naming the key, and the file is never shown", async () => {
    await assert.rejects(importConfig(`${base}bot: { name: "\${file:${outsideFile}}" }\n`), (e) => {
      const err = grpcError(e);
      assert.equal(err.code, status.INVALID_ARGUMENT);
      assert.match(err.details, /bot\.name: a secret reference .* only in keys that hold secrets/);
      assert.ok(!err.details.includes(MARKER), err.details);
      return true;
    });
    assert.ok(!(await shown()).includes(MARKER));
  });

  test("an ${env:} reference in an ordinary key is refused too", async () => {
    await assert.rejects(
      importConfig(`${base}heartbeats: { components: [{ name: "\${env:VIGIL_SECRET}" }] }\n`),
      (e) => {
        const err = grpcError(e);
        assert.equal(err.code, status.INVALID_ARGUMENT);
        assert.match(err.details, /heartbeats\.components\[0\]\.name: a secret reference/);
        assert.ok(!err.details.includes(ENV_SECRET));
        return true;
      },
    );
    assert.ok(!(await shown()).includes(ENV_SECRET));
  });

  test("a ${file:} reference in a secret key reads only under config.secret_dirs", async () => {
    const yaml = `${base}router:\n  destinations:\n    - { name: crm, kind: http, url: "http://127.0.0.1:9/hook", headers: { X-Token: "\${file:${outsideFile}}" } }\n`;
    await assert.rejects(importConfig(yaml), (e) => {
      const err = grpcError(e);
      assert.equal(err.code, status.INVALID_ARGUMENT);
      assert.match(
        err.details,
        /router\.destinations\[0\]\.headers\.X-Token: .* is outside config\.secret_dirs/,
      );
      assert.ok(!err.details.includes(MARKER));
      return true;
    });
  });

  test("an import cannot widen config.secret_dirs to read a file", async () => {
    const yaml = `${base.replace("config: { watch: false }", `config: { watch: false, secret_dirs: [${JSON.stringify(outside)}] }`)}router:\n  destinations:\n    - { name: crm, kind: http, url: "http://127.0.0.1:9/hook", headers: { X-Token: "\${file:${outsideFile}}" } }\n`;
    await assert.rejects(importConfig(yaml), (e) => {
      const err = grpcError(e);
      assert.ok(!err.details.includes(MARKER));
      return true;
    });
    assert.ok(!(await shown()).includes(MARKER));
  });

  test("a resolved secret never appears in a validation message: the reference does", async () => {
    const yaml = `${base}router:\n  destinations:\n    - { name: crm, kind: http, url: "ftp://user:\${env:VIGIL_SECRET}@127.0.0.1:9/hook" }\n`;
    await assert.rejects(importConfig(yaml), (e) => {
      const err = grpcError(e);
      assert.equal(err.code, status.INVALID_ARGUMENT);
      assert.match(err.details, /router\.destinations\[0\]\.url: expected an http\(s\) URL/);
      assert.ok(!err.details.includes(ENV_SECRET), err.details);
      return true;
    });
  });

  test("an import without server.auth is denied and auth stays on", async () => {
    const withoutAuth = base.replace(/ {2}auth: .*\n/, "");
    await assert.rejects(importConfig(`${withoutAuth}heartbeats: { default_interval: 45s }\n`), (e) => {
      const err = grpcError(e);
      assert.equal(err.code, status.PERMISSION_DENIED);
      assert.match(
        err.details,
        /VIGIL_ERR_CONFIG_PROTECTED_KEY: server\.auth: changes only through the config file/,
      );
      return true;
    });
    await assert.rejects(call(t.client.admin.GetStatus.bind(t.client.admin), {}), (e) => {
      assert.equal(grpcError(e).code, status.UNAUTHENTICATED);
      return true;
    });
  });

  test("an import cannot change server.limits or server.grpc.tls", async () => {
    const limits = base.replace("  auth:", "  limits: { max_streams: 100000 }\n  auth:");
    await assert.rejects(importConfig(limits), (e) => {
      assert.equal(grpcError(e).code, status.PERMISSION_DENIED);
      assert.match(grpcError(e).details, /server\.limits/);
      return true;
    });
  });

  test("once a token is marked admin, state-changing AdminService calls need it", async () => {
    await assert.rejects(importConfig(`${base}heartbeats: { default_interval: 45s }\n`, bot), (e) => {
      const err = grpcError(e);
      assert.equal(err.code, status.PERMISSION_DENIED);
      assert.match(err.details, /VIGIL_ERR_AUTH_NOT_ADMIN: ImportConfig .* bot is not/);
      return true;
    });
    for (const [method, req] of [
      ["RunCleanup", { dry_run: true }],
      ["Diagnose", {}],
      ["ReloadConfig", {}],
      ["PauseDestination", { name: "x" }],
    ] as const) {
      const fn = (bot.admin as unknown as Record<string, (...a: unknown[]) => unknown>)[method];
      await assert.rejects(call(fn?.bind(bot.admin) as never, req), (e) => {
        assert.equal(grpcError(e).code, status.PERMISSION_DENIED, method);
        return true;
      });
    }
    // Reading is open to every token.
    await call(bot.admin.GetStatus.bind(bot.admin), {});
    const ok = await importConfig(`${base}heartbeats: { default_interval: 45s }\n`);
    assert.ok(ok);
  });
});

test("SIGHUP re-applies the file after an import", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-sighup-"));
  try {
    const file = join(dir, "vigil.yaml");
    const cfg = (interval: string) =>
      `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(join(dir, "data"))}\nconfig: { watch: false }\nheartbeats: { default_interval: ${interval} }\n`;
    await writeFile(file, cfg("30s"));
    const p = spawnVigil(["run", "--config", file]);
    try {
      const started = await waitStarted(p);
      const client = createVigilClient(`127.0.0.1:${started.grpc}`);
      try {
        await call(client.admin.ImportConfig.bind(client.admin), { yaml: cfg("50s"), description: "x" });
        p.child.kill("SIGHUP");
        await eventually(
          () => p.records().filter((r) => r.msg === "config applied").length >= 2,
          10_000,
          "the file re-applied on SIGHUP",
        );
        assert.ok(!p.records().some((r) => String(r.msg).includes("not re-applying")));
        const status = await call(client.admin.GetStatus.bind(client.admin), {});
        assert.match(JSON.stringify(status), /"version":3/);
      } finally {
        client.close();
      }
    } finally {
      p.child.kill("SIGTERM");
      await p.exited;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
