import assert from "node:assert/strict";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { status as GrpcStatus } from "@grpc/grpc-js";
import { type ClientSecurity, call, createVigilClient } from "../../src/client/client.js";
import { ConfigError, parseConfigText } from "../../src/config/load.js";
import { certificates } from "../helpers/certificates.js";
import { eventually, startSidecar } from "../helpers/sidecar.js";

let dir = "";
const pem = (f: string) => readFile(join(dir, f));

/** One Beat over a fresh channel with the given security; the error when it fails. */
async function beat(address: string, security: ClientSecurity): Promise<Error & { code?: number }> {
  const client = createVigilClient(address, {}, security);
  try {
    await call(client.heartbeat.Beat.bind(client.heartbeat), { component: "tls-probe" }, undefined);
    return Object.assign(new Error("ok"), { code: GrpcStatus.OK });
  } catch (e) {
    return e as Error & { code?: number };
  } finally {
    client.close();
  }
}

describe("gRPC over TLS (server.grpc.tls)", () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "vigil-grpc-tls-"));
    await certificates(dir, ["server", "client"], "ca");
    await certificates(dir, ["server2", "stranger"], "ca2");
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("TLS: a client trusting the CA is served; a plaintext client and one trusting another CA are not", async () => {
    const s = await startSidecar(
      `    tls: { cert_file: "${join(dir, "server.crt")}", key_file: "${join(dir, "server.key")}" }\n`,
      { base: baseWithGrpcExtra() },
    );
    try {
      assert.equal((await beat(s.grpcAddress, { tls: { ca: await pem("ca.crt") } })).code, GrpcStatus.OK);
      assert.equal((await beat(s.grpcAddress, {})).code, GrpcStatus.UNAVAILABLE, "plaintext is refused");
      assert.equal(
        (await beat(s.grpcAddress, { tls: { ca: await pem("ca2.crt") } })).code,
        GrpcStatus.UNAVAILABLE,
        "a certificate from an untrusted CA fails the handshake",
      );
      assert.ok(s.logs.some((r) => r.msg === "gRPC server listening" && r.tls === true));
    } finally {
      await s.close();
    }
  });

  test("mTLS: only a client with a certificate from client_ca_file gets in", async () => {
    const s = await startSidecar(
      `    tls: { cert_file: "${join(dir, "server.crt")}", key_file: "${join(dir, "server.key")}", client_ca_file: "${join(dir, "ca.crt")}" }\n`,
      { base: baseWithGrpcExtra() },
    );
    try {
      const ca = await pem("ca.crt");
      const ok = await beat(s.grpcAddress, {
        tls: { ca, cert: await pem("client.crt"), key: await pem("client.key") },
      });
      assert.equal(ok.code, GrpcStatus.OK, ok.message);
      assert.equal(
        (await beat(s.grpcAddress, { tls: { ca } })).code,
        GrpcStatus.UNAVAILABLE,
        "no client certificate",
      );
      const stranger = await beat(s.grpcAddress, {
        tls: { ca, cert: await pem("stranger.crt"), key: await pem("stranger.key") },
      });
      assert.equal(stranger.code, GrpcStatus.UNAVAILABLE, "a client certificate from another CA");
    } finally {
      await s.close();
    }
  });

  test("a rotated certificate is taken without a restart; a broken rotation keeps the running one and says why", async () => {
    const certFile = join(dir, "live.crt");
    const keyFile = join(dir, "live.key");
    await copyFile(join(dir, "server.crt"), certFile);
    await copyFile(join(dir, "server.key"), keyFile);
    const s = await startSidecar(
      `    tls: { cert_file: "${certFile}", key_file: "${keyFile}", reload_interval: 100ms }\n`,
      { base: baseWithGrpcExtra() },
    );
    try {
      const ca = await pem("ca.crt");
      const ca2 = await pem("ca2.crt");
      assert.equal((await beat(s.grpcAddress, { tls: { ca } })).code, GrpcStatus.OK);
      // Broken: the new certificate with the old key.
      await copyFile(join(dir, "server2.crt"), certFile);
      await eventually(
        () =>
          s.logs.some((r) => r.msg === "gRPC TLS files changed but do not load; keeping the running ones"),
        5000,
        "the broken rotation reported",
      );
      assert.equal(
        (await beat(s.grpcAddress, { tls: { ca } })).code,
        GrpcStatus.OK,
        "the old pair still serves",
      );
      const task = (await s.sidecar.status()).tasks.find((t) => t.name === "grpc-tls");
      assert.match(task?.lastError ?? "", /do not load/);
      // Completed: the matching key arrives.
      await copyFile(join(dir, "server2.key"), keyFile);
      await eventually(
        async () => (await beat(s.grpcAddress, { tls: { ca: ca2 } })).code === GrpcStatus.OK,
        5000,
        "a client trusting the new CA served",
      );
      assert.ok(s.logs.some((r) => r.msg === "gRPC TLS certificate reloaded"));
    } finally {
      await s.close();
    }
  });

  test("config: cert_file without key_file and client_ca_file without a certificate are errors; a missing file names its key", async () => {
    assert.throws(
      () => parseConfigText(`server:\n  grpc:\n    tls: { cert_file: a.crt }\n`, "vigil.yaml", null, {}),
      (e: unknown) => e instanceof ConfigError && /server\.grpc\.tls\.key_file/.test(e.message),
    );
    assert.throws(
      () =>
        parseConfigText(`server:\n  grpc:\n    tls: { client_ca_file: ca.crt }\n`, "vigil.yaml", null, {}),
      (e: unknown) => e instanceof ConfigError && /server\.grpc\.tls\.client_ca_file/.test(e.message),
    );
    await assert.rejects(
      startSidecar(
        `    tls: { cert_file: "${join(dir, "missing.crt")}", key_file: "${join(dir, "server.key")}" }\n`,
        {
          base: baseWithGrpcExtra(),
        },
      ),
      /server\.grpc\.tls\.cert_file: cannot read .*missing\.crt/,
    );
  });
});

/** The test base config with `server.grpc` left open for the test's own keys (appended). */
function baseWithGrpcExtra(): string {
  const data = join(dir, `data-${Math.random().toString(36).slice(2)}`);
  return `data_dir: ${JSON.stringify(data)}\nserver:\n  http: { address: "127.0.0.1:0" }\n  grpc:\n    address: "127.0.0.1:0"\n`;
}
