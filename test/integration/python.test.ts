import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { ROOT } from "../helpers/process.js";
import { startSidecar } from "../helpers/sidecar.js";

const run = promisify(execFile);
// Debian's python3 sees python3-grpcio; a pyenv python3 first on PATH would not.
const PYTHON = "/usr/bin/python3";

test("a Python bot (grpcio, stubs generated from proto/) beats, records metrics and reads status", async () => {
  const stubs = await mkdtemp(join(tmpdir(), "vigil-py-"));
  const t = await startSidecar();
  try {
    const protos = (await readdir(join(ROOT, "proto/vigil/v1"))).map((f) => `proto/vigil/v1/${f}`);
    await run(
      "protoc",
      [
        "-I",
        "proto",
        `--python_out=${stubs}`,
        `--grpc_out=${stubs}`,
        "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin",
        ...protos,
      ],
      { cwd: ROOT },
    );
    const { stdout } = await run(
      PYTHON,
      [join(ROOT, "test/integration/python/bot.py"), stubs, t.grpcAddress],
      {
        timeout: 60_000,
      },
    );
    const out = JSON.parse(stdout);
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
