import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { configSchema } from "../src/config/schema.js";
import { ERRORS } from "../src/errors.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
}

/** Every leaf key path of the config schema, arrays as `[]`. */
function keyPaths(def: Def, prefix: string): string[] {
  switch (def.type) {
    case "default":
    case "prefault":
    case "optional":
    case "nullable":
      return keyPaths((def.innerType as { _zod: { def: Def } })._zod.def, prefix);
    case "pipe":
      return keyPaths((def.in as { _zod: { def: Def } })._zod.def, prefix);
    case "array": {
      const element = (def.element as { _zod: { def: Def } })._zod.def;
      const inner = element.type === "pipe" ? (element.in as { _zod: { def: Def } })._zod.def : element;
      return inner.type === "object" ? keyPaths(element, `${prefix}[]`) : [prefix];
    }
    case "object":
      return Object.entries(def.shape ?? {}).flatMap(([k, v]) =>
        keyPaths(v._zod.def, prefix ? `${prefix}.${k}` : k),
      );
    default:
      return [prefix];
  }
}

test("the README's configuration reference lists every key of the schema, and no other", () => {
  const keys = keyPaths((configSchema as unknown as { _zod: { def: Def } })._zod.def, "");
  assert.ok(keys.length > 20);
  // The Deployment section's tables are the Helm chart's values, not vigil.yaml keys.
  const start = readme.indexOf("\n## Deployment\n");
  const end = readme.indexOf("\n## ", start + 1);
  const text = start < 0 ? readme : readme.slice(0, start) + readme.slice(end);
  const documented = new Set([...text.matchAll(/^\| `([a-z_.[\]]+)` \|/gm)].map((m) => m[1]));
  const missing = keys.filter((k) => !documented.has(k));
  assert.deepEqual(missing, [], "keys missing from the README table");
  const configRows = [...documented].filter((k) => k?.includes(".") || k === "data_dir");
  const unknown = configRows.filter(
    (k) => k && !keys.includes(k) && !k.startsWith("vigil.") && !/^[a-z]+\.[a-z]+\.\*/.test(k),
  );
  assert.deepEqual(unknown, [], "README documents keys the schema does not have");
});

test("error codes are unique, well-formed and documented in the README", () => {
  const codes = Object.keys(ERRORS);
  assert.equal(new Set(codes).size, codes.length);
  for (const code of codes) {
    assert.match(code, /^VIGIL_ERR_[A-Z]+_[A-Z_]+$/);
    assert.ok(readme.includes(`| \`${code}\` |`), `${code} is not in the README's error table`);
  }
});

test("the README starts with the two quick-start commands", () => {
  const quick = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Quick start") + 400);
  assert.match(quick, /npm ci && npm start/);
  assert.match(quick, /npm ci && npm test/);
});

test("the annotated examples/vigil.yaml, the demo's and the example bots' are valid", async () => {
  const { loadConfigFile } = await import("../src/config/load.js");
  const loaded = loadConfigFile(new URL("../examples/vigil.yaml", import.meta.url).pathname, {});
  assert.equal(loaded.config.bot.name, "support-bot");
  const demo = loadConfigFile(new URL("../examples/demo/vigil.yaml", import.meta.url).pathname, {});
  assert.equal(demo.config.bot.name, "demo-bot");
  const bots = loadConfigFile(new URL("../examples/bots.vigil.yaml", import.meta.url).pathname, {});
  assert.equal(bots.config.bot.name, "example-bot");
});
