import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse } from "yaml";
import { loadConfigFile } from "../../src/config/load.js";

// No Docker engine here: the compose stack cannot be started. What can be proved without it is proved
// with the real tools (promtool, amtool, Vigil's own config loader) or against the files themselves.

const run = promisify(execFile);
const DEPLOY = fileURLToPath(new URL("../../deploy/", import.meta.url));
const yaml = (f: string) => parse(readFileSync(join(DEPLOY, f), "utf8")) as Record<string, unknown>;

test("deploy/prometheus.yml and alertmanager.yml pass promtool and amtool; deploy/vigil.yaml is a valid vigil.yaml", async () => {
  await run("promtool", ["check", "config", join(DEPLOY, "prometheus.yml")]);
  await run("amtool", ["check-config", join(DEPLOY, "alertmanager.yml")]);
  assert.doesNotThrow(() => loadConfigFile(join(DEPLOY, "vigil.yaml"), {}));
});

test("deploy/otel-collector.yaml: three pipelines of defined components, memory_limiter first and batch last", () => {
  const c = yaml("otel-collector.yaml") as {
    receivers: Record<string, unknown>;
    processors: Record<string, unknown>;
    exporters: Record<string, unknown>;
    service: {
      pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }>;
    };
  };
  assert.deepEqual(Object.keys(c.service.pipelines).sort(), ["logs", "metrics", "traces"]);
  for (const [name, p] of Object.entries(c.service.pipelines)) {
    for (const r of p.receivers) assert.ok(r in c.receivers, `${name}: receiver ${r}`);
    for (const x of p.processors) assert.ok(x in c.processors, `${name}: processor ${x}`);
    for (const e of p.exporters) assert.ok(e in c.exporters, `${name}: exporter ${e}`);
    assert.equal(p.processors[0], "memory_limiter", `${name}: memory_limiter first`);
    assert.equal(p.processors.at(-1), "batch", `${name}: batch last`);
  }
  const otlp = c.receivers.otlp as { protocols: { http: { endpoint: string } } };
  const vigil = yaml("vigil.yaml") as { telemetry: { otlp: { endpoint: string } } };
  const target = new URL(vigil.telemetry.otlp.endpoint);
  assert.equal(
    target.port,
    otlp.protocols.http.endpoint.split(":").at(-1),
    "Vigil sends to the OTLP/HTTP port",
  );
  const services = (yaml("compose.yaml") as { services: Record<string, unknown> }).services;
  assert.ok(target.hostname in services, "the Collector Vigil sends to is a compose service");
});

test("deploy/compose.yaml: mounted files exist, dependencies are services, ports only on 127.0.0.1, the bot shares Vigil's network", () => {
  const compose = yaml("compose.yaml") as {
    services: Record<
      string,
      {
        volumes?: string[];
        depends_on?: string[] | Record<string, unknown>;
        ports?: string[];
        network_mode?: string;
        build?: { context: string; dockerfile: string };
      }
    >;
  };
  const services = compose.services;
  for (const [name, s] of Object.entries(services)) {
    for (const v of s.volumes ?? []) {
      const source = v.split(":")[0] as string;
      if (source.startsWith(".")) assert.ok(existsSync(resolve(DEPLOY, source)), `${name}: ${source} exists`);
    }
    const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
    for (const d of deps) assert.ok(d in services, `${name} depends on ${d}, a service`);
    for (const p of s.ports ?? []) assert.match(p, /^127\.0\.0\.1:/, `${name}: ${p} is on loopback only`);
  }
  assert.equal(services.bot?.network_mode, "service:vigil");
  const build = services.vigil?.build;
  assert.ok(
    build && existsSync(join(resolve(DEPLOY, build.context), build.dockerfile)),
    "Vigil is built from the Dockerfile",
  );
  const dashboards = (services.grafana?.volumes ?? []).find((v) =>
    v.endsWith(":/var/lib/grafana/dashboards:ro"),
  );
  assert.ok(
    dashboards && existsSync(join(resolve(DEPLOY, dashboards.split(":")[0] as string), "vigil.json")),
  );
  const provider = yaml("grafana/provisioning/dashboards/dashboards.yaml") as {
    providers: Array<{ options: { path: string } }>;
  };
  assert.equal(provider.providers[0]?.options.path, "/var/lib/grafana/dashboards");
});
