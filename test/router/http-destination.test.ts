import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { Metadata } from "@grpc/grpc-js";
import type { PublishRequest } from "../../src/generated/vigil/v1/PublishRequest.js";
import type { PublishResponse__Output } from "../../src/generated/vigil/v1/PublishResponse.js";
import { DestinationServer } from "../helpers/destination-server.js";
import { call, eventually, startSidecar, type TestSidecar } from "../helpers/sidecar.js";

function publish(
  s: TestSidecar,
  req: PublishRequest,
  md?: Metadata,
): Promise<Required<PublishResponse__Output>> {
  return call(s.client.router.Publish.bind(s.client.router), req, md) as Promise<
    Required<PublishResponse__Output>
  >;
}

/** Publishes many messages over one PublishStream; resolves with the responses. */
function publishMany(s: TestSidecar, reqs: PublishRequest[]): Promise<PublishResponse__Output[]> {
  return new Promise((resolve, reject) => {
    const out: PublishResponse__Output[] = [];
    const stream = s.client.router.PublishStream();
    stream.on("data", (r: PublishResponse__Output) => out.push(r));
    stream.on("error", reject);
    stream.on("end", () => resolve(out));
    for (const r of reqs) stream.write(r);
    stream.end();
  });
}

async function dest(s: TestSidecar, name: string) {
  const d = (await s.sidecar.status()).destinations.find((x) => x.name === name);
  assert.ok(d, name);
  return d;
}

