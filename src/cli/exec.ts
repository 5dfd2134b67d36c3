import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { constants } from "node:os";
import type { BeatResponse__Output } from "../generated/vigil/v1/BeatResponse.js";
import { parseDurationMs } from "../util/units.js";
import { type CliConnection, describeCallError } from "./connection.js";
import { formatDuration } from "./duration.js";
import { StderrTail } from "./stderr-tail.js";
import { UsageError } from "./usage-error.js";

/** The flags `vigil beat` and `vigil exec` read. */
export interface BeatFlags {
  start?: boolean;
  success?: boolean;
  fail?: boolean;
  "exit-code"?: string;
  message?: string;
  interval?: string;
  grace?: string;
  "run-id"?: string;
  timeout?: string;
}

/** A beat's message fits the server's 4,096 characters with room for "exit code N: ". */
const MAX_MESSAGE = 4000;
/** How long a beat may take: a job must not wait on a Vigil that is down. */
const BEAT_DEADLINE_MS = 5000;
/** After the timeout's SIGTERM, how long the command has to exit before SIGKILL. */
const KILL_AFTER_MS = 5000;
const EXIT_TIMEOUT = 124;

function duration(flag: string, text: string | undefined): { seconds: number; nanos: number } | null {
  if (text === undefined) return null;
  const ms = parseDurationMs(text);
  if (ms === undefined || ms <= 0)
    throw new UsageError(`--${flag} wants a duration such as 30s, got ${text}`);
  return toDuration(ms);
}

function toDuration(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: Math.round(ms % 1000) * 1e6 };
}

function component(positionals: string[], form: string): string {
  const name = positionals[0];
  if (!name) throw new UsageError(`give the component: ${form}`);
  return name;
}

/** `vigil beat NAME [--start|--success|--fail|--exit-code N] [--message …] [--interval …] [--grace …] [--run-id …]` */
export async function beatCommand(cli: CliConnection, positionals: string[], v: BeatFlags): Promise<number> {
  const name = component(positionals, "vigil beat COMPONENT");
  const chosen = (["start", "success", "fail", "exit-code"] as const).filter((k) => v[k] !== undefined);
  if (chosen.length > 1)
    throw new UsageError(
      `--${chosen.join(", --")}: give at most one of --start, --success, --fail, --exit-code`,
    );
  let exitCode: number | undefined;
  if (v["exit-code"] !== undefined) {
    exitCode = Number(v["exit-code"]);
    if (!/^\d{1,3}$/.test(v["exit-code"]) || exitCode > 255)
      throw new UsageError(`--exit-code is a whole number from 0 to 255, got ${v["exit-code"]}`);
  }
  const message = v.message ?? "";
  if (message.length > 4096) throw new UsageError("--message is at most 4096 characters");
  const signal = v.start
    ? "SIGNAL_START"
    : v.success
      ? "SIGNAL_SUCCESS"
      : v.fail
        ? "SIGNAL_FAIL"
        : "SIGNAL_UNSPECIFIED";
  const req = {
    component: name,
    signal,
    message,
    interval: duration("interval", v.interval),
    grace: duration("grace", v.grace),
    run_id: v["run-id"] ?? "",
    ...(exitCode === undefined ? {} : { exit_code: exitCode }),
  };
  try {
    const r = await cli.call<BeatResponse__Output>("heartbeat", "Beat", req, BEAT_DEADLINE_MS);
    process.stdout.write(`${name}: ${String(r.state ?? "").replace("COMPONENT_STATE_", "")}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`vigil beat: ${describeCallError(e, cli.address)}\n`);
    return 1;
  }
}

/**
 * `vigil exec NAME [--timeout DUR] -- COMMAND ARGS…`: the command runs as a job run of NAME, with
 * its stdio passed through; Vigil being down never stops the command, it is only said on stderr.
 * The exit status is the command's own (124 on the timeout, 128+N when killed by signal N), as
 * runitor and timeout(1) do, so a cron line keeps its meaning with `vigil exec` in front.
 */
export async function execCommand(
  cli: CliConnection,
  positionals: string[],
  v: BeatFlags,
  commandLine: string[],
): Promise<number> {
  const name = component(positionals, "vigil exec COMPONENT -- COMMAND [ARGS...]");
  const [cmd, ...args] = commandLine;
  if (!cmd) throw new UsageError("give the command after --: vigil exec COMPONENT -- COMMAND [ARGS...]");
  const timeoutMs = v.timeout === undefined ? null : parseDurationMs(v.timeout);
  if (timeoutMs === undefined || (timeoutMs !== null && timeoutMs <= 0))
    throw new UsageError(`--timeout wants a duration such as 10m, got ${v.timeout}`);
  const interval = duration("interval", v.interval);
  // Without --grace, a run with a timeout may take that long before Vigil calls it DOWN.
  const grace = duration("grace", v.grace) ?? (timeoutMs === null ? null : toDuration(timeoutMs));
  const runId = randomUUID();
  const base = { component: name, run_id: runId, interval, grace };

  const beat = async (req: object, when: string): Promise<boolean> => {
    try {
      await cli.call("heartbeat", "Beat", { ...base, ...req }, BEAT_DEADLINE_MS);
      return true;
    } catch (e) {
      process.stderr.write(`vigil exec: ${describeCallError(e, cli.address)}; ${when}\n`);
      return false;
    }
  };
  await beat({ signal: "SIGNAL_START" }, "running the command anyway");

  const tail = new StderrTail(10);
  const outcome = await new Promise<{ code: number; note: string }>((resolve) => {
    const child = spawn(cmd, args, { stdio: ["inherit", "inherit", "pipe"] });
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer =
      timeoutMs === null
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGTERM");
            killTimer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
          }, timeoutMs);
    // What is sent to `vigil exec` is meant for the command (a cron daemon's SIGTERM, a Ctrl-C).
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    const signals: NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];
    for (const sig of signals) process.on(sig, forward);
    child.stderr?.on("data", (d: Buffer) => {
      process.stderr.write(d);
      tail.push(d.toString("utf8"));
    });
    const done = (code: number, note: string) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      for (const sig of signals) process.off(sig, forward);
      resolve({ code, note });
    };
    child.on("error", (e: NodeJS.ErrnoException) => {
      // As a shell reports them: 127 not found, 126 not executable.
      const code = e.code === "ENOENT" ? 127 : 126;
      process.stderr.write(`vigil exec: cannot run ${cmd}: ${e.message}\n`);
      done(code, `cannot run ${cmd}: ${e.code ?? e.message}`);
    });
    child.on("close", (code, signal) => {
      if (timedOut) return done(EXIT_TIMEOUT, `timed out after ${formatDuration(timeoutMs ?? 0)}`);
      if (signal) {
        const signo = constants.signals[signal] ?? 0;
        return done(128 + signo, `killed by ${signal}`);
      }
      done(code ?? 1, "");
    });
  });

  const lines = tail.lines();
  const message = [outcome.note, ...lines].filter(Boolean).join("\n");
  await beat(
    {
      exit_code: outcome.code,
      message: message.length > MAX_MESSAGE ? message.slice(-MAX_MESSAGE) : message,
    },
    "the run's end was not recorded",
  );
  return outcome.code;
}
