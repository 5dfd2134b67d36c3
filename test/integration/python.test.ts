import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { test } from "node:test";
import { pythonStubs, runPython } from "../helpers/python.js";
import { startSidecar } from "../helpers/sidecar.js";

test("a Python bot (grpcio, stubs generated from proto/) beats, records metrics and reads status", async () => {
  const stubs = await pythonStubs();
  const t = await startSidecar();
  try {
    const out = await runPython<Record<string, unknown> & { deadline_seconds: number }>(
      "bot.py",
      [t.grpcAddress],
      stubs,
    );
    assert.equal(out.beat_state, "COMPONENT_STATE_UP");
    assert.ok(out.deadline_seconds > 0);
    assert.deepEqual(out.bad_beat, [
      "INVALID_ARGUMENT",
      "VIGIL_ERR_REQUEST_INVALID_FIELD: component: must match [A-Za-z0-9_.:-]{1,128}",
    ]);
    assert.deepEqual(out.record, { accepted: 2, rejected: [[2, "VIGIL_ERR_METRICS_KIND_CONFLICT"]] });
    assert.equal(out.stream_accepted, 500);
    assert.equal(out.overall, "OVERALL_STATUS_HEALTHY");
    assert.deepEqual(out.components, { "py-worker": "COMPONENT_STATE_UP" });
    assert.equal(out.status_version, "test");
    assert.equal(out.status_points_accepted, 502);
    const text = await (await fetch(`${t.httpUrl}/metrics`)).text();
    assert.match(text, /py_orders_total\{shop="x",otel_scope_name="bot"\} 5/);
    assert.match(text, /py_temperature\{otel_scope_name="bot"\} 21\.5/);
  } finally {
    await t.close();
    await rm(stubs, { recursive: true, force: true });
  }
});
