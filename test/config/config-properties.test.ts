import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { stringify } from "yaml";
import { defaultTree } from "../../src/config/effective.js";
import { ConfigError, parseConfigText } from "../../src/config/load.js";

type Tree = Record<string, unknown>;

/** Every key path of the defaults (the real shape), to mutate. */
function paths(t: Tree, prefix: string[] = []): string[][] {
  return Object.entries(t).flatMap(([k, v]) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? paths(v as Tree, [...prefix, k])
      : [[...prefix, k]],
  );
}

const value = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    "30s",
    "0s",
    "-1s",
    "5m",
    "1h30m",
    "64MiB",
    "1GiB",
    "12XB",
    "",
    "${env:NOPE}",
    "127.0.0.1:0",
    "0.0.0.0:99999",
  ),
  fc.integer({ min: -1000, max: 1_000_000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
);

test("config parsing: any mutation of the real shape gives a config or a ConfigError whose every issue has a path, a message and a line", () => {
  const base = defaultTree();
  const all = paths(base);
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom(...all), value), { minLength: 1, maxLength: 6 }),
      fc.boolean(),
      (mutations, extraKey) => {
        const tree = structuredClone(base);
        for (const [path, v] of mutations) {
          let node = tree;
          for (const k of path.slice(0, -1)) node = node[k] as Tree;
          node[path.at(-1) as string] = v;
        }
        if (extraKey) (tree.server as Tree).surprise = 1;
        // Secrets must not be resolved from this process's environment.
        const text = stringify(tree);
        try {
          const loaded = parseConfigText(text, "fuzz.yaml", null, {});
          assert.equal(extraKey, false, "an unknown key must not be accepted");
          assert.equal(typeof loaded.config.server.grpc.address, "string");
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          assert.ok(e.issues.length > 0);
          for (const issue of e.issues) {
            assert.ok(issue.path.length > 0 || issue.message.length > 0, JSON.stringify(issue));
            assert.ok(issue.message.length > 0);
            if (issue.source === "fuzz.yaml") assert.ok((issue.line ?? 0) >= 1, JSON.stringify(issue));
          }
        }
      },
    ),
    { numRuns: 400, seed: 11 },
  );
});

test("config parsing: arbitrary text never throws anything but a ConfigError", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.constantFrom("{", "- a\n- b", "a: [", "!!js/function x", "a: &x\n  b: *x"),
      ),
      (text) => {
        try {
          parseConfigText(text, "fuzz.yaml", null, {});
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
        }
      },
    ),
    { numRuns: 500, seed: 12 },
  );
});
