#!/usr/bin/env node
import { readFileSync } from "node:fs";
import os from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import pino from "pino";
import { responseJson } from "./api/proto-json.js";
import { formatAlerts, formatSilences, parseMatcher } from "./cli/alerts.js";
import { formatChanges } from "./cli/changes.js";
import { CliConnection, describeCallError, isConfigRejection, notAnswering } from "./cli/connection.js";
import { beatCommand, execCommand } from "./cli/exec.js";
import { offlineCleanup, offlineDiagnose, offlineLogs, writeDiagnoseFile } from "./cli/offline.js";
import { queueCommand } from "./cli/queue.js";
import { formatStatus } from "./cli/status.js";
import { UsageError } from "./cli/usage-error.js";
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
import type { LogRecord__Output } from "./generated/vigil/v1/LogRecord.js";
import type { PauseDestinationResponse__Output } from "./generated/vigil/v1/PauseDestinationResponse.js";
import type { RedriveDeadLettersResponse__Output } from "./generated/vigil/v1/RedriveDeadLettersResponse.js";
import type { ReloadConfigResponse__Output } from "./generated/vigil/v1/ReloadConfigResponse.js";
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
  status [--json]                  show components, states and tasks of a running sidecar
  check-config FILE                validate a config file and exit
  logs [--since DUR] [--level L] [--contains TEXT] [--component NAME] [--limit N] [--newest]
                                   print matching records of the local log files (JSON lines);
                                   L is trace, debug, info, warn, error or fatal
  diagnose [--output FILE]         write a JSON report for support (default vigil-diagnose-<time>.json)
  cleanup [--dry-run]              run the cleaner now (what it deletes, or would delete)
                                   (logs, diagnose and cleanup --dry-run read the data dir directly
                                   when the sidecar does not answer)
  beat COMPONENT [--start|--success|--fail|--exit-code N] [--message TEXT] [--interval DUR]
       [--grace DUR] [--run-id ID]
                                   send one heartbeat (a job's start or end with the flags)
  exec COMPONENT [--timeout DUR] [--interval DUR] [--grace DUR] -- COMMAND [ARGS...]
                                   run COMMAND as a job: START before, SUCCESS or FAIL (exit code and
                                   the last 10 lines of its stderr) after; exits with its status
  destinations pause NAME          stop delivering to destination NAME (publishes are still queued)
  destinations resume NAME         deliver to NAME again
  destinations redrive NAME [--limit N]
                                   put NAME's dead letters back into its queue (default all)
  queue peek NAME [low|normal|high|critical] [--limit N] [--json]
                                   list NAME's queued messages without taking them (default 100)
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
  config reload                    re-read the sidecar's config file now (as SIGHUP does)
  version                          print the version

Commands that talk to a sidecar take --address HOST:PORT, else VIGIL_GRPC_ADDRESS, else
server.grpc.address of --config FILE / VIGIL_CONFIG / ./vigil.yaml (default 127.0.0.1:7070).

environment: VIGIL_CONFIG, VIGIL_DATA_DIR, VIGIL_GRPC_ADDRESS, VIGIL_HTTP_ADDRESS, VIGIL_LOG_LEVEL,
             VIGIL_TOKEN or VIGIL_TOKEN_FILE (bearer token the commands send to a Vigil with server.auth),
             VIGIL_TLS_CA_FILE, VIGIL_TLS_CERT_FILE, VIGIL_TLS_KEY_FILE (TLS/mTLS to a Vigil with server.grpc.tls),
             OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_ENDPOINT
`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] && !argv[0].startsWith("-") ? argv[0] : "run";
  let rest = command === argv[0] ? argv.slice(1) : argv;
  // `vigil exec NAME [options] -- COMMAND ARGS...`: what follows `--` is the command, never options.
  let commandLine: string[] = [];
  const dashes = rest.indexOf("--");
  if (command === "exec" && dashes >= 0) {
    commandLine = rest.slice(dashes + 1);
    rest = rest.slice(0, dashes);
  }
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
  const cli = new CliConnection({ address: args.values.address, config: args.values.config });
  try {
    switch (command) {
      case "run":
        return await run(args.values.config);
      case "status":
        return await status(cli, Boolean(args.values.json));
      case "logs":
        return await logs(cli, args.values);
      case "diagnose":
        return await diagnose(cli, args.values.output);
      case "cleanup":
        return await cleanup(cli, Boolean(args.values["dry-run"]));
      case "destinations":
        return await destinationsCommand(args.positionals, cli, args.values.limit);
      case "alerts":
        return await alertsCommand(args.positionals, cli, args.values);
      case "config":
        return await configCommand(args.positionals, cli, args.values.description ?? "");
      case "queue":
        return await queueCommand(cli, args.positionals, args.values);
      case "beat":
        return await beatCommand(cli, args.positionals, args.values);
      case "exec":
        return await execCommand(cli, args.positionals, args.values, commandLine);
      case "check-config":
        return checkConfig(args.positionals[0] ?? args.values.config);
      case "version":
        process.stdout.write(`${VERSION}\n`);
        return EXIT.OK;
      default:
        process.stderr.write(`vigil: unknown command ${command}\n${USAGE}`);
        return EXIT.USAGE;
    }
  } catch (e) {
    // The CLI's own reading of --config / VIGIL_CONFIG (for the address and the data dir).
    if (e instanceof ConfigError) {
      process.stderr.write(`vigil ${command}: invalid configuration\n${e.message}\n`);
      return EXIT.USAGE;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`vigil ${command}: ${e.message}\n${USAGE}`);
      return EXIT.USAGE;
    }
    throw e;
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
      start: { type: "boolean" },
      success: { type: "boolean" },
      fail: { type: "boolean" },
      "exit-code": { type: "string" },
      message: { type: "string", short: "m" },
      interval: { type: "string" },
      grace: { type: "string" },
      "run-id": { type: "string" },
      timeout: { type: "string" },
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

async function status(cli: CliConnection, json: boolean): Promise<number> {
  try {
    const s = await cli.call<GetStatusResponse__Output>("admin", "GetStatus", {});
    // --json: the proto3 JSON mapping, the shape /status.json and the HTTP API write (docs/api.md).
    const out = json ? responseJson("/vigil.v1.AdminService/GetStatus", s) : null;
    process.stdout.write(out ? `${JSON.stringify(out, null, 2)}\n` : formatStatus(s));
    return EXIT.OK;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as { code?: number }).code === 4 ? "DEADLINE_EXCEEDED" : "UNAVAILABLE";
    process.stderr.write(
      notAnswering(e)
        ? `vigil status: cannot reach Vigil at ${cli.address}: it does not answer (${code})\n`
        : `vigil status: ${describeCallError(e, cli.address)}\n`,
    );
    return EXIT.FAILURE;
  }
}

/**
 * What a config change did, first line first: "now running v4" only with the keys that wait for a
 * restart, so nobody reads a change as in effect when it is not.
 */
function changeSummary(
  r: {
    changed?: boolean;
    config_version?: { version?: number | string } | null;
    restart_required?: string[];
  },
  unchanged: string,
): string {
  if (!r.changed) return unchanged;
  const keys = r.restart_required ?? [];
  const head = `now running v${r.config_version?.version ?? "?"}`;
  return keys.length > 0 ? `${head}; restart Vigil for these to take effect: ${keys.join(", ")}` : head;
}

async function configCommand(
  positionals: string[],
  cli: CliConnection,
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
        const r = await cli.call<ListConfigVersionsResponse__Output>("admin", "ListConfigVersions", {});
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
        const r = await cli.call<DiffConfigResponse__Output>("admin", "DiffConfig", {
          from: num(a, "A"),
          to: num(b, "B"),
        });
        process.stdout.write(`${formatChanges(r.changes)}\n`);
        return EXIT.OK;
      }
      case "rollback": {
        const v = num(a, "V");
        if (v === 0) throw new UsageError("give the version to roll back to");
        const r = await cli.call<RollbackConfigResponse__Output>("admin", "RollbackConfig", { version: v });
        process.stdout.write(
          `${changeSummary(r, `v${v} is already running`)}\n${formatChanges(r.changes)}\n`,
        );
        if (r.warning) process.stderr.write(`warning: ${r.warning}\n`);
        return EXIT.OK;
      }
      case "export": {
        const r = await cli.call<ExportConfigResponse__Output>("admin", "ExportConfig", {
          version: num(a, "V"),
        });
        process.stdout.write(r.yaml ?? "");
        return EXIT.OK;
      }
      case "import": {
        if (!a) throw new UsageError("give the YAML file to import");
        let yaml: string;
        try {
          yaml = readFileSync(a, "utf8");
        } catch (e) {
          throw new UsageError(`cannot read ${a}: ${toError(e).message}`);
        }
        const r = await cli.call<ImportConfigResponse__Output>("admin", "ImportConfig", {
          yaml,
          description,
        });
        process.stdout.write(
          `${changeSummary(r, "unchanged: this config is already running")}\n${formatChanges(r.changes)}\n`,
        );
        if (r.warning) process.stderr.write(`warning: ${r.warning}\n`);
        return EXIT.OK;
      }
      case "reload": {
        const r = await cli.call<ReloadConfigResponse__Output>("admin", "ReloadConfig", {});
        process.stdout.write(
          `${changeSummary(r, "unchanged: the file holds the running config")}\n${formatChanges(r.changes)}\n`,
        );
        return EXIT.OK;
      }
      default:
        throw new UsageError(`unknown config command ${sub ?? "(none)"}`);
    }
  } catch (e) {
    return subcommandFailed("config", sub, e, cli);
  }
}

async function destinationsCommand(
  positionals: string[],
  cli: CliConnection,
  limit: string | undefined,
): Promise<number> {
  const [sub, name] = positionals;
  try {
    if (!name) throw new UsageError(`give the destination: vigil destinations ${sub ?? "pause"} NAME`);
    switch (sub) {
      case "pause":
      case "resume": {
        const r = await cli.call<PauseDestinationResponse__Output>(
          "admin",
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
        const r = await cli.call<RedriveDeadLettersResponse__Output>("admin", "RedriveDeadLetters", {
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
    return subcommandFailed("destinations", sub, e, cli);
  }
}

async function alertsCommand(
  positionals: string[],
  cli: CliConnection,
  v: {
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
        const r = await cli.call<ListAlertsResponse__Output>("alerts", "ListAlerts", {
          include_resolved: v.all ?? false,
          since: { seconds: Math.floor(since / 1000), nanos: 0 },
        });
        // --json: the list of ListAlertsResponse.alerts in proto3 JSON (docs/api.md).
        const out = v.json ? (responseJson("/vigil.v1.AlertService/ListAlerts", r).alerts ?? []) : null;
        process.stdout.write(out ? `${JSON.stringify(out, null, 2)}\n` : formatAlerts(r.alerts));
        return EXIT.OK;
      }
      case "ack":
      case "resolve": {
        const fingerprint = rest[0];
        if (!fingerprint)
          throw new UsageError(`give the alert's fingerprint: vigil alerts ${sub} FINGERPRINT`);
        const r = await cli.call<AcknowledgeResponse__Output>(
          "alerts",
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
        const r = await cli.call<SilenceResponse__Output>("alerts", "Silence", {
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
        const r = await cli.call<ListSilencesResponse__Output>("alerts", "ListSilences", {});
        process.stdout.write(
          v.json
            ? `${JSON.stringify(responseJson("/vigil.v1.AlertService/ListSilences", r).silences ?? [], null, 2)}\n`
            : formatSilences(r.silences),
        );
        return EXIT.OK;
      }
      case "unsilence": {
        const id = rest[0];
        if (!id) throw new UsageError("give the silence's id: vigil alerts unsilence ID");
        await cli.call("alerts", "Unsilence", { id });
        process.stdout.write(`silence ${id} removed\n`);
        return EXIT.OK;
      }
      default:
        throw new UsageError(`unknown alerts command ${sub}`);
    }
  } catch (e) {
    return subcommandFailed("alerts", sub, e, cli);
  }
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return "";
  }
}

