#!/usr/bin/env node
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { Metadata } from "@grpc/grpc-js";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import pino from "pino";
import { formatAlerts, formatSilences, parseMatcher } from "./cli/alerts.js";
import { formatChanges } from "./cli/changes.js";
import { formatStatus } from "./cli/status.js";
import { createVigilClient } from "./client/client.js";
import { ConfigError, loadConfigFile, resolveConfigPath } from "./config/load.js";
import { toError } from "./errors.js";
import type { AcknowledgeResponse__Output } from "./generated/vigil/v1/AcknowledgeResponse.js";
import type { DiagnoseResponse__Output } from "./generated/vigil/v1/DiagnoseResponse.js";
import type { DiffConfigResponse__Output } from "./generated/vigil/v1/DiffConfigResponse.js";
import type { ExportConfigResponse__Output } from "./generated/vigil/v1/ExportConfigResponse.js";
import type { GetStatusResponse__Output } from "./generated/vigil/v1/GetStatusResponse.js";
import type { ImportConfigResponse__Output } from "./generated/vigil/v1/ImportConfigResponse.js";
import type { ListAlertsResponse__Output } from "./generated/vigil/v1/ListAlertsResponse.js";
import type { ListConfigVersionsResponse__Output } from "./generated/vigil/v1/ListConfigVersionsResponse.js";
import type { ListSilencesResponse__Output } from "./generated/vigil/v1/ListSilencesResponse.js";
import type { PauseDestinationResponse__Output } from "./generated/vigil/v1/PauseDestinationResponse.js";
import type { RedriveDeadLettersResponse__Output } from "./generated/vigil/v1/RedriveDeadLettersResponse.js";
import type { RollbackConfigResponse__Output } from "./generated/vigil/v1/RollbackConfigResponse.js";
import type { RunCleanupResponse__Output } from "./generated/vigil/v1/RunCleanupResponse.js";
import type { SilenceResponse__Output } from "./generated/vigil/v1/SilenceResponse.js";
import { createLogger, OtelLogStream } from "./logging.js";
import { RecentErrors } from "./logs/recent-errors.js";
import { Sidecar } from "./sidecar.js";
import { DataDirInUse, DataDirLock } from "./util/data-dir-lock.js";
import { formatBytes, parseDurationMs } from "./util/units.js";
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
  logs [--since DUR] [--level L] [--contains TEXT] [--component NAME] [--limit N] [--newest]
                                   print matching records of the local log files (JSON lines)
  diagnose [--output FILE]         write a JSON report for support (default vigil-diagnose-<time>.json)
  cleanup [--dry-run]              run the cleaner now (what it deletes, or would delete)
  destinations pause NAME          stop delivering to destination NAME (publishes are still queued)
  destinations resume NAME         deliver to NAME again
  destinations redrive NAME [--limit N]
                                   put NAME's dead letters back into its queue (default all)
  alerts [list] [--all] [--since DUR] [--json]
                                   pending and firing alerts (--all: also those resolved within --since, default 24h)
  alerts ack FINGERPRINT [--by NAME] [--comment TEXT]
                                   acknowledge an alert (no more repeats; resolve still notified)
  alerts resolve FINGERPRINT [--by NAME] [--comment TEXT]
                                   close an alert by hand (it fires again if its condition still holds)
  alerts silence NAME=VALUE... [--for DUR] [--comment TEXT]
                                   mute alerts whose labels match (=, !=, =~, !~), default for 1h
  alerts silences                  list the silences in effect
  alerts unsilence ID              end a silence
  config versions                  list the applied config versions (* = running)
  config diff A B                  what changed from version A to B (0 = running)
  config rollback V                apply version V again
  config export [V]                print version V (default: running) as YAML
  config import FILE [--description TEXT]
                                   validate, apply and record FILE
  version                          print the version

