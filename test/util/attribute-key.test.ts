import assert from "node:assert/strict";
import { test } from "node:test";
import { fingerprintOf } from "../../src/alerts/labels.js";
import { attributeKey, checkedAttributeKey } from "../../src/util/attribute-key.js";

const LIMITS = { maxAttributes: 3, maxKeyLength: 8, maxValueLength: 8 };

test("attributeKey is independent of insertion order and sorts by UTF-16 code units, as Array.prototype.sort", () => {
  assert.equal(attributeKey({}), "");
  assert.equal(attributeKey({ b: "2", a: "1", A: "x" }), "A\u0000x\u0001a\u00001\u0001b\u00002\u0001");
  assert.equal(attributeKey({ zone: "z", host: "h" }), attributeKey({ host: "h", zone: "z" }));
  const keys = ["é", "e", "Z", "_", "10", "9", "\u{1F600}", "ｚ"];
  const attrs = Object.fromEntries(keys.map((k) => [k, "v"]));
  const expected = [...keys]
    .sort()
    .map((k) => `${k}\u0000v\u0001`)
    .join("");
  assert.equal(attributeKey(attrs), expected);
});

test("checkedAttributeKey gives the same key within the limits and null beyond them", () => {
  assert.equal(checkedAttributeKey({ b: "2", a: "1" }, LIMITS), attributeKey({ a: "1", b: "2" }));
  assert.equal(checkedAttributeKey({ a: "1", b: "2", c: "3", d: "4" }, LIMITS), null);
  assert.equal(checkedAttributeKey({ "": "1" }, LIMITS), null);
  assert.equal(checkedAttributeKey({ "123456789": "1" }, LIMITS), null);
  assert.equal(checkedAttributeKey({ a: "123456789" }, LIMITS), null);
  // A refused set leaves nothing behind for the next call.
  assert.equal(checkedAttributeKey({ z: "1" }, LIMITS), "z\u00001\u0001");
});

test("alert fingerprints keep the values stored by earlier versions", () => {
  // Computed with the fingerprint code before attributeKey became the one key function.
  assert.equal(
    fingerprintOf({ alertname: "HighLatency", component: "worker-1", zone: "é\u00a0ü" }),
    "cbb7393983f4d327",
  );
  assert.equal(fingerprintOf({}), "e3b0c44298fc1c14");
  assert.equal(fingerprintOf({ b: "2", a: "1", A: "x" }), "ac11ede6870221ef");
});
