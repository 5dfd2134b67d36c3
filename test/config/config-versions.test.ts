import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { status } from "@grpc/grpc-js";
import { parse } from "yaml";
import type { DiffConfigResponse__Output } from "../../src/generated/vigil/v1/DiffConfigResponse.js";
import type { ExportConfigResponse__Output } from "../../src/generated/vigil/v1/ExportConfigResponse.js";
import type { ImportConfigResponse__Output } from "../../src/generated/vigil/v1/ImportConfigResponse.js";
import type { ListConfigVersionsResponse__Output } from "../../src/generated/vigil/v1/ListConfigVersionsResponse.js";
import type { RollbackConfigResponse__Output } from "../../src/generated/vigil/v1/RollbackConfigResponse.js";
import { call, eventually, startSidecar, startSidecarFrom, type TestSidecar } from "../helpers/sidecar.js";

type GrpcError = Error & { code: number; details: string };

const base = (t: TestSidecar) =>
  `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(join(t.dir, "data"))}\n`;

function admin(t: TestSidecar) {
  const a = t.client.admin;
  return {
    versions: () => call<unknown, ListConfigVersionsResponse__Output>(a.ListConfigVersions.bind(a), {}),
    diff: (from: number, to: number) =>
      call<unknown, DiffConfigResponse__Output>(a.DiffConfig.bind(a), { from, to }),
    rollback: (version: number) =>
      call<unknown, RollbackConfigResponse__Output>(a.RollbackConfig.bind(a), { version }),
    export: (version: number) =>
      call<unknown, ExportConfigResponse__Output>(a.ExportConfig.bind(a), { version }),
    import: (yaml: string, description = "") =>
      call<unknown, ImportConfigResponse__Output>(a.ImportConfig.bind(a), { yaml, description }),
    reload: () => call(a.ReloadConfig.bind(a), {}),
  };
}

async function rejects(p: Promise<unknown>, code: number, details: RegExp) {
  await assert.rejects(p, (e: GrpcError) => {
    assert.equal(e.code, code, e.details);
    assert.match(e.details, details);
    return true;
  });
}

