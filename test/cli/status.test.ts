import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatDuration } from "../../src/cli/duration.js";
import { formatStatus } from "../../src/cli/status.js";
import type { GetStatusResponse__Output } from "../../src/generated/vigil/v1/GetStatusResponse.js";

const dur = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

function status(over: Partial<GetStatusResponse__Output> = {}): GetStatusResponse__Output {
  return {
    version: "0.1.0",
    uptime: dur(80_468),
    config_version: { version: 5, description: "reloaded (file)" },
    components: [
      {
        name: "worker",
        state: "COMPONENT_STATE_UP",
        health: "HEALTH_OK",
        age: dur(3_712),
        interval: dur(30_000),
        errors: [],
      },
    ],
    destinations: [],
    firing_alerts: [],
    tasks: [{ name: "cleanup", interval: dur(3_600_000), runs: 1 }],
    spool: [],
    ...over,
  } as unknown as GetStatusResponse__Output;
}

describe("vigil status output", () => {
  test("durations print to the second: 1m20s, not 1m20s468ms", () => {
    const out = formatStatus(status());
    assert.match(out, /uptime 1m20s · /);
    assert.match(out, /worker\s+UP\s+OK\s+4s ago/);
    assert.doesNotMatch(out, /\d+ms/);
  });

  test("formatDuration rounds to seconds, keeps milliseconds only below one second", () => {
    assert.equal(formatDuration(80_468), "1m20s");
    assert.equal(formatDuration(80_500), "1m21s");
    assert.equal(formatDuration(0), "0s");
    assert.equal(formatDuration(250), "250ms");
    assert.equal(formatDuration(3_600_000), "1h");
    assert.equal(formatDuration(90_061_000), "1d1h1m1s");
    assert.equal(formatDuration(999.6), "1s");
  });

  test("a rejected reload shows until a good one, with the version kept", () => {
    const out = formatStatus(
      status({
        config_error: {
          message: "/etc/vigil.yaml:3:21: heartbeats.default_interval: expected a positive duration",
          time: { seconds: 1_700_000_000, nanos: 0 },
          source: "signal",
        },
      } as Partial<GetStatusResponse__Output>),
    );
    assert.match(
      out,
      /config rejected at 2023-11-14T22:13:20\.000Z \(signal\); running v5 kept:\n {2}\/etc\/vigil\.yaml:3:21: heartbeats\.default_interval/,
    );
    assert.doesNotMatch(formatStatus(status()), /config rejected/);
  });
});
