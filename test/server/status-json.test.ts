import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../../src/util/clock.js";
import { call, startSidecar } from "../helpers/sidecar.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function keyPaths(v: Json, at = "", out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) keyPaths(x, `${at}[]`, out);
  else if (v !== null && typeof v === "object")
    for (const [k, x] of Object.entries(v)) {
      out.add(`${at}.${k}`);
      keyPaths(x, `${at}.${k}`, out);
    }
  return out;
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

test("/status.json is the HTTP API's GetStatus answer (proto3 JSON) for one page, plus `page`", async () => {
  const s = await startSidecar(
    [
      "router:",
      "  destinations: [{ name: audit, kind: log, path: audit.jsonl }]",
      '  routes: [{ match: { topic: ">" }, to: [audit] }]',
      "",
    ].join("\n"),
    // A clock that stands still: no scheduled task runs between the reads, so they see one state.
    { server: '  http_api: { address: "127.0.0.1:0" }\n', clock: new ManualClock() },
  );
  try {
    const beat = s.client.heartbeat.Beat.bind(s.client.heartbeat);
    await call(beat, { component: "worker", health: "HEALTH_DEGRADED", message: "slow" });
    await Promise.all(
      Array.from({ length: 204 }, (_, i) => call(beat, { component: `c${String(i).padStart(3, "0")}` })),
    );
    const api = `http://127.0.0.1:${s.sidecar.httpApiPort}`;
    const connect = (await (
      await fetch(`${api}/vigil.v1.AdminService/GetStatus`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      })
    ).json()) as Record<string, Json>;
    const get = async (path: string) => {
      const res = await fetch(`${s.httpUrl}${path}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "application/json");
      return (await res.json()) as Record<string, Json>;
    };
    const { page, ...web } = await get("/status.json");
    assert.deepEqual(page, { offset: 0, limit: 200, components: 205, destinations: 1, firingAlerts: 0 });
    // The same message, the same destinations (the key paths are compared over both pages below).
    assert.deepEqual(web.destinations, connect.destinations);
    assert.equal(web.version, "test");
    // Cut to the page: every list from the offset, at most 200.
    const names = (x: Record<string, Json>) => (x.components as Array<{ name: string }>).map((c) => c.name);
    assert.deepEqual(names(web), names(connect).slice(0, 200));
    const { page: second, ...rest } = await get("/status.json?offset=200");
    assert.deepEqual(second, { offset: 200, limit: 200, components: 205, destinations: 1, firingAlerts: 0 });
    assert.deepEqual(names(rest), names(connect).slice(200));
    assert.equal(names(rest).length, 5);
    assert.deepEqual(rest.destinations, []);
    const both = keyPaths(rest as Json, "", keyPaths(web as Json));
    assert.deepEqual([...both].sort(), [...keyPaths(connect)].sort(), "the same key paths at every depth");

    const worker = (connect.components as Array<Record<string, Json>>).find((c) => c.name === "worker");
    assert.equal(worker?.health, "HEALTH_DEGRADED");
    assert.equal(worker?.state, "COMPONENT_STATE_UP");
    assert.match(String(worker?.lastBeat), RFC3339);
    assert.match(String(web.startedAt), RFC3339);
    assert.match(String((web.configVersion as Record<string, Json>).appliedAt), RFC3339);
    assert.match(String(web.uptime), /^\d+(\.\d+)?s$/);
    assert.equal((web.destinations as Array<Record<string, Json>>)[0]?.circuitState, "CIRCUIT_STATE_CLOSED");
    assert.deepEqual(web.firingAlerts, [], "empty lists are written");
    for (const snake of ["config_version", "started_at", "firing_alerts", "componentsStatus", "uptimeMs"])
      assert.equal(web[snake], undefined, `no ${snake}: neither proto names nor the internal snapshot's`);
  } finally {
    await s.close();
  }
});
