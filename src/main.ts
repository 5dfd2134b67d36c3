#!/usr/bin/env node
import { parseArgs } from "node:util";
import { Metadata } from "@grpc/grpc-js";
import pino from "pino";
import { formatStatus } from "./cli/status.js";
import { createVigilClient } from "./client/client.js";
import { ConfigError, loadConfigFile, resolveConfigPath } from "./config/load.js";
import { toError } from "./errors.js";
import type { GetStatusResponse__Output } from "./generated/vigil/v1/GetStatusResponse.js";
import { createLogger, OtelLogStream } from "./logging.js";
import { Sidecar } from "./sidecar.js";
import { VERSION } from "./version.js";

/** Exit codes: how the process ended. */
export const EXIT = {
  OK: 0,
  /** Failed at run time (could not listen, crashed). */
  FAILURE: 1,
  /** Bad usage or an invalid config. */
  USAGE: 2,
  /** Shutdown did not finish within shutdown.timeout. */
  SHUTDOWN_TIMEOUT: 3,
} as const;

const USAGE = `usage: vigil <command> [options]

commands:
  run [--config FILE]              run the sidecar (default command)
  status [--address HOST:PORT] [--json]
                                   show components, states and tasks of a running sidecar
  check-config FILE                validate a config file and exit
  version                          print the version

environment: VIGIL_CONFIG, VIGIL_DATA_DIR, VIGIL_GRPC_ADDRESS, VIGIL_HTTP_ADDRESS, VIGIL_LOG_LEVEL,
             OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_ENDPOINT
`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] && !argv[0].startsWith("-") ? argv[0] : "run";
  const rest = command === argv[0] ? argv.slice(1) : argv;
  let args: ReturnType<typeof parse>;
  try {
    args = parse(rest);
  } catch (e) {
    process.stderr.write(`vigil: ${toError(e).message}\n${USAGE}`);
    return EXIT.USAGE;
  }
  if (args.values.help) {
    process.stdout.write(USAGE);
    return EXIT.OK;
  }
  switch (command) {
    case "run":
      return run(args.values.config);
    case "status":
      return status(args.values.address, Boolean(args.values.json));
    case "check-config":
      return checkConfig(args.positionals[0] ?? args.values.config);
    case "version":
      process.stdout.write(`${VERSION}\n`);
      return EXIT.OK;
    default:
      process.stderr.write(`vigil: unknown command ${command}\n${USAGE}`);
      return EXIT.USAGE;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: "string", short: "c" },
      address: { type: "string", short: "a" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

function checkConfig(file: string | undefined): number {
  if (!file) {
    process.stderr.write("vigil check-config: give the config file to check\n");
    return EXIT.USAGE;
  }
  const path = resolveConfigPath(file, {});
  try {
    const loaded = loadConfigFile(path, process.env);
    const c = loaded.config;
    process.stdout.write(
      `${path}: ok (gRPC ${c.server.grpc.address}, HTTP ${c.server.http.address}, ${c.heartbeats.components.length} declared components)\n`,
    );
    return EXIT.OK;
  } catch (e) {
    process.stderr.write(`${e instanceof ConfigError ? e.message : toError(e).message}\n`);
    return EXIT.USAGE;
  }
}

async function status(address: string | undefined, json: boolean): Promise<number> {
  const target = address ?? process.env.VIGIL_GRPC_ADDRESS ?? "127.0.0.1:7070";
  const client = createVigilClient(target);
  try {
    const md = new Metadata();
    const deadline = { deadline: Date.now() + 5000 };
    const s = await new Promise<GetStatusResponse__Output>((resolve, reject) =>
      client.admin.GetStatus({}, md, deadline, (e, r) =>
        e ? reject(e) : resolve(r as GetStatusResponse__Output),
      ),
    );
    process.stdout.write(json ? `${JSON.stringify(s, null, 2)}\n` : formatStatus(s));
    return EXIT.OK;
  } catch (e) {
    process.stderr.write(`vigil status: cannot reach Vigil at ${target}: ${toError(e).message}\n`);
    return EXIT.FAILURE;
  } finally {
    client.close();
  }
}

async function run(configFlag: string | undefined): Promise<number> {
  const env = process.env;
  let loaded: ReturnType<typeof loadConfigFile>;
  try {
    loaded = loadConfigFile(resolveConfigPath(configFlag, env), env);
  } catch (e) {
    process.stderr.write(
      `vigil: invalid configuration\n${e instanceof ConfigError ? e.message : toError(e).message}\n`,
    );
    return EXIT.USAGE;
  }
  const streams = pino.multistream([{ stream: pino.destination({ dest: 1, sync: false }), level: "trace" }]);
  const logger = createLogger(loaded.config.logs.level, streams);
  let sidecar: Sidecar;
  try {
    sidecar = await Sidecar.create({
      loaded,
      env,
      logger,
      version: VERSION,
      onOtelLogger: (l) => streams.add({ stream: new OtelLogStream(l), level: "trace" }),
    });
    await sidecar.start();
  } catch (e) {
    logger.fatal({ err: toError(e) }, "vigil failed to start");
    process.stderr.write(`vigil: failed to start: ${toError(e).message}\n`);
    return EXIT.FAILURE;
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) {
        logger.warn({ signal }, "second signal: exiting now");
        resolve(EXIT.SHUTDOWN_TIMEOUT);
        return;
      }
      stopping = true;
      const timeoutMs = sidecar.config.shutdown.timeoutMs;
      const timer = setTimeout(() => {
        logger.error({ timeoutMs }, "shutdown did not finish in time");
        resolve(EXIT.SHUTDOWN_TIMEOUT);
      }, timeoutMs);
      sidecar.stop(signal).then(
        () => {
          clearTimeout(timer);
          resolve(EXIT.OK);
        },
        (e: unknown) => {
          clearTimeout(timer);
          logger.error({ err: toError(e) }, "shutdown finished with errors");
          resolve(EXIT.FAILURE);
        },
      );
    };
    process.on("SIGTERM", () => shutdown("SIGTERM"));
    process.on("SIGINT", () => shutdown("SIGINT"));
    process.on("SIGHUP", () => {
      sidecar.reload("file").catch(() => {
        // The sidecar logged why; the running config stays.
      });
    });
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    // Let pino flush its asynchronous destination before leaving.
    setImmediate(() => process.exit(code));
  },
  (e: unknown) => {
    process.stderr.write(`vigil: ${toError(e).stack ?? toError(e).message}\n`);
    process.exit(EXIT.FAILURE);
  },
);
