import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./process.js";

export const run = promisify(execFile);
/** Debian's python3 sees python3-grpcio; a pyenv python3 first on PATH would not. */
export const PYTHON = "/usr/bin/python3";

/** Python stubs of every proto in proto/vigil/v1, made by Debian's protoc and gRPC plugin, in a new temp dir. */
export async function pythonStubs(): Promise<string> {
  const stubs = await mkdtemp(join(tmpdir(), "vigil-py-"));
  const protos = (await readdir(join(ROOT, "proto/vigil/v1"))).map((f) => `proto/vigil/v1/${f}`);
  await run(
    "protoc",
    [
      "-I",
      "proto",
      `--python_out=${stubs}`,
      `--grpc_out=${stubs}`,
      "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin",
      ...protos,
    ],
    { cwd: ROOT },
  );
  return stubs;
}

/** Runs one of test/integration/python/*.py with the stubs and arguments; returns its JSON output. */
export async function runPython<T>(script: string, args: string[], stubs: string): Promise<T> {
  const { stdout } = await run(PYTHON, [join(ROOT, "test/integration/python", script), stubs, ...args], {
    timeout: 60_000,
  });
  return JSON.parse(stdout) as T;
}

export interface PythonClientVenv {
  /** The virtualenv's python, with vigil-client installed from the wheel. */
  python: string;
  /** The wheel that was built. */
  wheel: string;
  dir: string;
  close(): Promise<void>;
}

/**
 * Builds clients/python as a wheel offline, the way a user would (`pip wheel --no-deps
 * --no-build-isolation`), and installs it into a fresh virtualenv that sees Debian's grpcio and protobuf
 * (`--system-site-packages`). The package is copied first: setuptools builds in the source tree, and a
 * build/ or egg-info directory left in the repository would be noise for everyone else.
 */
export async function pythonClientVenv(): Promise<PythonClientVenv> {
  const dir = await mkdtemp(join(tmpdir(), "vigil-pyclient-"));
  const src = join(dir, "src");
  await cp(join(ROOT, "clients/python"), src, {
    recursive: true,
    filter: (p) => !/(__pycache__|\.egg-info|[\\/]build)$/.test(p),
  });
  const dist = join(dir, "dist");
  await run(PYTHON, ["-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", dist, src], {
    timeout: 120_000,
  });
  const wheel = join(dist, (await readdir(dist)).find((f) => f.endsWith(".whl")) ?? "");
  const venv = join(dir, "venv");
  await run(PYTHON, ["-m", "venv", "--system-site-packages", venv], { timeout: 120_000 });
  await run(join(venv, "bin/pip"), ["install", "-q", "--no-index", "--no-deps", wheel], { timeout: 120_000 });
  return {
    python: join(venv, "bin/python"),
    wheel,
    dir,
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A running Python script: its stdout as JSON lines so far, and its end. */
export interface PythonProcess {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  stderr: string[];
  exited: Promise<number | null>;
}

/** Runs test/integration/python/<script> with `python`, cwd a temp dir (so only the installed package is importable). */
export function spawnPython(
  python: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): PythonProcess {
  const child = spawn(python, [join(ROOT, "test/integration/python", script), ...args], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  let buf = "";
  child.stdout?.on("data", (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split("\n");
    buf = parts.pop() ?? "";
    for (const l of parts) if (l.trim() !== "") lines.push(JSON.parse(l) as Record<string, unknown>);
  });
  child.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, lines, stderr, exited };
}
