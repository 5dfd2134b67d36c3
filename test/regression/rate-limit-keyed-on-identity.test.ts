import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { status as GrpcStatus, Metadata, type ServiceError } from "@grpc/grpc-js";
import { createVigilClient, type VigilStubs } from "../../src/client/client.js";
import { ManualClock } from "../../src/util/clock.js";
import { call, startSidecar, type TestSidecar } from "../helpers/sidecar.js";

// server.limits used to key on the self-declared `vigil-client` metadata entry, else the peer's
// address with its port: one caller could take a fresh bucket per call (a new vigil-client value,
// or a new connection), and claim another caller's bucket by sending its vigil-client value.

const A = "token-a-0123456789abcdef";
const B = "token-b-0123456789abcdef";

function md(entries: Record<string, string>): Metadata {
  const m = new Metadata();
  for (const [k, v] of Object.entries(entries)) m.set(k, v);
  return m;
}

/** One Beat; the error when refused. The clock never moves, so no bucket refills meanwhile. */
async function beat(c: VigilStubs, entries: Record<string, string> = {}): Promise<ServiceError | null> {
  try {
    await call(c.heartbeat.Beat.bind(c.heartbeat), { component: "w" }, md(entries));
    return null;
  } catch (e) {
    return e as ServiceError;
  }
}

async function beats(c: VigilStubs, n: number, entries: (i: number) => Record<string, string>) {
  const out: Array<ServiceError | null> = [];
  for (let i = 0; i < n; i++) out.push(await beat(c, entries(i)));
  return out.filter((e): e is ServiceError => e !== null);
}

async function refusedTotal(s: TestSidecar): Promise<number> {
  const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n"))
    if (line.startsWith("vigil_limits_refused_total{") && line.includes('reason="client_requests"'))
      sum += Number(line.split(" ").at(-1));
  return sum;
}

async function withAuth(yaml = ""): Promise<TestSidecar> {
  const dir = await mkdtemp(join(tmpdir(), "vigil-limit-auth-"));
  const tokens = join(dir, "tokens");
  await writeFile(tokens, `a: ${A}\nb: ${B}\n`);
  return startSidecar(yaml, {
    clock: new ManualClock(),
    base: `server:
  grpc: { address: "127.0.0.1:0" }
  http: { address: "127.0.0.1:0" }
  auth: { tokens_file: ${JSON.stringify(tokens)} }
  limits: { client_requests_per_second: 5 }
data_dir: ${JSON.stringify(join(dir, "data"))}
`,
  });
}

test("with auth, one token sending 60 different vigil-client values is limited as one client", async () => {
  const s = await withAuth();
  const a = createVigilClient(s.grpcAddress, {}, { token: A });
  try {
    const refused = await beats(a, 60, (i) => ({ "vigil-client": `evader-${i}` }));
    assert.equal(refused.length, 55, "a burst of 5, then every call refused");
    const e = refused[0] as ServiceError;
    assert.equal(e.code, GrpcStatus.RESOURCE_EXHAUSTED);
    assert.match(e.details, /VIGIL_ERR_LIMIT_CLIENT_RATE: client a is over server\.limits/);
    assert.equal(await refusedTotal(s), 55, "every refusal counted");
  } finally {
    a.close();
    await s.close();
  }
});

test("with auth, token A cannot exhaust token B's bucket by claiming B's vigil-client (or principal)", async () => {
  const s = await withAuth();
  const a = createVigilClient(s.grpcAddress, {}, { token: A });
  const b = createVigilClient(s.grpcAddress, {}, { token: B });
  try {
    // B's vigil-client value, then B's name as a principal entry: both are A's bucket.
    assert.equal((await beats(a, 5, () => ({ "vigil-client": "b-bot" }))).length, 0);
    const claimed = await beats(a, 5, () => ({ "vigil-principal": "b" }));
    assert.equal(claimed.length, 5, "A is limited at its own rate");
    assert.match(claimed[0]?.details ?? "", /client a is over/);
    assert.equal(await beat(b, { "vigil-client": "b-bot" }), null, "B still has its whole bucket");
    assert.equal((await beats(b, 4, () => ({ "vigil-client": "b-bot" }))).length, 0);
    assert.equal((await beat(b, { "vigil-client": "b-bot" }))?.code, GrpcStatus.RESOURCE_EXHAUSTED);
  } finally {
    a.close();
    b.close();
    await s.close();
  }
});

