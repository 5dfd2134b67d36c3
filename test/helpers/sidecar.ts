import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import { call, createVigilClient, type VigilStubs } from "../../src/client/client.js";
import { loadConfigFile } from "../../src/config/load.js";
import { Sidecar } from "../../src/sidecar.js";
import type { Clock } from "../../src/util/clock.js";
import { captureLogger } from "./log-capture.js";

export interface TestSidecar {
  sidecar: Sidecar;
  client: VigilStubs;
  dir: string;
  configPath: string;
  logs: Array<Record<string, unknown>>;
  logger: Logger;
  grpcAddress: string;
  httpUrl: string;
  close(): Promise<void>;
}

/**
 * A real sidecar on ephemeral ports with a config file in a fresh temp dir.
 * `yaml` is appended to the test defaults (ports 0, data dir in the temp dir).
 */
export async function startSidecar(
  yaml = "",
  opts: {
    clock?: Clock;
    env?: NodeJS.ProcessEnv;
    hostMetrics?: boolean;
    base?: string;
    /** More keys of `server:` (indented two spaces), e.g. `  limits: { max_streams: 2 }\n`. */
    server?: string;
  } = {},
): Promise<TestSidecar> {
  const dir = await mkdtemp(join(tmpdir(), "vigil-test-"));
  const configPath = join(dir, "vigil.yaml");
  const base =
    opts.base ??
    `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\n${opts.server ?? ""}data_dir: ${JSON.stringify(join(dir, "data"))}\n`;
  await writeFile(configPath, base + yaml);
  const env = opts.env ?? {};
  const loaded = loadConfigFile(configPath, env);
  const { logger, records } = captureLogger();
  const sidecar = await Sidecar.create({
    loaded,
    env,
    logger,
    version: "test",
    clock: opts.clock,
    hostMetrics: opts.hostMetrics ?? false,
  });
  await sidecar.start();
  const grpcAddress = `127.0.0.1:${sidecar.grpcPort}`;
  const client = createVigilClient(grpcAddress);
  return {
    sidecar,
    client,
    dir,
    configPath,
    logs: records,
    logger,
    grpcAddress,
    httpUrl: `http://127.0.0.1:${sidecar.httpPort}`,
    async close() {
      client.close();
      await sidecar.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export { call };

/** A started sidecar from an existing config file (restarts in tests), no telemetry host metrics. */
export async function startSidecarFrom(configPath: string): Promise<Sidecar> {
  const s = await Sidecar.create({
    loaded: loadConfigFile(configPath, {}),
    env: {},
    logger: captureLogger().logger,
    version: "test",
    hostMetrics: false,
  });
  await s.start();
  return s;
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}