environment: VIGIL_CONFIG, VIGIL_DATA_DIR, VIGIL_GRPC_ADDRESS, VIGIL_HTTP_ADDRESS, VIGIL_LOG_LEVEL,
             VIGIL_TOKEN or VIGIL_TOKEN_FILE (bearer token the commands send to a Vigil with server.auth),
             VIGIL_TLS_CA_FILE, VIGIL_TLS_CERT_FILE, VIGIL_TLS_KEY_FILE (TLS/mTLS to a Vigil with server.grpc.tls),
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
    case "logs":
      return logs(args.values);
    case "diagnose":
      return diagnose(args.values.address, args.values.output);
    case "cleanup":
      return cleanup(args.values.address, Boolean(args.values["dry-run"]));
    case "destinations":
      return destinationsCommand(args.positionals, args.values.address, args.values.limit);
    case "alerts":
      return alertsCommand(args.positionals, args.values);
    case "config":
      return configCommand(args.positionals, args.values.address, args.values.description ?? "");
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
      description: { type: "string", short: "d" },
      json: { type: "boolean" },
      "dry-run": { type: "boolean" },
      output: { type: "string", short: "o" },
      since: { type: "string" },
      level: { type: "string" },
      contains: { type: "string" },
      component: { type: "string" },
      limit: { type: "string" },
      newest: { type: "boolean" },
      all: { type: "boolean" },
      by: { type: "string" },
      comment: { type: "string" },
      for: { type: "string" },
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
  try {
    const s = await admin<GetStatusResponse__Output>(address, "GetStatus", {});
    process.stdout.write(json ? `${JSON.stringify(s, null, 2)}\n` : formatStatus(s));
    return EXIT.OK;
  } catch (e) {
    process.stderr.write(`vigil status: cannot reach Vigil at ${target(address)}: ${toError(e).message}\n`);
    return EXIT.FAILURE;
  }
}

/** The gRPC address the CLI talks to: --address, else VIGIL_GRPC_ADDRESS, else the default. */
function target(address: string | undefined): string {
  return address ?? process.env.VIGIL_GRPC_ADDRESS ?? "127.0.0.1:7070";
}

/**
 * A client of a running Vigil; VIGIL_TOKEN (or the file VIGIL_TOKEN_FILE) is its bearer token;
 * VIGIL_TLS_CA_FILE (with VIGIL_TLS_CERT_FILE and VIGIL_TLS_KEY_FILE for mTLS) connects over TLS.
 */
function connect(address: string | undefined) {
  const env = process.env;
  const file = env.VIGIL_TOKEN_FILE;
  const token = env.VIGIL_TOKEN ?? (file ? readFileSync(file, "utf8").trim() : undefined);
  const pem = (name: string) => {
    const path = env[name];
    return path ? readFileSync(path) : undefined;
  };
  const tls =
    env.VIGIL_TLS_CA_FILE || env.VIGIL_TLS_CERT_FILE
      ? { ca: pem("VIGIL_TLS_CA_FILE"), cert: pem("VIGIL_TLS_CERT_FILE"), key: pem("VIGIL_TLS_KEY_FILE") }
      : undefined;
  return createVigilClient(target(address), {}, { token, tls });
}

/** Calls one AdminService method of a running Vigil; errors become one readable line. */
function admin<Res>(address: string | undefined, method: string, req: object): Promise<Res> {
  return rpc<Res>("admin", address, method, req);
}

async function rpc<Res>(
  service: "admin" | "alerts",
  address: string | undefined,
  method: string,
  req: object,
): Promise<Res> {
  const client = connect(address);
  try {
    const stub = client[service] as unknown as Record<string, (...a: unknown[]) => unknown>;
    const fn = stub[method] as (...a: unknown[]) => unknown;
    return await new Promise<Res>((resolve, reject) =>
      fn.call(stub, req, new Metadata(), { deadline: Date.now() + 10_000 }, (e: Error | null, r: Res) =>
        e ? reject(e) : resolve(r),
      ),
    );
  } finally {
    client.close();
  }
}

