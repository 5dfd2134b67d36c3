import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { test } from "node:test";
import { status as GrpcStatus, Metadata, type ServiceError } from "@grpc/grpc-js";
import type { PublishResponse__Output } from "../../src/generated/vigil/v1/PublishResponse.js";
import { call, eventually, startSidecar, type TestSidecar } from "../helpers/sidecar.js";

function as(client: string): Metadata {
  const md = new Metadata();
  md.set("vigil-client", client);
  return md;
}

async function beat(s: TestSidecar, client: string): Promise<ServiceError | null> {
  try {
    await call(s.client.heartbeat.Beat.bind(s.client.heartbeat), { component: `c-${client}` }, as(client));
    return null;
  } catch (e) {
    return e as ServiceError;
  }
}

/** The sum of a counter's series on /metrics with the given label text in them. */
async function counter(s: TestSidecar, name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n"))
    if (line.startsWith(`${name}{`) && line.includes(labels)) sum += Number(line.split(" ").at(-1));
  return sum;
}

test("client_requests_per_second: a unary call over it is RESOURCE_EXHAUSTED with a retry hint; another client is not held back", async () => {
  const s = await startSidecar("", { server: "  limits: { client_requests_per_second: 5 }\n" });
  try {
    const results = await Promise.all(Array.from({ length: 20 }, () => beat(s, "noisy")));
    const refused = results.filter((e): e is ServiceError => e !== null);
    assert.ok(refused.length >= 10, `most of 20 at once over a burst of 5 are refused (${refused.length})`);
    const e = refused[0] as ServiceError;
    assert.equal(e.code, GrpcStatus.RESOURCE_EXHAUSTED);
    assert.match(
      e.details,
      /VIGIL_ERR_LIMIT_CLIENT_RATE: client noisy@127\.0\.0\.1 is over server\.limits\.client_requests_per_second \(5\/s\).*retry in \d+ ms/,
    );
    assert.ok(Number(e.metadata.get("grpc-retry-pushback-ms")[0]) > 0, "the standard retry pushback trailer");
    assert.equal(await beat(s, "quiet"), null, "a neighbour has a bucket of its own");
    // The hint is honest: after it, the client is served again.
    await new Promise((r) => setTimeout(r, Number(e.metadata.get("grpc-retry-pushback-ms")[0]) + 250));
    assert.equal(await beat(s, "noisy"), null);
    assert.ok((await counter(s, "vigil_limits_refused_total", 'reason="client_requests"')) >= refused.length);
  } finally {
    await s.close();
  }
});

test("client_bytes_per_second: a PublishStream over it is slowed, not cut: every message is acknowledged", async () => {
  const s = await startSidecar(
    `router:
  destinations: [{ name: consumers, kind: subscriber }]
  routes: [{ match: { topic: ">" }, to: [consumers] }]
`,
    { server: "  limits: { client_bytes_per_second: 32KiB }\n" },
  );
  try {
    const stream = s.client.router.PublishStream(as("bulk"));
    const acks: PublishResponse__Output[] = [];
    stream.on("data", (r: PublishResponse__Output) => acks.push(r));
    const errors: Error[] = [];
    stream.on("error", (e: Error) => errors.push(e));
    for (let i = 0; i < 12; i++) stream.write({ topic: "bulk", payload: Buffer.alloc(8192, i) }); // 96 KiB
    stream.end();
    await eventually(() => acks.length === 12 || errors.length > 0, 15_000, "every publish answered");
    assert.deepEqual(errors, []);
    assert.equal(new Set(acks.map((a) => a.message_id)).size, 12);
    assert.ok((await counter(s, "vigil_limits_delayed_total", 'reason="client_bytes"')) > 0, "held back");
  } finally {
    await s.close();
  }
});

test("max_streams and max_subscribers: one stream too many is refused; a closed one frees its place", async () => {
  const s = await startSidecar(
    `router:
  destinations: [{ name: consumers, kind: subscriber }]
  routes: [{ match: { topic: ">" }, to: [consumers] }]
`,
    { server: "  limits: { max_streams: 2, max_subscribers: 1 }\n" },
  );
  try {
    const subscribe = () => {
      const sub = s.client.router.Subscribe({ destination: "consumers" });
      const outcome = new Promise<ServiceError | null>((resolve) => {
        sub.on("error", (e: ServiceError) => resolve(e));
        sub.on("data", () => undefined);
        setTimeout(() => resolve(null), 500).unref();
      });
      return { sub, outcome };
    };
    const first = subscribe();
    assert.equal(await first.outcome, null, "the first subscriber stays");
    const second = subscribe();
    const refused = await second.outcome;
    assert.equal(refused?.code, GrpcStatus.RESOURCE_EXHAUSTED);
    assert.match(refused?.details ?? "", /server\.limits\.max_subscribers is 1/);

    // A second stream of another kind fits (2 streams), a third does not.
    const record = s.client.metrics.RecordStream(() => undefined);
    record.write({ points: [] });
    await eventually(() => s.sidecar.limits.open.streams === 2, 5000, "two streams open");
    const third = await new Promise<ServiceError>((resolve) => {
      const r = s.client.metrics.RecordStream((e: ServiceError | null) => resolve(e as ServiceError));
      r.end();
    });
    assert.equal(third.code, GrpcStatus.RESOURCE_EXHAUSTED);
    assert.match(third.details, /server\.limits\.max_streams is 2/);

    first.sub.cancel();
    record.end();
    await eventually(() => s.sidecar.limits.open.streams === 0, 5000, "both places freed");
    const again = subscribe();
    assert.equal(await again.outcome, null, "a new subscriber gets the freed place");
    again.sub.cancel();
    assert.ok((await counter(s, "vigil_limits_refused_total", 'reason="subscribers"')) >= 1);
    assert.ok((await counter(s, "vigil_limits_refused_total", 'reason="streams"')) >= 1);
  } finally {
    await s.close();
  }
});

test("limits change on reload, for the next calls", async () => {
  const s = await startSidecar("");
  try {
    assert.equal(
      (await Promise.all(Array.from({ length: 10 }, () => beat(s, "bot")))).filter(Boolean).length,
      0,
    );
    const text = await readFile(s.configPath, "utf8");
    await writeFile(
      s.configPath,
      text.replace(
        '  http: { address: "127.0.0.1:0" }\n',
        '  http: { address: "127.0.0.1:0" }\n  limits: { client_requests_per_second: 2 }\n',
      ),
    );
    const r = await call<unknown, { changed: boolean; restart_required: string[] }>(
      s.client.admin.ReloadConfig.bind(s.client.admin),
      {},
    );
    assert.equal(r.changed, true);
    assert.deepEqual(r.restart_required, []);
    const results = await Promise.all(Array.from({ length: 10 }, () => beat(s, "bot")));
    assert.ok(results.filter(Boolean).length >= 5, "the new limit applies");
  } finally {
    await s.close();
  }
});
