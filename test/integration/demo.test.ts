import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "../helpers/process.js";
import { freePort } from "../helpers/prometheus.js";
import { eventually } from "../helpers/sidecar.js";

test("npm run demo: Vigil and the demo bot start, and /metrics shows the bot's metrics, components and routed orders", async () => {
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  const dir = await mkdtemp(join(tmpdir(), "vigil-demo-"));
  const demo = spawn(process.execPath, ["--import", "tsx", "examples/demo/demo.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      VIGIL_GRPC_ADDRESS: `127.0.0.1:${grpcPort}`,
      VIGIL_HTTP_ADDRESS: `127.0.0.1:${httpPort}`,
      // The HTTP API's default port (7071) may be another Vigil's: the demo would refuse to start.
      VIGIL_HTTP_API_ADDRESS: `127.0.0.1:${await freePort()}`,
      VIGIL_DATA_DIR: dir,
    },
    stdio: "ignore",
  });
  const exited = new Promise<number | null>((r) => demo.on("exit", r));
  try {
    const text = await eventually(
      async () => {
        const t = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
        return /bot_messages_handled_total/.test(t) &&
          /vigil_component_up\{component="fetcher"[^}]*\} 1/.test(t) &&
          /vigil_router_delivered_total\{destination="consumers"/.test(t) &&
          /vigil_router_delivered_total\{destination="partner"/.test(t) &&
          /bot_orders_consumed_total/.test(t)
          ? t
          : "";
      },
      30_000,
      "demo metrics",
    );
    assert.match(text, /bot_queue_size\{/);
    assert.match(text, /service_name="demo-bot"/);
    demo.kill("SIGINT");
    assert.equal(await exited, 0);
  } finally {
    demo.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  }
});

/** Runs the demo with `env` until it exits (at most 30 s); its exit code and stderr. */
async function runDemo(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), "vigil-demo-"));
  const demo = spawn(process.execPath, ["--import", "tsx", "examples/demo/demo.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      VIGIL_DATA_DIR: dir,
      VIGIL_HTTP_API_ADDRESS: `127.0.0.1:${await freePort()}`,
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  demo.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const timer = setTimeout(() => demo.kill("SIGKILL"), 30_000);
  try {
    const code = await new Promise<number | null>((r) => demo.on("exit", r));
    return { code, stderr };
  } finally {
    clearTimeout(timer);
    await rm(dir, { recursive: true, force: true });
  }
}

/** A TCP listener that counts connections: the demo's bot must never reach it. */
async function occupy(port: number): Promise<{ server: Server; connections: () => number } | null> {
  let n = 0;
  const server = createServer((s) => {
    n++;
    s.destroy();
  });
  const ok = await new Promise<boolean>((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => resolve(true));
  });
  return ok ? { server, connections: () => n } : null;
}

test("npm run demo with 127.0.0.1:7070 taken says which port is taken and exits non-zero before its bot beats anywhere", async () => {
  // Held by this test, or by something else on the machine: taken either way.
  const held = await occupy(7070);
  try {
    const r = await runDemo({ VIGIL_HTTP_ADDRESS: `127.0.0.1:${await freePort()}` });
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /gRPC on 127\.0\.0\.1:7070: already in use \(free it, or set VIGIL_GRPC_ADDRESS\)/,
    );
    assert.doesNotMatch(r.stderr, /HTTP \(/, "only the taken port is named");
    if (held) assert.equal(held.connections(), 0, "the bot never connected to the port's owner");
  } finally {
    held?.server.close();
  }
});

test("npm run demo names a taken HTTP port and its variable too", async () => {
  const port = await freePort();
  const held = await occupy(port);
  assert.ok(held);
  try {
    const r = await runDemo({
      VIGIL_GRPC_ADDRESS: `127.0.0.1:${await freePort()}`,
      VIGIL_HTTP_ADDRESS: `127.0.0.1:${port}`,
    });
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      new RegExp(
        `HTTP \\(/metrics, status page\\) on 127\\.0\\.0\\.1:${port}: already in use \\(free it, or set VIGIL_HTTP_ADDRESS\\)`,
      ),
    );
    assert.equal(held.connections(), 0);
  } finally {
    held.server.close();
  }
});