/** ABORTED (another change in progress, e.g. the watcher's) is retryable: retry like a client would. */
async function retryBusy<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if ((e as GrpcError).code !== status.ABORTED || i > 50) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function metricValue(t: TestSidecar, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${t.httpUrl}/metrics`)).text();
  const m = pattern.exec(text);
  return m ? Number(m[1]) : 0;
}

describe("config versions", () => {
  test("start-up is v1; a reload adds a version; identical reloads add none; a bad one changes nothing", async () => {
    const t = await startSidecar("config: { watch: false }\n");
    const api = admin(t);
    try {
      let list = await api.versions();
      assert.deepEqual(
        list.versions.map((v) => [v.version, v.source]),
        [[1, "CONFIG_SOURCE_STARTUP"]],
      );
      assert.equal(list.running_version, 1);
      await writeFile(
        t.configPath,
        `${base(t)}config: { watch: false }\nheartbeats: { default_interval: 45s }\n`,
      );
      await api.reload();
      await api.reload();
      list = await api.versions();
      assert.deepEqual(
        list.versions.map((v) => [v.version, v.source]),
        [
          [1, "CONFIG_SOURCE_STARTUP"],
          [2, "CONFIG_SOURCE_API"],
        ],
      );
      await writeFile(
        t.configPath,
        `${base(t)}config: { watch: false }\nheartbeats: { default_interval: nope }\n`,
      );
      await rejects(api.reload(), status.INVALID_ARGUMENT, /heartbeats\.default_interval/);
      const after = await api.versions();
      assert.deepEqual(after, list, "a bad reload leaves the version list as it was");
      assert.equal(t.sidecar.config.heartbeats.defaultIntervalMs, 45_000);
      assert.equal(
        await metricValue(t, /vigil_config_reloads_total\{result="applied",source="api"[^}]*\} (\d+)/),
        1,
      );
      assert.equal(
        await metricValue(t, /vigil_config_reloads_total\{result="unchanged",source="api"[^}]*\} (\d+)/),
        1,
      );
      assert.equal(
        await metricValue(t, /vigil_config_reloads_total\{result="rejected",source="api"[^}]*\} (\d+)/),
        1,
      );
      const log = t.logs.find((r) => r.msg === "config applied");
      assert.match(String(log?.changes), /~ heartbeats\.default_interval: "30s" → "45s"/);
      // Each version is its own file in data_dir/config-versions.
      const files = (await readdir(join(t.dir, "data", "config-versions"))).sort();
      assert.deepEqual(files, ["v000001.json", "v000002.json"]);
    } finally {
      await t.close();
    }
  });

  test("a restart with the same file reuses the running version; a changed file is a new start-up version", async () => {
    const t = await startSidecar("config: { watch: false }\n");
    try {
      await t.sidecar.stop();
      const restart = async () => {
        const s = await startSidecarFrom(t.configPath);
        const v = await s.versions();
        await s.stop();
        return v;
      };
      let v = await restart();
      assert.equal(v.versions.length, 1);
      assert.equal(v.running.version, 1);
      await writeFile(t.configPath, `${base(t)}config: { watch: false }\nmetrics: { series_ttl: 1m }\n`);
      v = await restart();
      assert.deepEqual(
        v.versions.map((e) => [e.version, e.info?.source]),
        [
          [1, "startup"],
          [2, "startup"],
        ],
      );
    } finally {
      await t.close();
    }
  });

  test("DiffConfig is a key-path diff of the effective configs, secrets redacted", async () => {
    const t = await startSidecar("config: { watch: false }\n", { env: { OTLP_TOKEN: "s3cret" } });
    const api = admin(t);
    try {
      await writeFile(
        t.configPath,
        `${base(t)}config: { watch: false }\nheartbeats:\n  default_interval: 1m\n  components: [{ name: worker }]\nbot:\n  attributes: { api_key: "literal-s3cret" }\ntelemetry:\n  otlp: { headers: { x-team: "${"${env:OTLP_TOKEN}"}" } }\n`,
      );
      await api.reload();
      const d = await api.diff(1, 2);
      const byPath = Object.fromEntries(d.changes.map((c) => [c.path, [c.kind, c.before, c.after]]));
      assert.deepEqual(byPath["heartbeats.default_interval"], ["CHANGE_KIND_CHANGED", '"30s"', '"1m"']);
      assert.deepEqual(byPath["heartbeats.components[0]"], ["CHANGE_KIND_ADDED", "", '{"name":"worker"}']);
      assert.deepEqual(byPath["bot.attributes.api_key"], ["CHANGE_KIND_ADDED", "", '"<redacted>"']);
      assert.deepEqual(byPath["telemetry.otlp.headers.x-team"], [
        "CHANGE_KIND_ADDED",
        "",
        '"${env:OTLP_TOKEN}"',
      ]);
      assert.ok(!JSON.stringify(d).includes("s3cret"));
      const same = await api.diff(2, 0);
      assert.deepEqual(same.changes, [], "0 is the running version");
      await rejects(api.diff(1, 99), status.NOT_FOUND, /no config version 99/);
      // Secret values never reach the version files either.
      const stored = await readFile(join(t.dir, "data", "config-versions", "v000002.json"), "utf8");
      assert.ok(stored.includes("${env:OTLP_TOKEN}"));
      assert.ok(!stored.includes('"s3cret"'));
    } finally {
      await t.close();
    }
  });

  test("rollback applies an old version, says the file differs, and the watcher does not flap back", async () => {
    const t = await startSidecar("heartbeats: { default_interval: 10s }\n");
    const api = admin(t);
    try {
      await writeFile(t.configPath, `${base(t)}heartbeats: { default_interval: 20s }\n`);
      await eventually(() => t.sidecar.config.heartbeats.defaultIntervalMs === 20_000, 10_000, "file reload");
      const r = await retryBusy(() => api.rollback(1));
      assert.equal(r.changed, true);
      assert.equal(r.config_version?.version, 3);
      assert.equal(r.config_version?.source, "CONFIG_SOURCE_ROLLBACK");
      assert.equal(r.config_version?.description, "rollback to v1");
      assert.match(r.warning ?? "", /vigil\.yaml still holds another config/);
      assert.deepEqual(
        r.changes.map((c) => [c.path, c.before, c.after]),
        [["heartbeats.default_interval", '"20s"', '"10s"']],
      );
      assert.equal(t.sidecar.config.heartbeats.defaultIntervalMs, 10_000);
      const page = await (await fetch(`${t.httpUrl}/`)).text();
      assert.match(page, /v3: rollback to v1, applied \d{4}-\d\d-\d\dT[\d:.]+Z \(rollback\)/);
      // The file is rewritten with the same content (a ConfigMap resync): not re-applied.
      await writeFile(t.configPath, `${base(t)}heartbeats: { default_interval: 20s }\n`);
      await eventually(
        () => t.logs.some((l) => String(l.msg).startsWith("config file unchanged since the last rollback")),
        10_000,
        "gate",
      );
      assert.equal(t.sidecar.config.heartbeats.defaultIntervalMs, 10_000);
      // A real edit of the file is applied again.
      await writeFile(t.configPath, `${base(t)}heartbeats: { default_interval: 25s }\n`);
      await eventually(
        () => t.sidecar.config.heartbeats.defaultIntervalMs === 25_000,
        10_000,
        "edit after rollback",
      );
      await rejects(api.rollback(42), status.NOT_FOUND, /no config version 42/);
      await rejects(api.rollback(0), status.INVALID_ARGUMENT, /version: required/);
    } finally {
      await t.close();
    }
  });

  test("a version today's schema rejects is refused with the reason; a corrupt file is listed, never applied", async () => {
    const t = await startSidecar("config: { watch: false }\n");
    const api = admin(t);
    try {
      const dir = join(t.dir, "data", "config-versions");
      const v1 = JSON.parse(await readFile(join(dir, "v000001.json"), "utf8"));
      v1.version = 2;
      v1.hash = "0".repeat(64);
      v1.config.alerts = { rules: [{ name: "A", kind: "nonsense" }] };
      await writeFile(join(dir, "v000002.json"), JSON.stringify(v1));
      await writeFile(join(dir, "v000003.json"), "{ not json");
      await t.sidecar.stop();
      const { createVigilClient } = await import("../../src/client/client.js");
      const s = await startSidecarFrom(t.configPath);
      const client = createVigilClient(`127.0.0.1:${s.grpcPort}`);
      const api2 = admin({ ...t, client });
      try {
        const list = await api2.versions();
        const v3 = list.versions.find((v) => v.version === 3);
        assert.match(v3?.error ?? "", /invalid JSON/);
        await rejects(api2.rollback(3), status.FAILED_PRECONDITION, /v3 is unreadable/);
        await rejects(api2.rollback(2), status.INVALID_ARGUMENT, /alerts\.rules\[0\]\.kind/);
        assert.equal(
          (await api2.versions()).running_version,
          4,
          "the restart recorded v4; nothing else changed",
        );
      } finally {
        client.close();
        await s.stop();
      }
      void api;
    } finally {
      await t.close();
    }
  });

  test("keep_versions prunes the oldest, never the running one", async () => {
    const t = await startSidecar("config: { watch: false, keep_versions: 2 }\n");
    const api = admin(t);
    try {
      for (const ttl of ["1m", "2m", "3m"]) {
        await writeFile(
          t.configPath,
          `${base(t)}config: { watch: false, keep_versions: 2 }\nmetrics: { series_ttl: ${ttl} }\n`,
        );
        await api.reload();
      }
      const list = await api.versions();
      assert.deepEqual(
        list.versions.map((v) => v.version),
        [3, 4],
      );
      assert.equal(list.running_version, 4);
      // Newer unreadable files (v8, v9): at the next start the running version is v4, the newest
      // readable one, and pruning to 2 files removes v3 and v8 but never v4.
      await writeFile(join(t.dir, "data", "config-versions", "v000008.json"), "garbage");
      await writeFile(join(t.dir, "data", "config-versions", "v000009.json"), "garbage");
      await t.sidecar.stop();
      const s = await startSidecarFrom(t.configPath);
      const v = await s.versions();
      await s.stop();
      assert.equal(v.running.version, 4);
      assert.deepEqual(
        v.versions.map((e) => e.version),
        [4, 9],
      );
    } finally {
      await t.close();
    }
  });

  test("export gives the YAML as written; import validates, applies and records it", async () => {
    const t = await startSidecar("config: { watch: false }\nheartbeats: { default_interval: 15s }\n");
    const api = admin(t);
    try {
      const exported = await api.export(0);
      assert.equal(exported.config_version?.version, 1);
      assert.match(exported.yaml ?? "", /^# Vigil config v1 \(startup/);
      assert.equal(parse(exported.yaml ?? "").heartbeats.default_interval, "15s");
      const doc = parse(exported.yaml ?? "");
      doc.heartbeats.default_interval = "16s";
      const { stringify } = await import("yaml");
      const r = await api.import(stringify(doc), "tuned for the night shift");
      assert.equal(r.changed, true);
      assert.equal(r.config_version?.source, "CONFIG_SOURCE_IMPORT");
      assert.equal(r.config_version?.description, "tuned for the night shift");
      assert.match(r.warning ?? "", /still holds another config/);
      assert.equal(t.sidecar.config.heartbeats.defaultIntervalMs, 16_000);
      await rejects(
        api.import("heartbeats: { bogus: 1 }\n"),
        status.INVALID_ARGUMENT,
        /imported config:1:15: heartbeats\.bogus: unknown key/,
      );
      await rejects(api.import(""), status.INVALID_ARGUMENT, /yaml: required/);
      assert.equal((await api.versions()).running_version, 2);
    } finally {
      await t.close();
    }
  });

  test("a reload racing a rollback: one wins, the other gets ABORTED, never a mix", async () => {
    const t = await startSidecar(
      "config: { watch: false }\nheartbeats: { default_interval: 10s }\nmetrics: { series_ttl: 1m }\n",
    );
    const api = admin(t);
    try {
      await writeFile(
        t.configPath,
        `${base(t)}config: { watch: false }\nheartbeats: { default_interval: 20s }\nmetrics: { series_ttl: 2m }\n`,
      );
      await api.reload();
      await writeFile(
        t.configPath,
        `${base(t)}config: { watch: false }\nheartbeats: { default_interval: 30s }\nmetrics: { series_ttl: 3m }\n`,
      );
      const results = await Promise.allSettled([t.sidecar.reload("api"), t.sidecar.rollback(1)]);
      const fulfilled = results.filter((r) => r.status === "fulfilled");
      const rejected = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
      assert.equal(fulfilled.length, 1);
      assert.equal(rejected.length, 1);
      assert.match(String(rejected[0]?.reason), /another config change is being applied/);
      const c = t.sidecar.config;
      const pair = [c.heartbeats.defaultIntervalMs, c.metrics.seriesTtlMs];
      assert.ok(
        JSON.stringify(pair) === JSON.stringify([30_000, 180_000]) ||
          JSON.stringify(pair) === JSON.stringify([10_000, 60_000]),
        `config is one version, not a mix: ${pair}`,
      );
    } finally {
      await t.close();
    }
  });
});
