import assert from "node:assert/strict";
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { status } from "@grpc/grpc-js";
import { parseConfigText } from "../../src/config/load.js";
import type { ReloadConfigResponse__Output } from "../../src/generated/vigil/v1/ReloadConfigResponse.js";
import { Sidecar } from "../../src/sidecar.js";
import { captureLogger } from "../helpers/log-capture.js";
import { call, eventually, startSidecar, startSidecarFrom } from "../helpers/sidecar.js";

type GrpcError = Error & { code: number; details: string };

const base = (dir: string) =>
  `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(join(dir, "data"))}\n`;

describe("config hot reload", () => {
  test("ReloadConfig applies a good file and reports what needs a restart", async () => {
    const t = await startSidecar("config: { watch: false }\n");
    try {
      const reload = t.client.admin.ReloadConfig.bind(t.client.admin);
      const same = await call<unknown, ReloadConfigResponse__Output>(reload, {});
      assert.equal(same.changed, false);
      assert.equal(same.config_version?.version, 1);
      await writeFile(
        t.configPath,
        `${base(t.dir)}config: { watch: false }\nheartbeats: { default_interval: 7s, components: [{ name: added }] }\nbot: { name: renamed }\n`,
      );
      const res = await call<unknown, ReloadConfigResponse__Output>(reload, {});
      assert.equal(res.changed, true);
      assert.equal(res.config_version?.version, 2);
      assert.equal(res.config_version?.source, "CONFIG_SOURCE_API");
      assert.deepEqual(res.restart_required, ["bot"]);
      assert.equal(t.sidecar.config.heartbeats.defaultIntervalMs, 7000);
      assert.equal(t.sidecar.heartbeats.get("added")?.state, "UNKNOWN");
    } finally {
      await t.close();
    }
  });

  test("a bad file is refused with the reason and the running config stays", async () => {
    const t = await startSidecar("config: { watch: false }\nheartbeats: { default_interval: 9s }\n");
    try {
      await writeFile(t.configPath, `${base(t.dir)}heartbeats:\n  default_interval: never\n`);
      await assert.rejects(call(t.client.admin.ReloadConfig.bind(t.client.admin), {}), (e: GrpcError) => {
        assert.equal(e.code, status.INVALID_ARGUMENT);
        assert.match(
          e.details,
          /VIGIL_ERR_CONFIG_INVALID: .*vigil\.yaml:6:21: heartbeats\.default_interval: expected/,
        );
        return true;
      });
      assert.equal(t.sidecar.config.heartbeats.defaultIntervalMs, 9000);
      assert.ok(t.logs.some((r) => r.msg === "config change rejected; keeping the running config"));
      const s = await t.sidecar.status();
      assert.equal(s.configVersion.version, 1);
    } finally {
      await t.close();
    }
  });

  test("a change of the file is picked up by the directory watcher; a bad one is not", async () => {
    const t = await startSidecar("heartbeats: { default_interval: 9s }\n");
    try {
      await writeFile(t.configPath, `${base(t.dir)}heartbeats: { default_interval: 11s }\n`);
      await eventually(() => t.sidecar.config.heartbeats.defaultIntervalMs === 11_000, 10_000, "file reload");
      assert.equal((await t.sidecar.status()).configVersion.source, "file");
      await writeFile(t.configPath, `${base(t.dir)}heartbeats: { default_interval: 11s, bogus: 1 }\n`);
      await eventually(
        () => t.logs.some((r) => r.msg === "config change rejected; keeping the running config"),
        10_000,
        "rejection",
      );
      assert.equal(t.sidecar.config.heartbeats.defaultIntervalMs, 11_000);
    } finally {
      await t.close();
    }
  });

  test("a Kubernetes ConfigMap swap through the ..data symlink is picked up", async () => {
    // The layout kubelet writes: vigil.yaml → ..data/vigil.yaml, ..data → ..v1; an update
    // writes ..v2 and atomically renames a new ..data symlink over the old one.
    const root = await mkdtemp(join(tmpdir(), "vigil-cm-"));
    const dir = join(root, "cm");
    try {
      await mkdir(join(dir, "..v1"), { recursive: true });
      await writeFile(join(dir, "..v1", "vigil.yaml"), `${base(root)}heartbeats: { default_interval: 5s }\n`);
      await symlink("..v1", join(dir, "..data"));
      await symlink("..data/vigil.yaml", join(dir, "vigil.yaml"));
      const sidecar = await startSidecarFrom(join(dir, "vigil.yaml"));
      try {
        assert.equal(sidecar.config.heartbeats.defaultIntervalMs, 5000);
        await mkdir(join(dir, "..v2"));
        await writeFile(
          join(dir, "..v2", "vigil.yaml"),
          `${base(root)}heartbeats: { default_interval: 6s }\n`,
        );
        await symlink("..v2", join(dir, "..data_tmp"));
        await rename(join(dir, "..data_tmp"), join(dir, "..data"));
        await eventually(
          () => sidecar.config.heartbeats.defaultIntervalMs === 6000,
          10_000,
          "ConfigMap swap",
        );
      } finally {
        await sidecar.stop();
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test("ReloadConfig without a config file is FAILED_PRECONDITION", async () => {
    const sidecar = await Sidecar.create({
      loaded: parseConfigText(
        'server: { grpc: { address: "127.0.0.1:0" }, http: { address: "127.0.0.1:0" } }\ndata_dir: /tmp/vigil-test-nofile\n',
        "<defaults>",
        null,
        {},
      ),
      env: {},
      logger: captureLogger().logger,
      version: "test",
      hostMetrics: false,
    });
    try {
      await assert.rejects(sidecar.reload("api"), /embedded defaults/);
    } finally {
      await sidecar.stop();
    }
  });
});
