import assert from "node:assert/strict";
import { validateHeaderName, validateHeaderValue } from "node:http";
import { test } from "node:test";
import fc from "fast-check";
import { headers as natsHeaders } from "nats";
import { headerValue, isPrintableAscii, isToken } from "../../src/router/senders/header-encoding.js";
import { decodeHeader } from "../helpers/poison.js";

test("plain printable ASCII goes into a header as it is", () => {
  for (const v of ["", "orders.created", "a b", "8e03978e-40d5", "x%41", "UTF-8'x", "it's (*)"])
    assert.equal(headerValue(v), v);
});

test("anything else is an RFC 8187 ext-value", () => {
  assert.equal(headerValue("ключ-1"), "UTF-8''%D0%BA%D0%BB%D1%8E%D1%87-1");
  assert.equal(headerValue("a\r\nb"), "UTF-8''a%0D%0Ab");
  assert.equal(headerValue(" padded "), "UTF-8''%20padded%20");
  assert.equal(headerValue("it's (*) é"), "UTF-8''it%27s%20%28%2A%29%20%C3%A9");
  // Looks encoded: encoded again, so decoding gives the original back.
  assert.equal(headerValue("UTF-8''%41"), "UTF-8''UTF-8%27%27%2541");
  assert.equal(headerValue("utf-8''x"), "UTF-8''utf-8%27%27x");
  // A lone surrogate cannot be UTF-8: it travels as U+FFFD rather than throwing.
  assert.equal(headerValue("\ud800"), "UTF-8''%EF%BF%BD");
});

test("every string survives both transports: Node and nats.js accept the value, and it decodes back", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "grapheme", maxLength: 64 }),
      // Any UTF-16 code units, lone surrogates and control characters included.
      fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)), maxLength: 64 }),
      (a, b) => {
        for (const v of [a, b, `${a}\r\n${b}`, ` ${b}\t`]) {
          const h = headerValue(v);
          validateHeaderValue("vigil-topic", h);
          const nh = natsHeaders();
          nh.set("vigil-attr-x", h);
          // nats.js trims values: an encoded value has nothing to trim.
          assert.equal(nh.get("vigil-attr-x"), h);
          // Lone surrogates (from fc.string) become U+FFFD, as UTF-8 makes them.
          assert.equal(decodeHeader(h), Buffer.from(v, "utf8").toString("utf8"));
        }
      },
    ),
    { numRuns: 500 },
  );
});

test("attribute keys: RFC 7230 tokens are exactly what both HTTP header names and NATS header keys take", () => {
  const tchars = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  assert.ok(isToken(tchars));
  for (let c = 0; c < 0x100; c++) {
    const k = `k${String.fromCharCode(c)}`;
    const token = isToken(k);
    assert.equal(token, tchars.includes(String.fromCharCode(c)), `U+${c.toString(16)}`);
    if (!token) continue;
    validateHeaderName(`vigil-attr-${k}`);
    natsHeaders().set(`vigil-attr-${k}`, "v");
  }
  for (const k of ["", "my key", "a:b", "ключ", "a\r\n", "a\u0000", 'a"b', "(x)", "a/b", "a@b"])
    assert.equal(isToken(k), false, JSON.stringify(k));
});

test("content types: printable ASCII only", () => {
  assert.ok(isPrintableAscii("text/plain; charset=utf-8"));
  assert.ok(isPrintableAscii(""));
  for (const v of ["text/plain\r\n", "a\tb", "a\u0000", "a\u007f", "téxt/plain", "a\u0085"])
    assert.equal(isPrintableAscii(v), false, JSON.stringify(v));
});
