import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { effectiveTree } from "../../src/config/effective.js";
import { ConfigError, parseConfigText } from "../../src/config/load.js";
import { configSchema } from "../../src/config/schema.js";
import { redactUrl, secretKindAt } from "../../src/config/secrets.js";

function issues(text: string, path: string | null, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfigText(text, "vigil.yaml", path, env);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

describe("secret references", () => {
  let dir: string;
  let outside: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "vigil-secrets-"));
    outside = await mkdtemp(join(tmpdir(), "vigil-outside-"));
    await writeFile(join(dir, "token"), "inside-secret\n");
    await writeFile(join(outside, "token"), "outside-secret\n");
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  test("the schema marks which keys hold secrets", () => {
    const at = (...p: PropertyKey[]) => secretKindAt(configSchema, p);
    assert.equal(at("router", "destinations", 0, "headers", "Authorization"), "value");
    assert.equal(at("router", "destinations", 0, "token"), "value");
    assert.equal(at("router", "destinations", 0, "url"), "url");
    assert.equal(at("router", "destinations", 0, "tls", "key_file"), "value");
    assert.equal(at("alerts", "notifiers", 1, "headers", "X"), "value");
    assert.equal(at("telemetry", "otlp", "endpoint"), "url");
    assert.equal(at("server", "grpc", "tls", "cert_file"), "value");
    assert.equal(at("server", "auth", "tokens_file"), "value");
    assert.equal(at("bot", "name"), null);
    assert.equal(at("bot", "attributes", "token"), null);
    assert.equal(at("data_dir"), null);
    assert.equal(at("router", "destinations", 0, "name"), null);
    assert.equal(at("router", "destinations", 0, "headers"), null);
  });

  test("${file:} reads under the config file's directory, and not outside it, even through a symlink", async () => {
    const cfg = join(dir, "vigil.yaml");
    const header = (ref: string) => `telemetry: { otlp: { headers: { x: "${ref}" } } }\n`;
    const ok = parseConfigText(header(`\${file:${join(dir, "token")}}`), "vigil.yaml", cfg, {});
    assert.equal(ok.config.telemetry.otlp.headers.x, "inside-secret");
    assert.match(
      issues(header(`\${file:${join(outside, "token")}}`), cfg).join("\n"),
      /telemetry\.otlp\.headers\.x: .* is outside config\.secret_dirs/,
    );
    await symlink(join(outside, "token"), join(dir, "link"));
    const viaLink = issues(header(`\${file:${join(dir, "link")}}`), cfg);
    assert.match(viaLink.join("\n"), /is outside config\.secret_dirs/);
    assert.ok(!viaLink.join("\n").includes("outside-secret"));
    // config.secret_dirs written in the file widens it.
    await mkdir(join(outside, "sub"), { recursive: true });
    const widened = parseConfigText(
      `config: { secret_dirs: [${JSON.stringify(outside)}] }\n${header(`\${file:${join(outside, "token")}}`)}`,
      "vigil.yaml",
      cfg,
      {},
    );
    assert.equal(widened.config.telemetry.otlp.headers.x, "outside-secret");
  });

  test("in a URL a reference is accepted in the userinfo only, percent-encoded", () => {
    const url = (u: string) =>
      `router:\n  destinations: [{ name: d, kind: http, url: "${u}" }]\n  routes: [{ match: { topic: a }, to: [d] }]\n`;
    const ok = parseConfigText(url("https://bot:${env:PW}@hooks.example/in"), "vigil.yaml", null, {
      PW: "p@ss:word",
    });
    assert.equal(ok.config.router.destinations[0]?.url, "https://bot:p%40ss%3Aword@hooks.example/in");
    assert.match(
      issues(url("https://${env:HOST}/in"), null, { HOST: "evil.example" }).join("\n"),
      /url: a secret reference in a URL is accepted only in its userinfo/,
    );
    assert.match(
      issues(url("https://hooks.example/in?token=${env:PW}"), null, { PW: "x" }).join("\n"),
      /only in its userinfo/,
    );
  });

  test("a secret whose value holds a line break is refused without showing it", () => {
    const found = issues('telemetry: { otlp: { headers: { x: "${env:BAD}" } } }\n', null, {
      BAD: "evil\r\nX-Injected: 1",
    });
    assert.match(found.join("\n"), /headers\.x: the referenced secret holds a line break/);
    assert.ok(!found.join("\n").includes("Injected"));
  });

  test("a header set in the config is a token name and a value without line breaks", () => {
    assert.match(
      issues('telemetry: { otlp: { headers: { x: "a\\r\\nInjected: 1" } } }\n', null).join("\n"),
      /headers\.x: a header value cannot hold a line break or NUL/,
    );
    assert.match(
      issues('telemetry: { otlp: { headers: { "bad name": x } } }\n', null).join("\n"),
      /headers\.bad name/,
    );
  });

  test("a URL's literal userinfo is redacted wherever config is shown", () => {
    assert.equal(redactUrl("https://bot:hunter2@h.example/x"), "https://<redacted>:<redacted>@h.example/x");
    assert.equal(redactUrl("https://bot:${env:PW}@h.example/x"), "https://<redacted>:${env:PW}@h.example/x");
    assert.equal(redactUrl("https://h.example/x"), "https://h.example/x");
    const loaded = parseConfigText(
      'telemetry: { otlp: { endpoint: "https://user:hunter2@collector.example:4318" } }\n',
      "vigil.yaml",
      null,
      {},
    );
    const shown = JSON.stringify(effectiveTree(loaded.display));
    assert.ok(!shown.includes("hunter2"), shown);
    assert.ok(shown.includes("https://<redacted>:<redacted>@collector.example:4318"));
  });
});
