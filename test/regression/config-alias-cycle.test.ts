import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, parseConfigText } from "../../src/config/load.js";

// Found by the config property test: a self-referential alias overflowed the stack (a crash, not an error).
test("a YAML alias to its own ancestor is a config error naming the place, not a stack overflow", () => {
  assert.throws(
    () => parseConfigText("bot:\n  attributes: &a\n    self: *a\n", "vigil.yaml", null, {}),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.issues[0]?.path === "bot.attributes.self" &&
      e.issues[0]?.line === 3 &&
      /a cycle/.test(e.issues[0]?.message ?? ""),
  );
});

test("an alias bomb is a config error, not minutes of expansion", () => {
  const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 10; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(", ")}]`,
    );
  assert.throws(() => parseConfigText(`${lines.join("\n")}\n`, "vigil.yaml", null, {}), ConfigError);
});
