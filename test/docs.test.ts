import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, normalize } from "node:path";
import { test } from "node:test";
import { configSchema } from "../src/config/schema.js";
import { ERRORS } from "../src/errors.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const DOCS = new URL("../docs/", import.meta.url);
const doc = (name: string) => readFileSync(new URL(name, DOCS), "utf8");
/** Every reference page but deployment.md, whose tables are the Helm charts' values, not vigil.yaml keys. */
const errorsDoc = doc("errors.md");
const reference = readdirSync(DOCS)
  .filter((f) => f.endsWith(".md") && f !== "deployment.md")
  .map(doc)
  .join("\n");

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

test("docs/ lists every key of the config schema, and no other", () => {
  const keys = keyPaths((configSchema as unknown as { _zod: { def: Def } })._zod.def, "");
  assert.ok(keys.length > 20);
  const text = reference;
  const documented = new Set([...text.matchAll(/^\| `([a-z_.[\]]+)` \|/gm)].map((m) => m[1]));
  const missing = keys.filter((k) => !documented.has(k));
  assert.deepEqual(missing, [], "keys missing from the README table");
  const configRows = [...documented].filter((k) => k?.includes(".") || k === "data_dir");
  const unknown = configRows.filter(
    (k) => k && !keys.includes(k) && !k.startsWith("vigil.") && !/^[a-z]+\.[a-z]+\.\*/.test(k),
  );
  assert.deepEqual(unknown, [], "README documents keys the schema does not have");
});

test("error codes are unique, well-formed and documented in docs/errors.md", () => {
  const codes = Object.keys(ERRORS);
  assert.equal(new Set(codes).size, codes.length);
  for (const code of codes) {
    assert.match(code, /^VIGIL_ERR_[A-Z]+_[A-Z_]+$/);
    assert.ok(errorsDoc.includes(`| \`${code}\` |`), `${code} is not in docs/errors.md`);
  }
});

test("every code documented in docs/errors.md exists", () => {
  const documented = [...errorsDoc.matchAll(/^\| `(VIGIL_ERR_[A-Z_]+)` \|/gm)].map((m) => m[1]);
  assert.ok(documented.length > 10);
  assert.deepEqual(
    documented.filter((c) => !(c && c in ERRORS)),
    [],
    "docs/errors.md documents codes that do not exist",
  );
});

test("the README is a front door of at most 200 lines, and every link in it and in docs/ resolves", () => {
  assert.ok(readme.split("\n").length <= 200, `README.md has ${readme.split("\n").length} lines`);
  const pages: Array<[string, string]> = [
    ["README.md", readme],
    ...readdirSync(DOCS)
      .filter((f) => f.endsWith(".md"))
      .map((f): [string, string] => [`docs/${f}`, doc(f)]),
  ];
  const anchors = new Map(
    pages.map(([name, text]) => [
      name,
      new Set([...text.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1] ?? ""))),
    ]),
  );
  const broken: string[] = [];
  for (const [name, text] of pages) {
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] as string;
      if (/^(https?:|mailto:)/.test(target)) continue;
      const [file, anchor] = target.split("#") as [string, string | undefined];
      const dir = name.includes("/") ? "docs/" : "";
      const path = file === "" ? name : normalize(join(dir, file));
      if (!existsSync(new URL(`../${path}`, import.meta.url))) broken.push(`${name}: ${target}`);
      else if (anchor && anchors.has(path) && !anchors.get(path)?.has(anchor))
        broken.push(`${name}: ${target}`);
    }
  }
  assert.deepEqual(broken, [], "broken links");
});

/** GitHub's anchor of a heading. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, "")
    .replace(/ /g, "-");
}

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
