import assert from "node:assert/strict";
import { readdir, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { Metadata } from "@grpc/grpc-js";
import type { Delivery__Output } from "../../src/generated/vigil/v1/Delivery.js";
import type { PublishRequest } from "../../src/generated/vigil/v1/PublishRequest.js";
import { DestinationServer } from "../helpers/destination-server.js";
import { OtlpReceiver } from "../helpers/otlp-receiver.js";
import { call, eventually, startSidecar, type TestSidecar } from "../helpers/sidecar.js";

/** A router config with one subscriber destination `q` that takes every topic, plus `extra` router keys. */
const oneQueue = (extra = "") => `
router:
${extra}  destinations:
    - { name: q, kind: subscriber }
  routes:
    - { match: { topic: ">" }, to: [q] }
`;

function publish(s: TestSidecar, req: PublishRequest, md?: Metadata) {
  return call(s.client.router.Publish.bind(s.client.router), req, md) as Promise<{
    message_id: string;
    routed: number;
  }>;
}

test("drop_lowest_priority keeps the most important messages and counts the drops", async () => {
  const s = await startSidecar(`
router:
  destinations:
    - { name: q, kind: subscriber, buffer: { max_messages: 3, overflow: drop_lowest_priority } }
  routes:
    - { match: { topic: ">" }, to: [q] }
`);
  try {
    s.sidecar.setPaused("q", true);
    const ids: Record<string, string> = {};
    for (const p of [
      "PRIORITY_LOW",
      "PRIORITY_HIGH",
      "PRIORITY_LOW",
      "PRIORITY_CRITICAL",
      "PRIORITY_NORMAL",
    ] as const)
      ids[`${p}-${Object.keys(ids).length}`] = (
        await publish(s, { topic: "t", payload: Buffer.from(p), priority: p })
      ).message_id;
    await eventually(async () => (await s.sidecar.status()).destinations[0]?.queueDepth === 3, 5000, "bound");
    s.sidecar.setPaused("q", false);
    const got: Delivery__Output[] = [];
    const stream = s.client.router.Subscribe({ destination: "q" });
    stream.on("data", (d: Delivery__Output) => {
      got.push(d);
      call(s.client.router.Ack.bind(s.client.router), {
        destination: "q",
        message_ids: [d.message_id],
      }).catch(
        () => undefined, // an ack racing the teardown
      );
    });
    stream.on("error", () => undefined);
    await eventually(() => got.length === 3, 5000, "the three kept");
    assert.deepEqual(
      got.map((d) => d.priority),
      ["PRIORITY_CRITICAL", "PRIORITY_HIGH", "PRIORITY_NORMAL"],
    );
    stream.cancel();
    const metrics = await (await fetch(`${s.httpUrl}/metrics`)).text();
    assert.match(
      metrics,
      /vigil_router_dropped_total\{destination="q",reason="overflow_lowest_priority"[^}]*\} 2/,
    );
  } finally {
    await s.close();
  }
});

test("a disabled destination queues without delivering; enabling it by reload delivers", async () => {
  const server = await new DestinationServer().start();
  const yaml = (enabled: boolean) => `
router:
  destinations:
    - { name: crm, kind: http, url: "${server.url}", enabled: ${enabled} }
  routes:
    - { match: { topic: ">" }, to: [crm] }
`;
  const s = await startSidecar(yaml(false));
  try {
    await publish(s, { topic: "a", payload: Buffer.from("held") });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(server.requests.length, 0);
    assert.equal((await s.sidecar.status()).destinations[0]?.queueDepth, 1);
    const base = `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(s.sidecar.dataDir)}\n`;
    await writeFile(s.configPath, base + yaml(true));
    await s.sidecar.reload("api");
    await eventually(() => server.received.length === 1, 5000, "delivered once enabled");
  } finally {
    await s.close();
    await server.stop();
  }
});

test("rate_limit.per_second spaces deliveries", async () => {
  const server = await new DestinationServer().start();
  const s = await startSidecar(`
router:
  destinations:
    - { name: crm, kind: http, url: "${server.url}", rate_limit: { per_second: 20 } }
  routes:
    - { match: { topic: ">" }, to: [crm] }
`);
  try {
    for (let i = 0; i < 6; i++) await publish(s, { topic: "a", payload: Buffer.from(String(i)) });
    await eventually(() => server.received.length === 6, 5000, "deliveries");
    const times = server.received.map((r) => r.time);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    // 20/s is one per 50 ms: allow network and timer jitter on a single gap, none on the whole.
    assert.ok(Math.min(...gaps) >= 25, `gaps ${gaps.join(", ")} ms`);
    assert.ok((times.at(-1) as number) - (times[0] as number) >= 5 * 45, `gaps ${gaps.join(", ")} ms`);
  } finally {
    await s.close();
    await server.stop();
  }
});

test("dead-letter files past their retention or size bound are deleted and counted", async () => {
  const s = await startSidecar(oneQueue("  dead_letter: { retention: 1h, max_bytes: 1MiB }\n"));
  try {
    const dir = join(s.sidecar.dataDir, "dead-letter");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(dir, { recursive: true });
    const old = join(dir, "q-20260101T000000000Z-000000.jsonl");
    const recent = join(dir, "q-20260102T000000000Z-000001.jsonl");
    const letter = `${JSON.stringify({ message_id: "m", topic: "t", payload: "x" })}\n`;
    await writeFile(old, letter.repeat(3));
    await writeFile(recent, letter.repeat(2));
    await writeFile(join(dir, "q.jsonl"), letter);
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(old, twoHoursAgo, twoHoursAgo);
    await s.sidecar.router.maintain();
    assert.deepEqual((await readdir(dir)).sort(), ["q-20260102T000000000Z-000001.jsonl", "q.jsonl"]);
    assert.ok((await stat(recent)).size > 0);
    const metrics = await (await fetch(`${s.httpUrl}/metrics`)).text();
    assert.match(metrics, /vigil_router_dropped_total\{destination="",reason="dead_letter_bound"[^}]*\} 3/);
  } finally {
    await s.close();
  }
});

