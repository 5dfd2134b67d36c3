import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseConfigText } from "../../src/config/load.js";
import {
  type BeatInput,
  COMPONENT_ATTRIBUTES_LIMIT,
  COMPONENT_MESSAGE_LIMIT,
  HeartbeatMonitor,
  TRUNCATED,
} from "../../src/heartbeat/heartbeat-monitor.js";
import { ManualClock } from "../../src/util/clock.js";
import { captureLogger } from "../helpers/log-capture.js";
import { testMeterProvider } from "../helpers/metrics.js";

function setup() {
  const clock = new ManualClock();
  const monitor = new HeartbeatMonitor({
    config: parseConfigText("", "vigil.yaml", null, {}).config.heartbeats,
    meter: testMeterProvider().provider.getMeter("vigil"),
    logger: captureLogger().logger,
    clock,
  });
  const beat = (component: string, extra: Partial<BeatInput> = {}) =>
    monitor.beat({ component, health: "OK", message: "", attributes: {}, signal: "ALIVE", ...extra });
  return { clock, monitor, beat };
}

/** Characters of text a component view holds: message, attributes, kept errors. */
function heldChars(v: {
  message: string;
  attributes: Record<string, string>;
  errors: { message: string }[];
}) {
  let n = v.message.length;
  for (const [k, x] of Object.entries(v.attributes)) n += k.length + x.length;
  for (const e of v.errors) n += e.message.length;
  return n;
}

describe("what one component can make the monitor hold", () => {
  test("64 attributes of 4 KiB are kept up to the per-component bound, the rest marked as dropped", () => {
    const { beat, monitor } = setup();
    const attributes = Object.fromEntries(
      Array.from({ length: 64 }, (_, i) => [`attr${String(i).padStart(2, "0")}`, "v".repeat(4096)]),
    );
    beat("big", { attributes });
    const v = monitor.get("big");
    assert.ok(v);
    let chars = 0;
    for (const [k, x] of Object.entries(v.attributes)) chars += k.length + x.length;
    assert.ok(chars <= COMPONENT_ATTRIBUTES_LIMIT, `attributes hold ${chars} characters`);
    // Each value is cut to the message bound; three of those fit, the other 61 are dropped and counted.
    assert.deepEqual(Object.keys(v.attributes), ["attr00", "attr01", "attr02", TRUNCATED]);
    assert.ok(v.attributes.attr00?.endsWith(TRUNCATED), "a long value is cut with the marker");
    assert.equal(v.attributes.attr00?.length, COMPONENT_MESSAGE_LIMIT);
    assert.equal(v.attributes[TRUNCATED], "61 attributes dropped");
  });

  test("small attributes are kept as sent; a long one is cut and later ones that fit are kept", () => {
    const { beat, monitor } = setup();
    beat("small", { attributes: { region: "eu", pod: "bot-1" } });
    assert.deepEqual(monitor.get("small")?.attributes, { region: "eu", pod: "bot-1" });
    beat("mixed", { attributes: { a: "1", blob: "x".repeat(10_000), z: "2" } });
    const v = monitor.get("mixed")?.attributes ?? {};
    assert.equal(v.a, "1");
    assert.equal(v.z, "2");
    assert.ok(v.blob?.endsWith(TRUNCATED));
    assert.equal(v[TRUNCATED], undefined, "nothing was dropped, one value was cut");
  });

  test("the message and every kept error message are cut at the bound with the marker", () => {
    const { beat, monitor } = setup();
    const long = "é".repeat(4000);
    for (let i = 0; i < 20; i++) beat("noisy", { health: "FAILING", message: long });
    const v = monitor.get("noisy");
    assert.ok(v);
    assert.equal(v.message.length, COMPONENT_MESSAGE_LIMIT);
    assert.ok(v.message.endsWith(TRUNCATED));
    assert.equal(v.errors.length, 10);
    for (const e of v.errors) {
      assert.ok(e.message.length <= COMPONENT_MESSAGE_LIMIT);
      assert.ok(e.message.endsWith(TRUNCATED));
    }
    assert.ok(heldChars(v) <= 11 * COMPONENT_MESSAGE_LIMIT);
    beat("noisy", { message: "short" });
    assert.equal(monitor.get("noisy")?.message, "short", "a short message is kept whole");
  });

  test("a cut never splits a surrogate pair", () => {
    const { beat, monitor } = setup();
    beat("emoji", { message: "😀".repeat(COMPONENT_MESSAGE_LIMIT) });
    const m = monitor.get("emoji")?.message ?? "";
    assert.ok(m.endsWith(TRUNCATED), "cut");
    const body = m.slice(0, -TRUNCATED.length);
    assert.equal(body.length % 2, 0);
    assert.ok(!/[\uD800-\uDBFF]$/.test(body), "no lone high surrogate before the marker");
  });
});
