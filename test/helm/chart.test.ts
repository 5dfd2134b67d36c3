import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { parse, stringify } from "yaml";
import { parseConfigText } from "../../src/config/load.js";

// There is no helm binary here and no faithful renderer of Helm templates on npm: these tests check
// what can be checked without one — the values against values.schema.json as Helm would (merged over
// values.yaml), the config each example carries against Vigil's own schema, and that the templates
// name only values that exist. README says how to run `helm lint` and kubeconform where helm exists.

const CHART = fileURLToPath(new URL("../../helm/vigil/", import.meta.url));
const INVALID = fileURLToPath(new URL("./invalid/", import.meta.url));

type Tree = Record<string, unknown>;
const isMap = (v: unknown): v is Tree => typeof v === "object" && v !== null && !Array.isArray(v);

/** Helm's coalescing of a values file over the chart's defaults: maps merge, everything else replaces. */
function merge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isMap(b) && isMap(v) ? merge(b, v) : v;
  }
  return out;
}

const load = (path: string) => (parse(readFileSync(path, "utf8")) ?? {}) as Tree;
const defaults = load(join(CHART, "values.yaml"));
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(JSON.parse(readFileSync(join(CHART, "values.schema.json"), "utf8")));
const ciFiles = readdirSync(join(CHART, "ci")).filter((f) => f.endsWith(".yaml"));

describe("helm/vigil", () => {
  test("values.yaml and every ci/*.yaml (over it) pass values.schema.json", () => {
    assert.ok(ciFiles.length >= 3);
    for (const [name, values] of [
      ["values.yaml", defaults] as const,
      ...ciFiles.map((f) => [f, merge(defaults, load(join(CHART, "ci", f)))] as const),
    ]) {
      const ok = validate(values);
      assert.ok(ok, `${name}: ${ajv.errorsText(validate.errors)}`);
    }
  });

  test("every values file in test/helm/invalid is rejected, naming what is wrong", () => {
    const files = readdirSync(INVALID).filter((f) => f.endsWith(".yaml"));
    assert.ok(files.length >= 8);
    for (const f of files) {
      const text = readFileSync(join(INVALID, f), "utf8");
      // Each file says where its error is: `# expect: /vigil/grpcPort` ((root) for the top level).
      const expected = /^# expect: (\S+)/.exec(text)?.[1];
      assert.ok(expected, `${f}: first line is # expect: <path>`);
      const ok = validate(merge(defaults, (parse(text) ?? {}) as Tree));
      assert.equal(ok, false, `${f} should be rejected`);
      const paths = (validate.errors ?? []).map((e) => e.instancePath || "(root)");
      assert.ok(paths.includes(expected), `${f}: expected an error at ${expected}, got ${paths.join(", ")}`);
    }
  });

  test("the config of values.yaml and each ci file is a valid vigil.yaml (as the container will load it)", () => {
    for (const [name, values] of [
      ["values.yaml", defaults] as const,
      ...ciFiles.map((f) => [f, merge(defaults, load(join(CHART, "ci", f)))] as const),
    ]) {
      const text = stringify(values.config ?? {});
      assert.doesNotThrow(() => parseConfigText(text, `${name}: config`, null, {}), name);
    }
  });

  test("with an emptyDir, the data dir's budgets (logs, buffers, dead letters) fit persistence.sizeLimit in every ci file", () => {
    const quantity = (q: string) => {
      const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(q);
      assert.ok(m, `a binary quantity: ${q}`);
      return Number(m[1]) * 1024 ** ["", "Ki", "Mi", "Gi", "Ti"].indexOf(m[2] ?? "");
    };
    for (const f of ciFiles) {
      const values = merge(defaults, load(join(CHART, "ci", f))) as Tree & {
        persistence: { enabled: boolean; sizeLimit: string };
      };
      if (values.persistence.enabled) continue;
      const c = parseConfigText(stringify(values.config ?? {}), f, null, {}).config;
      // 64 MiB for what has no bound of its own here: queue.db's pages, the disk reserve, config versions.
      const budget =
        c.logs.cleaner.maxTotalBytes +
        c.router.destinations.reduce((n, d) => n + d.buffer.maxBytes + c.router.deadLetter.maxBytes, 0) +
        64 * 1024 ** 2;
      const limit = quantity(values.persistence.sizeLimit);
      assert.ok(
        budget <= limit,
        `${f}: budgets ${budget} bytes over sizeLimit ${values.persistence.sizeLimit}`,
      );
    }
  });

  test("the templates name only values that exist in values.yaml", () => {
    const dir = join(CHART, "templates");
    const missing: string[] = [];
    for (const f of readdirSync(dir)) {
      const text = readFileSync(join(dir, f), "utf8");
      for (const m of text.matchAll(/\.Values\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g)) {
        let node: unknown = defaults;
        for (const key of (m[1] as string).split(".")) {
          if (!isMap(node) || !(key in node)) {
            missing.push(`${f}: .Values.${m[1]}`);
            break;
          }
          node = node[key];
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  test("the VIGIL_* variables the chart sets are the ones Vigil reads", () => {
    const helpers = readFileSync(join(CHART, "templates", "_helpers.tpl"), "utf8");
    const main = readFileSync(fileURLToPath(new URL("../../src/main.ts", import.meta.url)), "utf8");
    const load = readFileSync(fileURLToPath(new URL("../../src/config/load.ts", import.meta.url)), "utf8");
    const set = [...helpers.matchAll(/name: (VIGIL_[A-Z_]+)/g)].map((m) => m[1] as string);
    assert.ok(set.length >= 5);
    for (const name of set) assert.ok(main.includes(name) || load.includes(name), `${name} is read by Vigil`);
  });
});
