import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

export interface VigilProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** The parsed JSON log records so far. */
  records(): Array<Record<string, unknown>>;
}

/**
 * Runs the vigil CLI (src/main.ts through tsx) as its own process; `wrap` is a command line it runs
 * under (`["unshare", "-rm", …]`), which must end by exec'ing its arguments.
 */
export function spawnVigil(args: string[], env: NodeJS.ProcessEnv = {}, wrap: string[] = []): VigilProcess {
  const argv = [process.execPath, "--import", "tsx", MAIN, ...args];
  const [cmd, ...rest] = [...wrap, ...argv] as [string, ...string[]];
  const child = spawn(cmd, rest, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  let buf = "";
  child.stdout?.on("data", (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split("\n");
    buf = lines.pop() ?? "";
    stdout.push(...lines);
  });
  child.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
  // "close", not "exit": under load "exit" can come before the last of stdout has been read.
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    child,
    stdout,
    stderr,
    exited,
    records: () =>
      stdout.flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
  };
}

/** Runs the CLI to completion. */
export async function runVigil(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawnVigil(args, env);
  const code = await p.exited;
  await new Promise((r) => setImmediate(r));
  return { code, stdout: p.stdout.join("\n"), stderr: p.stderr.join("") };
}

/** Waits for a spawned Vigil's "vigil started" record (it carries the bound ports). */
export async function waitStarted(
  p: VigilProcess,
): Promise<Record<string, unknown> & { grpc: number; http: number }> {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    const r = p.records().find((x) => x.msg === "vigil started");
    if (r) return r as Record<string, unknown> & { grpc: number; http: number };
    if (p.child.exitCode !== null)
      throw new Error(`vigil exited with ${p.child.exitCode}: ${p.stderr.join("")}`);
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error("vigil did not start within 20 s");
}

/**
 * Writes `dir/vigil.yaml` for a spawned Vigil: gRPC and HTTP on loopback port 0, `data_dir` (default
 * `dir/data`), then `yaml` (top-level keys other than server and data_dir). Returns the file's path.
 */
export async function writeTestConfig(
  dir: string,
  yaml: string,
  dataDir = join(dir, "data"),
): Promise<string> {
  const file = join(dir, "vigil.yaml");
  await writeFile(
    file,
    `server:\n  grpc: { address: "127.0.0.1:0" }\n  http: { address: "127.0.0.1:0" }\ndata_dir: ${JSON.stringify(dataDir)}\n${yaml}`,
  );
  return file;
}
