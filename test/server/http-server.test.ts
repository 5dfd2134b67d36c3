import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { StatusSnapshot } from "../../src/api/admin-api.js";
import { parseConfigText } from "../../src/config/load.js";
import { HttpServer } from "../../src/server/http-server.js";
import { captureLogger } from "../helpers/log-capture.js";
import { collect, testMeterProvider } from "../helpers/metrics.js";
import { call, startSidecar, type TestSidecar } from "../helpers/sidecar.js";

/** An address of this machine that is not loopback (never an address elsewhere), or null. */
function nonLoopbackAddress(): string | null {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (!a.internal && a.family === "IPv4") return a.address;
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? [])
      if (!a.internal && a.family === "IPv6" && !a.address.startsWith("fe80")) return `[${a.address}]`;
  return null;
}

/** A sidecar whose HTTP port listens on every interface, as in production. */
async function startPublicSidecar(http = ""): Promise<{ s: TestSidecar; done: () => Promise<void> }> {
  const data = await mkdtemp(join(tmpdir(), "vigil-http-"));
  const s = await startSidecar("", {
    base: `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "0.0.0.0:0"${http} }\ndata_dir: ${JSON.stringify(data)}\n`,
  });
  return {
    s,
    done: async () => {
      await s.close();
      await rm(data, { recursive: true, force: true });
    },
  };
}

