import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { call, eventually, startSidecar } from "../helpers/sidecar.js";

const run = promisify(execFile);

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
async function certificates(dir: string): Promise<void> {
  const ossl = (...args: string[]) => run("openssl", args, { cwd: dir });
  await ossl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "1",
    "-subj",
    "/CN=test-ca",
  );
  await writeFile(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  for (const name of ["server", "client"]) {
    await ossl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    );
    await ossl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "1",
      ...(name === "server" ? ["-extfile", "san.ext"] : []),
    );
  }
}

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
