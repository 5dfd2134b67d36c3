import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./prometheus.js";

export interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
  status: { state: string; silencedBy: string[] };
}

/**
 * A real Alertmanager (Debian's prometheus-alertmanager) on 127.0.0.1 with
 * clustering off and one receiver that sends nowhere.
 */
export class AlertmanagerServer {
  #child: ChildProcess | null = null;
  #dir = "";
  #stderr = "";
  url = "";

  async start(): Promise<this> {
    this.#dir = await mkdtemp(join(tmpdir(), "vigil-am-"));
    const config = join(this.#dir, "alertmanager.yml");
    await writeFile(config, "route: { receiver: nowhere }\nreceivers: [{ name: nowhere }]\n");
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.#child = spawn(
      "prometheus-alertmanager",
      [
        `--config.file=${config}`,
        `--storage.path=${join(this.#dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--cluster.listen-address=",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    this.#child.stderr?.on("data", (c: Buffer) => {
      this.#stderr = (this.#stderr + c.toString()).slice(-4000);
    });
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      if (this.#child.exitCode !== null) throw new Error(`alertmanager exited: ${this.#stderr}`);
      try {
        if ((await fetch(`${this.url}/-/ready`)).ok) return this;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`alertmanager did not become ready: ${this.#stderr}`);
  }

  /** GET /api/v2/alerts: the alerts Alertmanager holds as active. */
  async alerts(): Promise<GettableAlert[]> {
    const res = await fetch(`${this.url}/api/v2/alerts`);
    if (!res.ok) throw new Error(`GET /api/v2/alerts: HTTP ${res.status}`);
    return (await res.json()) as GettableAlert[];
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
