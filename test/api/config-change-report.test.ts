import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { status } from "@grpc/grpc-js";
import type { GetStatusResponse__Output } from "../../src/generated/vigil/v1/GetStatusResponse.js";
import type { ImportConfigResponse__Output } from "../../src/generated/vigil/v1/ImportConfigResponse.js";
import type { RollbackConfigResponse__Output } from "../../src/generated/vigil/v1/RollbackConfigResponse.js";
import { ManualClock } from "../../src/util/clock.js";
import { call, startSidecar } from "../helpers/sidecar.js";

type GrpcError = Error & { code: number; details: string };

describe("config changes report what they did", () => {
  test("ImportConfig and RollbackConfig answer restart_required", async () => {
    const t = await startSidecar("config: { watch: false }\nbot: { name: alpha }\n");
    try {
      const a = t.client.admin;
      const base = `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(join(t.dir, "data"))}\nconfig: { watch: false }\n`;
      const imported = await call<unknown, ImportConfigResponse__Output>(a.ImportConfig.bind(a), {
        yaml: `${base}bot: { name: beta }\n`,
      });
      assert.equal(imported.changed, true);
      assert.deepEqual(imported.restart_required, ["bot"]);
      const rolled = await call<unknown, RollbackConfigResponse__Output>(a.RollbackConfig.bind(a), {
        version: 1,
      });
      assert.equal(rolled.changed, true);
      assert.deepEqual(rolled.restart_required, ["bot"]);
      const again = await call<unknown, RollbackConfigResponse__Output>(a.RollbackConfig.bind(a), {
        version: 1,
      });
      assert.equal(again.changed, false);
      assert.deepEqual(again.restart_required, []);
    } finally {
      await t.close();
    }
  });

  test("GetStatus.config_error holds a rejected reload, with its time, until a good one", async () => {
    const clock = new ManualClock();
    const t = await startSidecar("config: { watch: false }\n", { clock });
    try {
      const a = t.client.admin;
      const getStatus = () => call<unknown, GetStatusResponse__Output>(a.GetStatus.bind(a), {});
      assert.equal((await getStatus()).config_error ?? null, null);
      const good = await readFile(t.configPath, "utf8");
      await writeFile(t.configPath, `${good}heartbeats: { default_interval: soon }\n`);
      clock.advance(60_000);
      const err = (await call(a.ReloadConfig.bind(a), {}).catch((e: unknown) => e)) as GrpcError;
      assert.equal(err.code, status.INVALID_ARGUMENT);
      const s = await getStatus();
      assert.equal(s.config_error?.source, "api");
      assert.match(s.config_error?.message ?? "", /vigil\.yaml:\d+:\d+: heartbeats\.default_interval/);
      assert.equal(Number(s.config_error?.time?.seconds) * 1000, clock.now());
      // The running config stays, and so does the report, through unrelated calls.
      assert.equal(s.config_version?.version, 1);
      assert.ok((await getStatus()).config_error);
      await writeFile(t.configPath, good);
      await call(a.ReloadConfig.bind(a), {});
      assert.equal((await getStatus()).config_error ?? null, null);
    } finally {
      await t.close();
    }
  });
});