async function configCommand(
  positionals: string[],
  address: string | undefined,
  description: string,
): Promise<number> {
  const [sub, a, b] = positionals;
  const num = (v: string | undefined, name: string): number => {
    const n = Number(v ?? "0");
    if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`${name} must be a version number, got ${v}`);
    return n;
  };
  try {
    switch (sub) {
      case "versions": {
        const r = await admin<ListConfigVersionsResponse__Output>(address, "ListConfigVersions", {});
        for (const v of r.versions) {
          const mark = Number(v.version) === Number(r.running_version) ? "*" : " ";
          const when = v.applied_at ? new Date(Number(v.applied_at.seconds) * 1000).toISOString() : "";
          const source = (v.source ?? "").replace("CONFIG_SOURCE_", "").toLowerCase();
          process.stdout.write(
            v.error
              ? `${mark} v${v.version}  unreadable: ${v.error}\n`
              : `${mark} v${v.version}  ${when}  ${source.padEnd(8)}  ${(v.hash ?? "").slice(0, 12)}  ${v.description}\n`,
          );
        }
        return EXIT.OK;
      }
      case "diff": {
        const r = await admin<DiffConfigResponse__Output>(address, "DiffConfig", {
          from: num(a, "A"),
          to: num(b, "B"),
        });
        process.stdout.write(`${formatChanges(r.changes)}\n`);
        return EXIT.OK;
      }
      case "rollback": {
        const v = num(a, "V");
        if (v === 0) throw new UsageError("give the version to roll back to");
        const r = await admin<RollbackConfigResponse__Output>(address, "RollbackConfig", { version: v });
        process.stdout.write(
          `${r.changed ? `now running v${r.config_version?.version}` : `v${v} is already running`}\n${formatChanges(r.changes)}\n`,
        );
        if (r.warning) process.stderr.write(`warning: ${r.warning}\n`);
        return EXIT.OK;
      }
      case "export": {
        const r = await admin<ExportConfigResponse__Output>(address, "ExportConfig", {
          version: num(a, "V"),
        });
        process.stdout.write(r.yaml ?? "");
        return EXIT.OK;
      }
      case "import": {
        if (!a) throw new UsageError("give the YAML file to import");
        const yaml = readFileSync(a, "utf8");
        const r = await admin<ImportConfigResponse__Output>(address, "ImportConfig", { yaml, description });
        process.stdout.write(
          `${r.changed ? `now running v${r.config_version?.version}` : "unchanged: this config is already running"}\n${formatChanges(r.changes)}\n`,
        );
        if (r.warning) process.stderr.write(`warning: ${r.warning}\n`);
        return EXIT.OK;
      }
      default:
        throw new UsageError(`unknown config command ${sub ?? "(none)"}`);
    }
  } catch (e) {
    return subcommandFailed("config", sub, e);
  }
}

async function destinationsCommand(
  positionals: string[],
  address: string | undefined,
  limit: string | undefined,
): Promise<number> {
  const [sub, name] = positionals;
  try {
    if (!name) throw new UsageError(`give the destination: vigil destinations ${sub ?? "pause"} NAME`);
    switch (sub) {
      case "pause":
      case "resume": {
        const r = await admin<PauseDestinationResponse__Output>(
          address,
          sub === "pause" ? "PauseDestination" : "ResumeDestination",
          { name },
        );
        const d = r.destination;
        process.stdout.write(
          `${name}: ${d?.paused ? "paused" : "delivering"}, ${d?.queue_depth ?? 0} queued\n`,
        );
        return EXIT.OK;
      }
      case "redrive": {
        const n = Number(limit ?? "0");
        if (!Number.isSafeInteger(n) || n < 0)
          throw new UsageError(`--limit must be a whole number, got ${limit}`);
        const r = await admin<RedriveDeadLettersResponse__Output>(address, "RedriveDeadLetters", {
          destination: name,
          limit: n,
        });
        process.stdout.write(`${name}: ${r.redriven ?? 0} dead letters back in the queue\n`);
        return EXIT.OK;
      }
      default:
        throw new UsageError(`unknown destinations command ${sub ?? "(none)"}`);
    }
  } catch (e) {
    return subcommandFailed("destinations", sub, e);
  }
}