/**
 * A failed `vigil GROUP SUB`: a usage error (exit 2, with the usage text), a config the sidecar
 * rejected (exit 2: the user's input, like check-config), or a failed call (exit 1).
 */
function subcommandFailed(group: string, sub: string | undefined, e: unknown, cli: CliConnection): number {
  if (e instanceof UsageError) {
    process.stderr.write(`vigil ${group}: ${e.message}\n${USAGE}`);
    return EXIT.USAGE;
  }
  if (e instanceof ConfigError) throw e;
  const code = failed(`vigil ${group} ${sub}`, e, cli);
  return isConfigRejection(e) ? EXIT.USAGE : code;
}

/** One line for a failed call to a running Vigil: Vigil's error, or that nothing answers. */
function failed(command: string, e: unknown, cli: CliConnection): number {
  if (e instanceof ConfigError) throw e;
  process.stderr.write(`${command}: ${describeCallError(e, cli.address)}\n`);
  return EXIT.FAILURE;
}

const LOG_LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** The line that says the CLI reads the data dir itself, and why. */
function offlineNote(cli: CliConnection, e: unknown): string {
  return `vigil: ${describeCallError(e, cli.address)}; reading data dir ${cli.config().config.dataDir} directly`;
}

async function logs(
  cli: CliConnection,
  v: {
    since?: string;
    level?: string;
    contains?: string;
    component?: string;
    limit?: string;
    newest?: boolean;
  },
): Promise<number> {
  const sinceMs = v.since ? parseDurationMs(v.since) : undefined;
  if (v.since && sinceMs === undefined)
    throw new UsageError(`--since wants a duration such as 10m, got ${v.since}`);
  const levelName = v.level?.toLowerCase();
  const minLevel = levelName === undefined ? 0 : LOG_LEVELS[levelName];
  if (minLevel === undefined)
    throw new UsageError(`--level is one of ${Object.keys(LOG_LEVELS).join(", ")}, got ${v.level}`);
  const limit = v.limit === undefined ? 100 : Number(v.limit);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 100_000)
    throw new UsageError(`--limit is a whole number from 1 to 100000, got ${v.limit}`);
  const from = sinceMs === undefined ? null : Date.now() - sinceMs;
  const client = cli.connect();
  let printed = 0;
  try {
    const stream = client.admin.QueryLogs({
      from: from === null ? null : { seconds: Math.floor(from / 1000) },
      level: (levelName ? `LOG_LEVEL_${levelName.toUpperCase()}` : "LOG_LEVEL_UNSPECIFIED") as never,
      contains: v.contains ?? "",
      component: v.component ?? "",
      limit,
      newest_first: Boolean(v.newest),
    });
    for await (const r of stream as AsyncIterable<LogRecord__Output>) {
      process.stdout.write(`${r.json}\n`);
      printed++;
    }
    return EXIT.OK;
  } catch (e) {
    // Half a stream then a drop is a failure; nothing answering at all means read the files here.
    if (printed > 0 || !notAnswering(e)) return failed("vigil logs", e, cli);
    process.stderr.write(`${offlineNote(cli, e)}\n`);
    const q = {
      from,
      to: null,
      minLevel,
      contains: v.contains ?? "",
      component: v.component ?? "",
      limit,
      newestFirst: Boolean(v.newest),
    };
    for await (const r of offlineLogs(cli.config(), q)) process.stdout.write(`${r.json}\n`);
    return EXIT.OK;
  } finally {
    client.close();
  }
}