test("with auth, router.client_rate_limit keys on the token too", async () => {
  const s = await withAuth(`router:
  client_rate_limit: { per_second: 1, burst: 3 }
  destinations: [{ name: q, kind: subscriber }]
  routes: [{ match: { topic: ">" }, to: [q] }]
`);
  const a = createVigilClient(s.grpcAddress, {}, { token: A });
  const b = createVigilClient(s.grpcAddress, {}, { token: B });
  const publish = async (c: VigilStubs, client: string) => {
    try {
      await call(
        c.router.Publish.bind(c.router),
        { topic: "t", payload: Buffer.from("x") },
        md({ "vigil-client": client }),
      );
      return null;
    } catch (e) {
      return e as ServiceError;
    }
  };
  try {
    for (let i = 0; i < 3; i++) assert.equal(await publish(a, `evader-${i}`), null);
    const e = await publish(a, "evader-3");
    assert.equal(e?.code, GrpcStatus.RESOURCE_EXHAUSTED);
    assert.match(
      e?.details ?? "",
      /VIGIL_ERR_ROUTER_RATE_LIMITED: client a is over router\.client_rate_limit/,
    );
    assert.equal(await publish(b, "evader-3"), null, "B's publishes are B's own");
  } finally {
    a.close();
    b.close();
    await s.close();
  }
});

/** A TCP forwarder whose connections to `target` leave from `localAddress` (another loopback IP). */
async function forwarder(target: number, localAddress: string): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect({ host: "127.0.0.1", port: target, localAddress });
    for (const sock of [inbound, outbound]) {
      sockets.add(sock);
      sock.on("error", () => undefined);
      sock.on("close", () => sockets.delete(sock));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  assert.ok(address && typeof address === "object");
  return {
    port: address.port,
    close() {
      for (const sock of sockets) sock.destroy();
      server.close();
    },
  };
}

/** A sidecar without auth, limited to 5 calls/s, with clients on two connections from 127.0.0.1 and one from 127.0.0.2. */
async function withoutAuth(): Promise<{
  s: TestSidecar;
  first: VigilStubs;
  second: VigilStubs;
  elsewhere: VigilStubs;
  close(): Promise<void>;
}> {
  const s = await startSidecar("", {
    clock: new ManualClock(),
    server: "  limits: { client_requests_per_second: 5 }\n",
  });
  const fwd = await forwarder(Number(s.grpcAddress.split(":").at(-1)), "127.0.0.2");
  // Separate connections, each from its own port of 127.0.0.1 (grpc-js shares one connection
  // between channels to the same address unless each has a subchannel pool of its own).
  const own = { "grpc.use_local_subchannel_pool": 1 };
  const first = createVigilClient(s.grpcAddress, own);
  const second = createVigilClient(s.grpcAddress, own);
  const elsewhere = createVigilClient(`127.0.0.1:${fwd.port}`, own);
  return {
    s,
    first,
    second,
    elsewhere,
    async close() {
      first.close();
      second.close();
      elsewhere.close();
      fwd.close();
      await s.close();
    },
  };
}

test("without auth, a new connection (a new peer port) from the same IP is not a new bucket", async () => {
  const t = await withoutAuth();
  try {
    assert.equal((await beats(t.first, 3, () => ({}))).length, 0);
    assert.equal((await beats(t.second, 3, () => ({}))).length, 1, "the second connection shares the bucket");
    const e = await beat(t.first);
    assert.equal(e?.code, GrpcStatus.RESOURCE_EXHAUSTED);
    assert.match(e?.details ?? "", /client 127\.0\.0\.1 is over server\.limits/);
    assert.equal(await refusedTotal(t.s), 2);
  } finally {
    await t.close();
  }
});

test("without auth, each vigil-client value from one IP has its own bucket, on any connection", async () => {
  const t = await withoutAuth();
  try {
    // Several processes behind one address tell themselves apart.
    assert.equal((await beats(t.first, 5, () => ({ "vigil-client": "worker-1" }))).length, 0);
    assert.equal((await beats(t.second, 5, () => ({ "vigil-client": "worker-2" }))).length, 0);
    assert.equal(await beat(t.first), null, "nor do they use up the address's own bucket");
    const w1 = await beat(t.second, { "vigil-client": "worker-1" });
    assert.equal(
      w1?.code,
      GrpcStatus.RESOURCE_EXHAUSTED,
      "worker-1's bucket follows it to another connection",
    );
    assert.match(w1?.details ?? "", /client worker-1@127\.0\.0\.1 is over/);
    // Without auth a vigil-principal entry is only a client's claim, dropped before the limits look.
    const claimed = await beat(t.first, { "vigil-client": "worker-2", "vigil-principal": "fresh" });
    assert.equal(claimed?.code, GrpcStatus.RESOURCE_EXHAUSTED);
  } finally {
    await t.close();
  }
});

test("without auth, a peer at another IP claiming a vigil-client value gets a bucket of its own", async () => {
  const t = await withoutAuth();
  try {
    assert.equal((await beats(t.first, 5, () => ({ "vigil-client": "worker-1" }))).length, 0);
    // 127.0.0.2 can neither borrow worker-1's spent bucket nor drain it.
    assert.equal((await beats(t.elsewhere, 5, () => ({ "vigil-client": "worker-1" }))).length, 0);
    assert.match(
      (await beat(t.elsewhere, { "vigil-client": "worker-1" }))?.details ?? "",
      /client worker-1@127\.0\.0\.2 is over/,
    );
    assert.match(
      (await beat(t.first, { "vigil-client": "worker-1" }))?.details ?? "",
      /worker-1@127\.0\.0\.1/,
    );
  } finally {
    await t.close();
  }
});
