import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { certificates } from "../helpers/certificates.js";
import { call, eventually, startSidecar } from "../helpers/sidecar.js";

test("http over mTLS: the destination's CA, client certificate and key are used; without them the handshake fails", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-tls-"));
  await certificates(dir);
  const read = (f: string) => readFile(join(dir, f));
  const received: string[] = [];
  const server = createServer(
    {
      key: await read("server.key"),
      cert: await read("server.crt"),
      ca: await read("ca.crt"),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push(Buffer.concat(chunks).toString());
        res.end();
      });
    },
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const s = await startSidecar(`
router:
  destinations:
    - name: secure
      kind: http
      url: "${url}"
      tls: { ca_file: "${join(dir, "ca.crt")}", cert_file: "${join(dir, "client.crt")}", key_file: "${join(dir, "client.key")}" }
    - { name: anonymous, kind: http, url: "${url}", tls: { ca_file: "${join(dir, "ca.crt")}" }, retry: { initial: 1s, max: 1s } }
  routes:
    - { match: { topic: "secure" }, to: [secure] }
    - { match: { topic: "anonymous" }, to: [anonymous] }
`);
  try {
    await call(s.client.router.Publish.bind(s.client.router), {
      topic: "secure",
      payload: Buffer.from("over mTLS"),
    });
    await eventually(() => received.includes("over mTLS"), 5000, "delivery over mTLS");
    await call(s.client.router.Publish.bind(s.client.router), {
      topic: "anonymous",
      payload: Buffer.from("no cert"),
    });
    const d = await eventually(
      async () => (await s.sidecar.status()).destinations.find((x) => x.name === "anonymous" && x.failed > 0),
      5000,
      "a refused handshake",
    );
    assert.equal(d.queueDepth, 1, "kept for a retry");
    assert.ok(!received.includes("no cert"));
  } finally {
    await s.close();
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