test("one trace from the caller through publish to the delivery, with the traceparent handed to the destination", async () => {
  const receiver = new OtlpReceiver();
  const endpoint = await receiver.start();
  const server = await new DestinationServer().start();
  const s = await startSidecar(`
telemetry: { otlp: { endpoint: "${endpoint}", export_interval: 1s } }
router:
  destinations:
    - { name: crm, kind: http, url: "${server.url}" }
  routes:
    - { match: { topic: ">" }, to: [crm] }
`);
  try {
    const traceId = "5bf92f3577b34da6a3ce929d0e0e4736";
    const md = new Metadata();
    md.set("traceparent", `00-${traceId}-00f067aa0ba902b7-01`);
    const r = await publish(s, { topic: "orders.created", payload: Buffer.from("{}") }, md);
    await eventually(() => server.received.length === 1, 5000, "delivery");
    const header = String(server.received[0]?.headers.traceparent);
    await s.sidecar.telemetry.tracerProvider?.forceFlush();
    const spans = await eventually(
      () => {
        const all = receiver.spans().filter((x) => x.traceId === traceId);
        return all.some((x) => x.name === "send crm") ? all : null;
      },
      10_000,
      "spans",
    );
    const rpc = spans.find((x) => x.name === "vigil.v1.RouterService/Publish");
    const pub = spans.find((x) => x.name === "publish orders.created");
    const send = spans.find((x) => x.name === "send crm");
    assert.ok(rpc && pub && send);
    assert.equal(rpc.parentSpanId, "00f067aa0ba902b7");
    assert.equal(pub.parentSpanId, rpc.spanId);
    assert.equal(send.parentSpanId, pub.spanId);
    assert.equal(header, `00-${traceId}-${send.spanId}-01`);
    assert.match(JSON.stringify(send.attributes), new RegExp(r.message_id));
    const metrics = await (await fetch(`${s.httpUrl}/metrics`)).text();
    for (const name of [
      "vigil_router_published_total",
      "vigil_router_delivered_total",
      "vigil_router_queue_depth",
      "vigil_router_delivery_duration_bucket",
      "vigil_destination_circuit_state",
    ])
      assert.match(metrics, new RegExp(`^${name}`, "m"), name);
  } finally {
    await s.close();
    await server.stop();
    await receiver.stop();
  }
});

test("client_rate_limit refuses a client over its rate with RESOURCE_EXHAUSTED and a wait, others go on", async () => {
  const s = await startSidecar(oneQueue("  client_rate_limit: { per_second: 1, burst: 3 }\n"));
  try {
    const as = (client: string) => {
      const md = new Metadata();
      md.set("vigil-client", client);
      return md;
    };
    // Sent together, so the bucket cannot refill in between: three pass, the fourth is refused.
    const results = await Promise.allSettled(
      [0, 1, 2, 3].map(() => publish(s, { topic: "a", payload: Buffer.from("x") }, as("noisy"))),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 3);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    const e = refused.reason as { code: number; details: string };
    assert.equal(e.code, 8); // RESOURCE_EXHAUSTED
    assert.match(
      e.details,
      /VIGIL_ERR_ROUTER_RATE_LIMITED: client noisy@127\.0\.0\.1 is over router.client_rate_limit \(1\/s\); retry in \d+ ms/,
    );
    // Another client is not held back by the noisy one.
    await publish(s, { topic: "a", payload: Buffer.from("x") }, as("quiet"));
    await new Promise((r) => setTimeout(r, 1100));
    await publish(s, { topic: "a", payload: Buffer.from("x") }, as("noisy"));
    const metrics = await (await fetch(`${s.httpUrl}/metrics`)).text();
    assert.match(metrics, /vigil_router_rate_limited_total\{[^}]*\} 1/);
  } finally {
    await s.close();
  }
});

test("rate_limit.per_second also spaces deliveries to a subscriber destination", async () => {
  const s = await startSidecar(`
router:
  destinations:
    - { name: q, kind: subscriber, rate_limit: { per_second: 20 } }
  routes:
    - { match: { topic: ">" }, to: [q] }
`);
  try {
    for (let i = 0; i < 6; i++) await publish(s, { topic: "a", payload: Buffer.from(String(i)) });
    const times: number[] = [];
    const stream = s.client.router.Subscribe({ destination: "q" });
    stream.on("data", (d: Delivery__Output) => {
      times.push(Date.now());
      call(s.client.router.Ack.bind(s.client.router), {
        destination: "q",
        message_ids: [d.message_id],
      }).catch(
        () => undefined, // an ack racing the teardown
      );
    });
    stream.on("error", () => undefined);
    await eventually(() => times.length === 6, 5000, "deliveries");
    stream.cancel();
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    assert.ok(Math.min(...gaps) >= 25, `gaps ${gaps.join(", ")} ms`);
    assert.ok((times.at(-1) as number) - (times[0] as number) >= 5 * 45, `gaps ${gaps.join(", ")} ms`);
  } finally {
    await s.close();
  }
});
