import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDurationMs, parseDurationMs, parseSizeBytes } from "../../src/util/units.js";

test("durations parse with units and combinations", () => {
  assert.equal(parseDurationMs("30s"), 30_000);
  assert.equal(parseDurationMs("1h30m"), 5_400_000);
  assert.equal(parseDurationMs("250ms"), 250);
  assert.equal(parseDurationMs("1.5s"), 1500);
  assert.equal(parseDurationMs("7d"), 604_800_000);
  assert.equal(parseDurationMs("0"), 0);
  assert.equal(parseDurationMs("30"), undefined);
  assert.equal(parseDurationMs("soon"), undefined);
  assert.equal(parseDurationMs("-5s"), undefined);
});

test("sizes parse with binary and decimal units", () => {
  assert.equal(parseSizeBytes("64MiB"), 64 * 1024 * 1024);
  assert.equal(parseSizeBytes("1GiB"), 1024 ** 3);
  assert.equal(parseSizeBytes("10KB"), 10_000);
  assert.equal(parseSizeBytes("512"), 512);
  assert.equal(parseSizeBytes("lots"), undefined);
});

test("durations format back for people", () => {
  assert.equal(formatDurationMs(5_400_000), "1h30m");
  assert.equal(formatDurationMs(0), "0s");
  assert.equal(formatDurationMs(1500), "1s500ms");
});
