/** What the benchmarks share: starting Vigil from dist/ with its production Node flags, free ports, child RSS and shutdown. */
import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Node flags Vigil runs with in production (the same as `npm start`, read from package.json). */
export const NODE_FLAGS: string[] = (
  (
    JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      scripts: { start: string };
    }
  ).scripts.start.match(/--[\w-]+(?:=\S+)?/g) ?? []
).filter((f: string) => f !== "--config");

/** BENCH_VIGIL_FLAGS: more Node flags for Vigil (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). */
export const BENCH_VIGIL_FLAGS: string[] = (process.env.BENCH_VIGIL_FLAGS ?? "").split(" ").filter(Boolean);

/**
 * Starts Vigil as `npm start` runs it: the built dist/src/main.js (`npm run build` first) under
 * the production Node flags, then `flags`, as `vigil run --config <config>`. Stdout is ignored
 * and stderr shared unless `stdio` says otherwise; the child inherits the environment unless
 * `env` is given.
 */
export function spawnVigilDist(
  config: string,
  opts: { flags?: readonly string[]; stdio?: StdioOptions; env?: NodeJS.ProcessEnv } = {},
): ChildProcess {
  return spawn(
    process.execPath,
    [...NODE_FLAGS, ...(opts.flags ?? []), join(ROOT, "dist/src/main.js"), "run", "--config", config],
    { cwd: ROOT, stdio: opts.stdio ?? ["ignore", "ignore", "inherit"], env: opts.env ?? process.env },
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** A process's resident set size, from /proc. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const CLK_TCK = 100;

/** CPU seconds (user + system, all threads) a process has used, from /proc. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** SIGTERM, then wait for the exit. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}
