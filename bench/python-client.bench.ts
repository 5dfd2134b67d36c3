/**
 * Python client benchmark: vigil_client's `beat` calls/s and `counter` points/s beside raw grpcio stubs
 * doing the same calls (the same request fields, the same 500-point Record batches), in one Python
 * process against one real Vigil, in alternating rounds; medians and the ratio (target ≥ 80 % of raw).
 *
 *   node --import tsx bench/python-client.bench.ts      (BENCH_ROUNDS=6, BENCH_BEATS=2000, BENCH_POINTS=100000)
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnVigil, waitStarted, writeTestConfig } from "../test/helpers/process.js";
import { pythonClientVenv } from "../test/helpers/python.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const BEATS = Number(process.env.BENCH_BEATS ?? 2000);
const POINTS = Number(process.env.BENCH_POINTS ?? 100_000);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const dir = await mkdtemp(join(tmpdir(), "vigil-pybench-"));
const venv = await pythonClientVenv();
const vigil = spawnVigil(["run", "--config", await writeTestConfig(dir, "")]);
try {
  const { grpc } = await waitStarted(vigil);
  const py = spawn(
    venv.python,
    [join(import.meta.dirname, "python-client.py"), String(ROUNDS), String(BEATS), String(POINTS)],
    {
      env: { PATH: process.env.PATH, VIGIL_ADDRESS: `127.0.0.1:${grpc}` },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let stdout = "";
  py.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  const code = await new Promise<number | null>((r) => py.on("exit", r));
  if (code !== 0) throw new Error(`bench/python-client.py exited ${code}`);
  const out = JSON.parse(stdout) as Record<string, { client: number[]; raw: number[] }> & {
    dropped_points: number;
  };
  if (out.dropped_points !== 0) throw new Error(`the client dropped ${out.dropped_points} points`);
  console.log(
    `Python client vs raw grpcio stubs, ${ROUNDS} alternating rounds, median (one Python process, Vigil in its own)`,
  );
  console.log("measure              vigil-client        raw grpcio     ratio");
  for (const [measure, unit] of [
    ["beat", "calls/s"],
    ["counter", "points/s"],
  ] as const) {
    const r = out[measure] as { client: number[]; raw: number[] };
    const c = median(r.client);
    const raw = median(r.raw);
    console.log(
      `${`${measure} (${unit})`.padEnd(20)} ${c.toFixed(0).padStart(12)} ${raw.toFixed(0).padStart(17)} ${`${((c / raw) * 100).toFixed(1)} %`.padStart(9)}`,
    );
  }
} finally {
  vigil.child.kill("SIGTERM");
  await vigil.exited;
  await venv.close();
  await rm(dir, { recursive: true, force: true });
}
