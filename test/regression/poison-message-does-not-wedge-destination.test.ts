import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type ServiceError, status } from "@grpc/grpc-js";
import type { PublishRequest } from "../../src/generated/vigil/v1/PublishRequest.js";
import type { PublishResponse__Output } from "../../src/generated/vigil/v1/PublishResponse.js";
import { NatsServer } from "../helpers/nats-server.js";
import { LEGACY_POISON, POISON, PoisonRig } from "../helpers/poison.js";
import { eventually, type TestSidecar } from "../helpers/sidecar.js";

// Publishes with a non-ASCII idempotency key, CR/LF in content_type or a space in an attribute key
// were accepted, then failed on every http/nats delivery as "transient" (Node and nats.js refuse
// such headers before sending), opened the breaker and held every later message: 0 of 20
// delivered. Now Publish refuses what no destination can carry, header values are encoded
// (RFC 8187), and what a destination still cannot take is dead-lettered as `unencodable`.

const nats = new NatsServer();
before(async () => {
  await nats.start();
});
after(async () => {
  await nats.stop();
});

test("poison publishes then 20 good ones: all 20 reach the http and nats destinations, no breaker opens", async () => {
  const rig = await new PoisonRig(nats).start();
  try {
    const accepted = new Map<string, PublishRequest>();
    for (const p of POISON) {
      const r = await rig.publish(p.req);
      if ("id" in r) accepted.set(r.id, p.req);
    }
    const good = await rig.publishGood(20, "good");
    await rig.waitDelivered(good);
    assert.equal(rig.breakerOpenings(), 0, "no breaker opened");
    for (const d of (await rig.s.sidecar.status()).destinations) assert.equal(d.circuit, "closed", d.name);
    // What was accepted arrived with its values intact, decoded by the documented rule.
    await rig.waitDelivered([...accepted.keys()]);
    for (const [id, req] of accepted) {
      const h = rig.httpArrivals.find((a) => a.messageId === id);
      const n = rig.natsArrivals.find((a) => a.messageId === id);
      assert.equal(h?.topic, req.topic);
      assert.equal(h?.idempotencyKey, req.idempotency_key ?? "");
      assert.equal(n?.topic, req.topic);
      assert.deepEqual(n?.attributes, req.attributes ?? {});
    }
  } finally {
    await rig.close();
  }
});

test("queued rows no destination can carry are dead-lettered as unencodable at once, and block nothing", async () => {
  const rig = await new PoisonRig(nats).start();
  try {
    for (const p of LEGACY_POISON) await rig.publishLegacy(p.input);
    const good = await rig.publishGood(20, "after-legacy");
    await rig.waitDelivered(good);
    const st = await rig.s.sidecar.status();
    const fleet = st.destinations.find((d) => d.name === "fleet");
    const hook = st.destinations.find((d) => d.name === "hook");
    // nats carries neither a CR/LF content type nor a spaced header key; http raw sends no attribute headers.
    await eventually(
      async () =>
        (await rig.s.sidecar.status()).destinations.find((d) => d.name === "fleet")?.deadLettered === 2,
      5000,
      "both legacy rows dead-lettered on fleet",
    );
    assert.equal(hook?.circuit, "closed");
    assert.equal(fleet?.circuit, "closed");
    assert.equal(rig.breakerOpenings(), 0);
    const metrics = await (await fetch(`${rig.s.httpUrl}/metrics`)).text();
    const dead = { name: "vigil_router_dead_lettered_total", reason: "unencodable" };
    assert.equal(metricValue(metrics, dead.name, { destination: "fleet", reason: dead.reason }), 2);
    assert.equal(metricValue(metrics, dead.name, { destination: "hook", reason: dead.reason }), 1);
    assert.equal(
      metricValue(metrics, "vigil_router_failed_total", { destination: "fleet", reason: "unencodable" }),
      2,
    );
  } finally {
    await rig.close();
  }
});

/** The value of the Prometheus sample `name` whose labels include `labels`; 0 when there is none. */
function metricValue(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return 0;
}

function publishStream(s: TestSidecar, reqs: PublishRequest[]): Promise<{ ok: number; err?: ServiceError }> {
  return new Promise((resolve) => {
    let ok = 0;
    const stream = s.client.router.PublishStream();
    stream.on("data", (_r: PublishResponse__Output) => ok++);
    stream.on("error", (err: ServiceError) => resolve({ ok, err }));
    stream.on("end", () => resolve({ ok }));
    for (const r of reqs) stream.write(r);
    stream.end();
  });
}

test("Publish and PublishStream refuse what no destination can carry with INVALID_ARGUMENT naming the field, counted", async () => {
  const rig = await new PoisonRig(nats).start();
  try {
    const refused = POISON.filter((p) => p.field !== undefined);
    assert.ok(refused.length >= 2);
    const extra: Array<{ req: PublishRequest; field: string }> = [
      { req: { topic: "orders.poison", content_type: "text/plain\u0000" }, field: "content_type" },
      { req: { topic: "orders.poison", content_type: "téxt/plain" }, field: "content_type" },
      { req: { topic: "orders.poison", attributes: { "a:b": "v" } }, field: "attributes" },
      { req: { topic: "orders.poison", attributes: { ключ: "v" } }, field: "attributes" },
      { req: { topic: "orders.\u0001poison" }, field: "topic" },
    ];
    const cases = [...refused.map((p) => ({ req: p.req, field: p.field as string })), ...extra];
    for (const c of cases) {
      const r = await rig.publish(c.req);
      assert.ok("code" in r, `refused: ${JSON.stringify(c.req)}`);
      assert.equal(r.code, status.INVALID_ARGUMENT);
      assert.match(r.details, new RegExp(`^VIGIL_ERR_REQUEST_INVALID_FIELD: ${c.field}`));
      const s = await publishStream(rig.s, [{ topic: "orders.fine" }, c.req, { topic: "orders.never" }]);
      assert.equal(s.ok, 1, "the request before the bad one was answered");
      assert.equal(s.err?.code, status.INVALID_ARGUMENT);
      assert.match(s.err?.details ?? "", new RegExp(`^VIGIL_ERR_REQUEST_INVALID_FIELD: ${c.field}`));
    }
    // RFC 7230 token characters are all accepted as attribute keys.
    const ok = await rig.publish({ topic: "orders.fine", attributes: { "A-z0_9!#$%&'*+.^`|~": "v" } });
    assert.ok("id" in ok, JSON.stringify(ok));
    const metrics = await (await fetch(`${rig.s.httpUrl}/metrics`)).text();
    const count = (field: string) =>
      metricValue(metrics, "vigil_router_rejected_total", { reason: "invalid_field", field });
    assert.equal(count("content_type"), 2 * 3);
    assert.equal(count("attributes"), 2 * 3);
    assert.equal(count("topic"), 2);
    // Streams are counted under the status's name, like unary calls (they were counted as "3").
    const streamErrors = { rpc: "vigil.v1.RouterService/PublishStream", status: "INVALID_ARGUMENT" };
    assert.equal(metricValue(metrics, "vigil_grpc_errors_total", streamErrors), cases.length);
  } finally {
    await rig.close();
  }
});