async function counter(s: TestSidecar, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${s.httpUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n"))
    if (line.startsWith(`${name}{`) && line.includes(labels)) sum += Number(line.split(" ").at(-1));
  return sum;
}

function httpConfig(yaml: string) {
  return parseConfigText(`server: { http: { address: "127.0.0.1:0"${yaml} } }\n`, "vigil.yaml", null, {})
    .config.server.http;
}

/** A real HttpServer over a status source the test controls. */
async function startHttp(yaml: string, status: () => Promise<StatusSnapshot>) {
  const { provider, reader } = testMeterProvider();
  const server = new HttpServer({
    config: httpConfig(yaml),
    logger: captureLogger().logger,
    meter: provider.getMeter("vigil"),
    prometheus: null,
    ready: () => true,
    status,
  });
  await server.start();
  const refused = async (reason: string) =>
    (await collect(reader)).find((r) => r.name === "vigil.http.refused" && r.attributes.reason === reason)
      ?.value ?? 0;
  return { server, url: `http://127.0.0.1:${server.port}`, refused };
}

/** Resolves with the ms until the server closed the socket, or "open" after `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<number | "open"> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve("open"), ms);
    socket.on("error", () => undefined);
    // Read what the server sends (a 408): a paused socket would never see the server's FIN.
    socket.resume();
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Date.now() - t0);
    });
  });
}

describe("what the open HTTP port shows", () => {
  test("the status page and /status.json answer loopback peers only; /metrics, /healthz and /readyz answer everyone", async (t) => {
    const ext = nonLoopbackAddress();
    if (ext === null) {
      t.skip("this machine has no non-loopback address");
      return;
    }
    const { s, done } = await startPublicSidecar();
    try {
      const port = s.sidecar.httpPort;
      for (const path of ["/", "/status", "/status.json", "/status.json?offset=0"]) {
        const res = await fetch(`http://${ext}:${port}${path}`);
        assert.equal(res.status, 403, `${path} from ${ext}`);
        assert.match(
          await res.text(),
          /^the status page answers loopback peers only \(kubectl port-forward\); set server\.http\.status_public: true to serve it to all\n$/,
        );
      }
      for (const path of ["/metrics", "/healthz", "/readyz"])
        assert.equal((await fetch(`http://${ext}:${port}${path}`)).status, 200, `${path} from ${ext}`);
      assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 200, "loopback is served");
      assert.equal((await fetch(`http://127.0.0.1:${port}/status.json`)).status, 200);
      assert.equal(await counter(s, "vigil_http_refused_total", 'reason="not_loopback"'), 4);
    } finally {
      await done();
    }
  });

  test("server.http.status_public: true serves the status page to every peer", async (t) => {
    const ext = nonLoopbackAddress();
    if (ext === null) {
      t.skip("this machine has no non-loopback address");
      return;
    }
    const { s, done } = await startPublicSidecar(", status_public: true");
    try {
      const res = await fetch(`http://${ext}:${s.sidecar.httpPort}/status.json`);
      assert.equal(res.status, 200);
      assert.equal(typeof ((await res.json()) as { version: string }).version, "string");
    } finally {
      await done();
    }
  });
});

describe("bounds on what a caller can make the HTTP port hold", () => {
  test("at most 2 status renders at once: the next gets 503 with Retry-After, counted; a finished one frees its place", async () => {
    const s = await startSidecar();
    let calls = 0;
    let open: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const snapshot = await s.sidecar.status();
    const h = await startHttp("", async () => {
      calls++;
      await gate;
      return snapshot;
    });
    try {
      const first = fetch(`${h.url}/status.json`);
      const second = fetch(`${h.url}/`);
      while (calls < 2) await new Promise((r) => setImmediate(r));
      // Today's bound is 2; without one this request would wait for the gate: give up after 5 s.
      const third = await fetch(`${h.url}/status.json`, { signal: AbortSignal.timeout(5000) });
      assert.equal(third.status, 503);
      assert.equal(third.headers.get("retry-after"), "1");
      assert.match(await third.text(), /2 status renders are running/);
      assert.equal(calls, 2, "the refused request did not gather a snapshot");
      open();
      assert.equal((await first).status, 200);
      assert.equal((await second).status, 200);
      assert.equal((await fetch(`${h.url}/status.json`)).status, 200, "the places are free again");
      assert.equal(await h.refused("busy"), 1);
      assert.equal((await fetch(`${h.url}/healthz`)).status, 200);
    } finally {
      open();
      await h.server.stop();
      await s.close();
    }
  });

  test("max_connections: one connection too many is closed at once and counted", async () => {
    const h = await startHttp(", max_connections: 2", () => Promise.reject(new Error("unused")));
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const c = connect(h.server.port, "127.0.0.1");
        sockets.push(c);
        await new Promise((r) => c.once("connect", r));
      }
      // The server counts a connection once it accepted it: wait until the two are its own.
      while ((await h.server.connections()) < 2) await new Promise((r) => setImmediate(r));
      const extra = connect(h.server.port, "127.0.0.1");
      sockets.push(extra);
      assert.notEqual(await closedWithin(extra, 3000), "open", "the third connection is closed");
      assert.equal(await h.refused("connections"), 1);
    } finally {
      for (const c of sockets) c.destroy();
      await h.server.stop();
    }
  });

  test("an idle or half-sent request is closed after headers_timeout; an idle keep-alive connection after keep_alive_timeout", async () => {
    const h = await startHttp(
      ', headers_timeout: "300ms", request_timeout: "1s", keep_alive_timeout: "200ms"',
      () => Promise.reject(new Error("unused")),
    );
    const sockets: Socket[] = [];
    try {
      const silent = connect(h.server.port, "127.0.0.1");
      const slow = connect(h.server.port, "127.0.0.1", () => slow.write("GET / HTTP/1.1\r\nHost: x\r\n"));
      sockets.push(silent, slow);
      const [a, b] = await Promise.all([closedWithin(silent, 5000), closedWithin(slow, 5000)]);
      assert.notEqual(a, "open", "a connection that sends nothing is closed");
      assert.notEqual(b, "open", "a request whose headers never end is closed");
      assert.ok((a as number) >= 250, `not before the timeout (${a} ms)`);

      const kept = connect(h.server.port, "127.0.0.1", () =>
        kept.write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"),
      );
      sockets.push(kept);
      const answered = new Promise<string>((r) => kept.once("data", (d) => r(String(d))));
      const closed = closedWithin(kept, 5000);
      assert.match(await answered, /^HTTP\/1\.1 200/);
      assert.notEqual(await closed, "open", "the idle keep-alive connection is closed");
    } finally {
      for (const c of sockets) c.destroy();
      await h.server.stop();
    }
  });

  test("headers_timeout must not exceed request_timeout (config error, named)", () => {
    assert.throws(
      () => httpConfig(', headers_timeout: "40s", request_timeout: "30s"'),
      /server\.http\.headers_timeout[\s\S]*request_timeout/,
    );
  });

  test("/status.json and the status page list at most 200 components with totals, paging through ?offset=", async () => {
    const s = await startSidecar();
    try {
      await Promise.all(
        Array.from({ length: 450 }, (_, i) =>
          call(s.client.heartbeat.Beat.bind(s.client.heartbeat), {
            component: `c${String(i).padStart(3, "0")}`,
          }),
        ),
      );
      type Page = { components: { name: string }[]; page: Record<string, number> };
      const first = (await (await fetch(`${s.httpUrl}/status.json`)).json()) as Page;
      assert.equal(first.components.length, 200);
      assert.equal(first.components[0]?.name, "c000");
      assert.deepEqual(first.page, {
        offset: 0,
        limit: 200,
        components: 450,
        destinations: 0,
        firingAlerts: 0,
      });
      const last = (await (await fetch(`${s.httpUrl}/status.json?offset=400`)).json()) as Page;
      assert.deepEqual(
        last.components.map((c) => c.name),
        Array.from({ length: 50 }, (_, i) => `c${400 + i}`),
      );
      const html = await (await fetch(`${s.httpUrl}/?offset=200`)).text();
      assert.match(html, /components 201–400 of 450/);
      assert.match(html, /<a href="\?offset=400">next 200<\/a>/);
      assert.match(html, /<a href="\?offset=0">previous 200<\/a>/);
      assert.equal((html.match(/<tr><td>c\d{3}<\/td>/g) ?? []).length, 200);
      for (const bad of ["-1", "abc", "1e3", "99999999999999999999"]) {
        const res = await fetch(`${s.httpUrl}/status.json?offset=${bad}`);
        assert.equal(res.status, 400, `offset=${bad}`);
        assert.match(await res.text(), /^offset: expected an integer from 0/);
      }
    } finally {
      await s.close();
    }
  });
});