async function alertsCommand(
  positionals: string[],
  v: {
    address?: string;
    json?: boolean;
    all?: boolean;
    since?: string;
    by?: string;
    comment?: string;
    for?: string;
  },
): Promise<number> {
  const [sub = "list", ...rest] = positionals;
  const by = v.by ?? userName();
  try {
    switch (sub) {
      case "list": {
        const sinceMs = v.since ? parseDurationMs(v.since) : 24 * 3600_000;
        if (sinceMs === undefined)
          throw new UsageError(`--since wants a duration such as 1h, got ${v.since}`);
        const since = Date.now() - sinceMs;
        const r = await rpc<ListAlertsResponse__Output>("alerts", v.address, "ListAlerts", {
          include_resolved: v.all ?? false,
          since: { seconds: Math.floor(since / 1000), nanos: 0 },
        });
        process.stdout.write(v.json ? `${JSON.stringify(r.alerts, null, 2)}\n` : formatAlerts(r.alerts));
        return EXIT.OK;
      }
      case "ack":
      case "resolve": {
        const fingerprint = rest[0];
        if (!fingerprint)
          throw new UsageError(`give the alert's fingerprint: vigil alerts ${sub} FINGERPRINT`);
        const r = await rpc<AcknowledgeResponse__Output>(
          "alerts",
          v.address,
          sub === "ack" ? "Acknowledge" : "Resolve",
          { fingerprint, by, comment: v.comment ?? "" },
        );
        process.stdout.write(
          `${fingerprint} (${r.alert?.rule ?? "?"}): ${sub === "ack" ? `acknowledged by ${by}` : `resolved by ${by}`}\n`,
        );
        return EXIT.OK;
      }
      case "silence": {
        if (rest.length === 0)
          throw new UsageError("give at least one matcher: vigil alerts silence NAME=VALUE... --for 1h");
        const matchers = rest.map((m) => {
          const parsed = parseMatcher(m);
          if (!parsed)
            throw new UsageError(
              `a matcher is NAME=VALUE, NAME!=VALUE, NAME=~REGEX or NAME!~REGEX, got ${m}`,
            );
          return parsed;
        });
        const forMs = parseDurationMs(v.for ?? "1h");
        if (forMs === undefined || forMs <= 0)
          throw new UsageError(`--for wants a duration such as 2h, got ${v.for}`);
        const r = await rpc<SilenceResponse__Output>("alerts", v.address, "Silence", {
          matchers,
          duration: { seconds: Math.floor(forMs / 1000), nanos: (forMs % 1000) * 1e6 },
          comment: v.comment ?? "",
          created_by: by,
        });
        const ends = new Date(Number(r.ends_at?.seconds ?? 0) * 1000).toISOString();
        process.stdout.write(`silence ${r.id} until ${ends}\n`);
        return EXIT.OK;
      }
      case "silences": {
        const r = await rpc<ListSilencesResponse__Output>("alerts", v.address, "ListSilences", {});
        process.stdout.write(
          v.json ? `${JSON.stringify(r.silences, null, 2)}\n` : formatSilences(r.silences),
        );
        return EXIT.OK;
      }
      case "unsilence": {
        const id = rest[0];
        if (!id) throw new UsageError("give the silence's id: vigil alerts unsilence ID");
        await rpc("alerts", v.address, "Unsilence", { id });
        process.stdout.write(`silence ${id} removed\n`);
        return EXIT.OK;
      }
      default:
        throw new UsageError(`unknown alerts command ${sub}`);
    }
  } catch (e) {
    return subcommandFailed("alerts", sub, e);
  }
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return "";
  }
}

class UsageError extends Error {}

/** A failed `vigil GROUP SUB`: a usage error (exit 2, with the usage text) or a failed call (exit 1). */
function subcommandFailed(group: string, sub: string | undefined, e: unknown): number {
  if (e instanceof UsageError) {
    process.stderr.write(`vigil ${group}: ${e.message}\n${USAGE}`);
    return EXIT.USAGE;
  }
  return failed(`vigil ${group} ${sub}`, e);
}

/** One line for a failed call to a running Vigil: the gRPC status details when there are some. */
function failed(command: string, e: unknown): number {
  const err = e as Error & { details?: string };
  process.stderr.write(`${command}: ${err.details ?? err.message}\n`);
  return EXIT.FAILURE;
}

