import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Client, credentials, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import fc from "fast-check";
import { loadVigilProto } from "../../src/proto.js";
import { call, startSidecar } from "../helpers/sidecar.js";

interface Method {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  /** A valid request, encoded: the seed of truncations. */
  valid: Buffer;
}

/** Every method of every vigil.v1 service, from the contract itself. */
function methods(): Method[] {
  const { definition } = loadVigilProto();
  const out: Method[] = [];
  for (const [name, def] of Object.entries(definition)) {
    if (!name.startsWith("vigil.v1.") || typeof def !== "object" || def === null || "format" in def) continue;
    for (const m of Object.values(def as unknown as Record<string, Record<string, unknown>>)) {
      const serialize = m.requestSerialize as (v: unknown) => Buffer;
      out.push({
        path: m.path as string,
        requestStream: m.requestStream as boolean,
        responseStream: m.responseStream as boolean,
        valid: serialize({
          component: "fuzz-component",
          topic: "fuzz.topic",
          payload: Buffer.from("payload"),
          name: "n",
        }),
      });
    }
  }
  return out;
}

const raw = (b: Buffer) => b;

/** Sends `body` to `m` as raw bytes; resolves with the final status code (never rejects). */
function send(client: Client, m: Method, body: Buffer): Promise<number> {
  const deadline = Date.now() + 5000;
  return new Promise((resolve) => {
    const done = (e: ServiceError | null) => resolve(e ? e.code : status.OK);
    if (!m.requestStream && !m.responseStream) {
      client.makeUnaryRequest(m.path, raw, raw, body, new Metadata(), { deadline }, (e) => done(e));
    } else if (m.requestStream && !m.responseStream) {
      const s = client.makeClientStreamRequest(m.path, raw, raw, new Metadata(), { deadline }, (e) =>
        done(e),
      );
      s.write(body);
      s.end();
    } else {
      const s = m.requestStream
        ? client.makeBidiStreamRequest(m.path, raw, raw, new Metadata(), { deadline })
        : client.makeServerStreamRequest(m.path, raw, raw, body, new Metadata(), { deadline });
      s.on("data", () => {});
      s.on("error", (e: ServiceError) => done(e));
      s.on("end", () => done(null));
      // Streams that would stay open (Subscribe) end at the deadline or here.
      setTimeout(() => s.cancel(), 300).unref();
      if (m.requestStream) {
        (s as unknown as { write(b: Buffer): void; end(): void }).write(body);
        (s as unknown as { end(): void }).end();
      }
    }
  });
}

function heapAfterGc(): number {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

test("raw-bytes fuzz of every gRPC method: random, truncated and oversized frames never crash, never INTERNAL; memory returns", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-fuzz-"));
  const t = await startSidecar("", {
    base: `server:\n  grpc: { address: "127.0.0.1:0", max_message_bytes: 64KiB }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(join(dir, "data"))}\n`,
  });
  const client = new Client(t.grpcAddress, credentials.createInsecure(), {
    "grpc.max_send_message_length": 1024 * 1024,
  });
  const all = methods();
  assert.ok(all.length >= 25, `found ${all.length} methods`);
  const seen = new Map<number, number>();
  let cases = 0;
  try {
    // Warm every path once, then take the heap baseline.
    for (const m of all) await send(client, m, m.valid);
    const baseline = heapAfterGc();
    const frame = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
      fc.nat({ max: 64 }).map((n) => ({ n })),
    );
    for (const m of all) {
      await fc.assert(
        fc.asyncProperty(frame, async (f) => {
          const body = Buffer.isBuffer(f)
            ? f
            : m.valid.subarray(0, Math.min(f.n, Math.max(m.valid.length - 1, 0)));
          const code = await send(client, m, body);
          cases++;
          seen.set(code, (seen.get(code) ?? 0) + 1);
          return code !== status.INTERNAL && code !== status.UNKNOWN;
        }),
        { numRuns: 25, seed: 7 },
      );
      // Oversized: over max_message_bytes, refused by the transport.
      const big = await send(client, m, Buffer.alloc(200 * 1024, 0x41));
      assert.equal(big, status.RESOURCE_EXHAUSTED, `${m.path}: oversized frame`);
      cases++;
    }
    // Still serving, and the heap is back near where it started.
    await call(t.client.heartbeat.Beat.bind(t.client.heartbeat), { component: "after-fuzz" });
    const grown = heapAfterGc() - baseline;
    assert.ok(grown < 20 * 1024 * 1024, `heap grew ${Math.round(grown / 1048576)} MiB over ${cases} cases`);
    assert.ok(cases > 25 * all.length, `${cases} cases`);
    console.log(
      `fuzz: ${cases} cases over ${all.length} methods; statuses ${JSON.stringify(Object.fromEntries(seen))}`,
    );
  } finally {
    client.close();
    await t.close();
    await rm(dir, { recursive: true, force: true });
  }
});
