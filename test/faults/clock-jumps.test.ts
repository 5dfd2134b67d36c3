import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { describe, test } from "node:test";
import type { ListComponentsResponse__Output } from "../../src/generated/vigil/v1/ListComponentsResponse.js";
import type { Clock } from "../../src/util/clock.js";
import { DestinationServer } from "../helpers/destination-server.js";
import { call, eventually, startSidecar } from "../helpers/sidecar.js";

const HOUR = 3_600_000;

/** Real time, with a wall clock the test steps as NTP or `date -s` would; the monotonic clock runs on. */
class SteppedClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  monotonic(): number {
    return performance.now();
  }
}

describe("clock jumps", () => {
  test("the wall clock stepped back an hour during a retry backoff: the retry still goes out after its backoff", async () => {
    const hook = await new DestinationServer().start();
    const clock = new SteppedClock();
    // The clock steps back 250 ms into the 1 s backoff, timed from the 503 itself (polling for the
    // 503 from the test could miss it on a loaded machine and see the retry already done).
    hook.behave = (_r, n) => {
      if (n > 0) return { status: 200 };
      setTimeout(() => {
        clock.offsetMs = -HOUR;
      }, 250);
      return { status: 503 };
    };
    const s = await startSidecar(
      `router:
  destinations:
    - { name: crm, kind: http, url: "${hook.url}", retry: { initial: 1s, max: 1s } }
  routes: [{ match: { topic: ">" }, to: [crm] }]
`,
      { clock },
    );
    try {
      await call(s.client.router.Publish.bind(s.client.router), {
        topic: "orders",
        payload: Buffer.from("x"),
      });
      await eventually(() => hook.received.length === 1, 5000, "the retry delivered despite the step back");
      assert.equal(hook.requests.length, 2, "one failed attempt, one retry");
    } finally {
      await s.close();
      await hook.stop();
    }
  });

  test("a heartbeat age is never negative after a step back; TTLs follow the wall clock forward (documented)", async () => {
    const clock = new SteppedClock();
    const s = await startSidecar(
      `router:
  destinations: [{ name: consumers, kind: subscriber }]
  routes: [{ match: { topic: ">" }, to: [consumers] }]
`,
      { clock },
    );
    try {
      await call(s.client.heartbeat.Beat.bind(s.client.heartbeat), {
        component: "w",
        interval: { seconds: 30 },
      });
      clock.offsetMs = -HOUR;
      const list = await call<unknown, ListComponentsResponse__Output>(
        s.client.heartbeat.ListComponents.bind(s.client.heartbeat),
        {},
      );
      const c = list.components.find((x) => x.name === "w");
      assert.equal(c?.state, "COMPONENT_STATE_UP");
      assert.ok(
        Number(c?.age?.seconds ?? 0) >= 0 && (c?.age?.nanos ?? 0) >= 0,
        `age ${JSON.stringify(c?.age)}`,
      );
      const metrics = await (await fetch(`${s.httpUrl}/metrics`)).text();
      const age = /vigil_component_heartbeat_age\{[^}]*component="w"[^}]*\} (\S+)/.exec(metrics);
      assert.ok(age && Number(age[1]) >= 0, `heartbeat age metric ${age?.[1]}`);

      // A TTL is a wall-clock deadline (it is stored with the message and survives restarts):
      // a clock stepped forward past it expires the message.
      clock.offsetMs = 0;
      s.sidecar.setPaused("consumers", true);
      await call(s.client.router.Publish.bind(s.client.router), {
        topic: "t",
        payload: Buffer.from("ttl"),
        ttl: { seconds: 3600 },
      });
      clock.offsetMs = 2 * HOUR;
      const file = join(s.sidecar.dataDir, "dead-letter", "consumers.jsonl");
      const line = await eventually(
        async () => (await readFile(file, "utf8").catch(() => "")).trim(),
        5000,
        "expired by the forward step",
      );
      assert.equal((JSON.parse(line) as { reason: string }).reason, "expired");
    } finally {
      await s.close();
    }
  });
});