async function logs(v: {
  address?: string;
  since?: string;
  level?: string;
  contains?: string;
  component?: string;
  limit?: string;
  newest?: boolean;
}): Promise<number> {
  const sinceMs = v.since ? parseDurationMs(v.since) : undefined;
  if (v.since && sinceMs === undefined) {
    process.stderr.write(`vigil logs: --since wants a duration such as 10m, got ${v.since}\n`);
    return EXIT.USAGE;
  }
  const level = v.level ? `LOG_LEVEL_${v.level.toUpperCase()}` : "LOG_LEVEL_UNSPECIFIED";
  const client = connect(v.address);
  try {
    const stream = client.admin.QueryLogs({
      from: sinceMs === undefined ? null : { seconds: Math.floor((Date.now() - sinceMs) / 1000) },
      level: level as never,
      contains: v.contains ?? "",
      component: v.component ?? "",
      limit: v.limit ? Number(v.limit) : 100,
      newest_first: Boolean(v.newest),
    });
    for await (const r of stream as AsyncIterable<{ json: string }>) process.stdout.write(`${r.json}\n`);
    return EXIT.OK;
  } catch (e) {
    return failed("vigil logs", e);
  } finally {
    client.close();
  }
}

async function diagnose(address: string | undefined, output: string | undefined): Promise<number> {
  try {
    const r = await admin<DiagnoseResponse__Output>(address, "Diagnose", {});
    const file = output ?? `vigil-diagnose-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
    writeFileSync(file, `${r.json ?? "{}"}\n`, { mode: 0o600 });
    process.stdout.write(`${file}\n`);
    return EXIT.OK;
  } catch (e) {
    return failed("vigil diagnose", e);
  }
}

async function cleanup(address: string | undefined, dryRun: boolean): Promise<number> {
  try {
    const { report: r } = await admin<RunCleanupResponse__Output>(address, "RunCleanup", { dry_run: dryRun });
    const files = r?.files ?? [];
    const verb = dryRun ? "would delete" : "deleted";
    for (const f of files) process.stdout.write(`${verb} ${f}\n`);
    process.stdout.write(
      `${dryRun ? "dry run: " : ""}${files.length} files, ${formatBytes(Number(r?.bytes_freed ?? 0))} ${dryRun ? "would be freed" : "freed"}\n`,
    );
    for (const e of r?.errors ?? []) process.stderr.write(`error: ${e}\n`);
    return (r?.errors ?? []).length > 0 ? EXIT.FAILURE : EXIT.OK;
  } catch (e) {
    return failed("vigil cleanup", e);
  }
}

async function run(configFlag: string | undefined): Promise<number> {
  const env = process.env;
  // The one global registration: spans active in a handler reach the log records it writes.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  let loaded: ReturnType<typeof loadConfigFile>;
  try {
    loaded = loadConfigFile(resolveConfigPath(configFlag, env), env);
  } catch (e) {
    process.stderr.write(
      `vigil: invalid configuration\n${e instanceof ConfigError ? e.message : toError(e).message}\n`,
    );
    return EXIT.USAGE;
  }
  // Before anything touches the data dir (queue, logs, versions): a second Vigil on it stops here.
  let lock: DataDirLock;
  try {
    lock = DataDirLock.acquire(resolve(loaded.config.dataDir));
  } catch (e) {
    process.stderr.write(`vigil: ${toError(e).message}\n`);
    return e instanceof DataDirInUse ? EXIT.USAGE : EXIT.FAILURE;
  }
  const streams = pino.multistream([{ stream: pino.destination({ dest: 1, sync: false }), level: "trace" }]);
  const logger = createLogger(loaded.config.logs.level, streams);
  const recentErrors = new RecentErrors(50);
  streams.add({ stream: recentErrors, level: "warn" });
  let sidecar: Sidecar;
  try {
    sidecar = await Sidecar.create({
      loaded,
      env,
      logger,
      version: VERSION,
      recentErrors,
      logStreams: streams,
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
    // Held (and so kept from the garbage collector, which would close it) until the process ends.
    process.on("exit", () => lock.release());
    process.on("SIGTERM", () => shutdown("SIGTERM"));
    process.on("SIGINT", () => shutdown("SIGINT"));
    process.on("SIGHUP", () => {
      sidecar.reload("signal").catch(() => {
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
