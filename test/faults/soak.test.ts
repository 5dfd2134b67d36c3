import assert from "node:assert/strict";
import { test } from "node:test";
import { runSoak } from "../../bench/soak.js";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 15);

// The short form of `npm run soak`: the same mixed load for a few seconds. What it asserts is what the
// long run must hold too: every acknowledged message delivered, a clean exit; RSS is only printed
// (a trend is read from the long run, never asserted on a timed test).
test(`soak for ${SECONDS} s: mixed load, a flapping http destination, every acknowledged message delivered`, async () => {
  const lines: string[] = [];
  const r = await runSoak({ seconds: SECONDS, samples: 5, fromSource: true, print: (l) => lines.push(l) });
  console.log(lines.join("\n"));
  assert.ok(r.accepted.subscriber > 0 && r.accepted.http > 0, "messages were published to both");
  assert.deepEqual(r.missing, { subscriber: 0, http: 0 });
  assert.equal(r.exitCode, 0);
  assert.ok(
    r.samples.every((s) => s.rssMiB > 0 && s.heapMiB > 0),
    "every sample read the process status",
  );
});
