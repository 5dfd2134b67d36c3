import { execFile } from "node:child_process";
import { mkdtemp, readdir } from "node:fs/promises";
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