async function diagnose(cli: CliConnection, output: string | undefined): Promise<number> {
  let json: string;
  try {
    const r = await cli.call<DiagnoseResponse__Output>("admin", "Diagnose", {});
    json = r.json ?? "{}";
  } catch (e) {
    if (!notAnswering(e)) return failed("vigil diagnose", e, cli);
    process.stderr.write(`${offlineNote(cli, e)}\n`);
    const report = await offlineDiagnose(cli.config(), describeCallError(e, cli.address));
    json = JSON.stringify(report, null, 2);
  }
  process.stdout.write(`${writeDiagnoseFile(output, json)}\n`);
  return EXIT.OK;
}

async function cleanup(cli: CliConnection, dryRun: boolean): Promise<number> {
  let r: RunCleanupResponse__Output["report"];
  try {
    r = (await cli.call<RunCleanupResponse__Output>("admin", "RunCleanup", { dry_run: dryRun })).report;
  } catch (e) {
    if (!notAnswering(e)) return failed("vigil cleanup", e, cli);
    if (!dryRun) {
      // Deleting beside a Vigil that is only slow to answer could take files it still writes.
      process.stderr.write(
        `vigil cleanup: ${describeCallError(e, cli.address)}; it must run to delete (--dry-run reads the data dir directly)\n`,
      );
      return EXIT.FAILURE;
    }
    process.stderr.write(`${offlineNote(cli, e)}\n`);
    const local = await offlineCleanup(cli.config());
    r = { files: local.files, bytes_freed: local.bytesFreed, errors: local.errors } as typeof r;
  }
  const files = r?.files ?? [];
  const verb = dryRun ? "would delete" : "deleted";
  for (const f of files) process.stdout.write(`${verb} ${f}\n`);
  process.stdout.write(
    `${dryRun ? "dry run: " : ""}${files.length} files, ${formatBytes(Number(r?.bytes_freed ?? 0))} ${dryRun ? "would be freed" : "freed"}\n`,
  );
  for (const e of r?.errors ?? []) process.stderr.write(`error: ${e}\n`);
  return (r?.errors ?? []).length > 0 ? EXIT.FAILURE : EXIT.OK;
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
