import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
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