test("http: raw POST with metadata headers, the caller's trace, configured secret headers", async () => {
  const server = await new DestinationServer().start();
  const s = await startSidecar(
    `
router:
  destinations:
    - name: crm
      kind: http
      url: "${server.url}"
      headers: { Authorization: "Bearer \${env:CRM_TOKEN}" }
  routes:
    - { match: { topic: "orders.*" }, to: [crm] }
`,
    { env: { CRM_TOKEN: "s3cret" } },
  );
  try {
    const md = new Metadata();
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    md.set("traceparent", `00-${traceId}-00f067aa0ba902b7-01`);
    const r = await publish(
      s,
      {
        topic: "orders.created",
        payload: Buffer.from('{"id":7}'),
        content_type: "application/json",
        idempotency_key: "o-7",
      },
      md,
    );
    await eventually(() => server.received.length === 1, 5000, "delivery");
    const got = server.received[0];
    assert.ok(got);
    assert.equal(got.body.toString(), '{"id":7}');
    assert.equal(got.headers["content-type"], "application/json");
    assert.equal(got.headers["vigil-message-id"], r.message_id);
    assert.equal(got.headers["vigil-topic"], "orders.created");
    assert.equal(got.headers["vigil-priority"], "NORMAL");
    assert.equal(got.headers["idempotency-key"], "o-7");
    assert.equal(got.headers.authorization, "Bearer s3cret");
    assert.match(String(got.headers.traceparent), new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
    await eventually(async () => (await dest(s, "crm")).queueDepth === 0, 5000, "acked");
    // The secret is shown as its reference, never resolved.
    const shown = JSON.stringify(await s.sidecar.diagnose());
    assert.ok(!shown.includes("s3cret"));
  } finally {
    await s.close();
    await server.stop();
  }
});

test("http: 4xx is dead-lettered at once; 503 with Retry-After is retried and delivered", async () => {
  const server = await new DestinationServer().start();
  server.behave = (req, n) => {
    if (req.headers["vigil-topic"] === "orders.bad") return { status: 422 };
    return n < 2 ? { status: 503, headers: { "retry-after": "0" } } : { status: 200 };
  };
  const s = await startSidecar(`
router:
  destinations:
    - { name: crm, kind: http, url: "${server.url}", format: json, retry: { initial: "20ms", max: "50ms" } }
  routes:
    - { match: { topic: "orders.*" }, to: [crm] }
`);
  try {
    const bad = await publish(s, { topic: "orders.bad", payload: Buffer.from("no") });
    const file = join(s.sidecar.dataDir, "dead-letter", "crm.jsonl");
    const letter = JSON.parse(
      await eventually(
        async () => (await readFile(file, "utf8").catch(() => "")).trim(),
        5000,
        "dead letter",
      ),
    ) as Record<string, unknown>;
    assert.equal(letter.message_id, bad.message_id);
    assert.equal(letter.reason, "rejected");
    assert.equal(letter.error, "HTTP 422");
    const good = await publish(s, {
      topic: "orders.ok",
      payload: Buffer.from("yes"),
      priority: "PRIORITY_HIGH",
    });
    await eventually(() => server.received.length === 1, 5000, "delivered after 503s");
    const body = JSON.parse(server.received[0]?.body.toString() ?? "{}") as Record<string, unknown>;
    assert.equal(body.message_id, good.message_id);
    assert.equal(body.payload, "yes");
    assert.equal(body.priority, "HIGH");
    assert.equal(body.attempt, 2);
    const st = await dest(s, "crm");
    assert.equal(st.deadLettered, 1);
    assert.ok(st.faults.some((f) => f.error === "HTTP 503" && f.kind === "throttled"));
  } finally {
    await s.close();
    await server.stop();
  }
});

test("isolation: a hanging destination opens its breaker while a healthy one keeps delivering", async () => {
  const hung = await new DestinationServer().start();
  hung.behave = () => "hang";
  const healthy = await new DestinationServer().start();
  const s = await startSidecar(`
router:
  destinations:
    - name: hung
      kind: http
      url: "${hung.url}"
      timeout: 300ms
      circuit_breaker: { consecutive_failures: 3, half_open_after: 1m }
    - { name: healthy, kind: http, url: "${healthy.url}" }
  routes:
    - { match: { topic: "jobs.*" }, to: [hung, healthy] }
`);
  try {
    const started = Date.now();
    for (let i = 0; i < 100; i++) await publish(s, { topic: "jobs.run", payload: Buffer.from(String(i)) });
    await eventually(() => healthy.received.length === 100, 10_000, "healthy deliveries");
    const healthyDone = Date.now() - started;
    await eventually(async () => (await dest(s, "hung")).circuit === "open", 10_000, "hung breaker open");
    const h = await dest(s, "healthy");
    assert.equal(h.circuit, "closed");
    assert.equal(h.failed, 0, JSON.stringify(h.faults));
    await eventually(async () => (await dest(s, "healthy")).queueDepth === 0, 5000, "healthy acked");
    const bad = await dest(s, "hung");
    assert.equal(bad.queueDepth, 100, "nothing lost on the hanging destination");
    assert.ok(
      bad.faults.some((f) => f.kind === "timeout"),
      JSON.stringify(bad.faults),
    );
    assert.ok(bad.degraded);
    // The healthy destination never waited for the hanging one's 300 ms timeouts.
    assert.ok(healthyDone < 10_000, `healthy took ${healthyDone} ms`);
  } finally {
    await s.close();
    await hung.stop();
    await healthy.stop();
  }
});

test("outage: 10,000 messages queued while the destination is down all arrive, CRITICAL before LOW", async () => {
  const server = await new DestinationServer().start();
  const port = server.port;
  await server.stop();
  const s = await startSidecar(`
router:
  destinations:
    - name: crm
      kind: http
      url: "http://127.0.0.1:${port}/hook"
      concurrency: 16
      retry: { initial: "50ms", max: "200ms" }
      circuit_breaker: { consecutive_failures: 5, half_open_after: 500ms }
  routes:
    - { match: { topic: "orders.*" }, to: [crm] }
`);
  try {
    const prios = ["PRIORITY_LOW", "PRIORITY_NORMAL", "PRIORITY_HIGH", "PRIORITY_CRITICAL"] as const;
    const reqs: PublishRequest[] = [];
    for (let i = 0; i < 10_000; i++)
      reqs.push({ topic: "orders.x", payload: Buffer.from(`m${i}`), priority: prios[i % 4] });
    const acks = await publishMany(s, reqs);
    assert.equal(acks.length, 10_000);
    const during = await dest(s, "crm");
    assert.equal(during.queueDepth, 10_000);
    assert.equal(during.circuit, "open");
    let maxInFlight = 0;
    const watch = setInterval(async () => {
      maxInFlight = Math.max(maxInFlight, (await dest(s, "crm")).inFlight);
    }, 20);
    await server.start(port);
    await eventually(() => server.received.length >= 10_000, 60_000, "all deliveries");
    clearInterval(watch);
    const order = server.received.map((r) => String(r.headers["vigil-priority"]));
    const lastCritical = order.lastIndexOf("CRITICAL");
    const firstLow = order.indexOf("LOW");
    assert.ok(lastCritical < firstLow, `last CRITICAL at ${lastCritical}, first LOW at ${firstLow}`);
    const ids = new Set(server.received.map((r) => String(r.headers["vigil-message-id"])));
    for (const a of acks) assert.ok(ids.has(a.message_id ?? ""), "every acknowledged message arrived");
    assert.ok(maxInFlight <= 16, `in flight at most the concurrency, saw ${maxInFlight}`);
    await eventually(async () => (await dest(s, "crm")).queueDepth === 0, 10_000, "queue empty");
  } finally {
    await s.close();
    await server.stop();
  }
});
