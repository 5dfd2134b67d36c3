import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A real Prometheus (Debian's package) on 127.0.0.1, scraping the given targets every second. */
export class PrometheusServer {
  #child: ChildProcess | null = null;
  #dir = "";
  url = "";

  async start(targets: string[]): Promise<void> {
    this.#dir = await mkdtemp(join(tmpdir(), "vigil-prom-"));
    const config = join(this.#dir, "prometheus.yml");
    await writeFile(
      config,
      `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: vigil\n    static_configs:\n      - targets: ${JSON.stringify(targets)}\n`,
    );
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.#child = spawn(
      "prometheus",
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(this.#dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: "ignore" },
    );
  }

  /** Instant query; returns the result vector. */
  async query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    if (!res.ok) return [];
    const body = (await res.json()) as {
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    return body.data.result;
  }

  async stop(): Promise<void> {
    if (this.#child && this.#child.exitCode === null) {
      const exited = new Promise((r) => this.#child?.once("exit", r));
      this.#child.kill("SIGTERM");
      await exited;
    }
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
  }
}
