import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type NatsConnection } from "nats";
import { freePort } from "./prometheus.js";

/** A real `nats-server -js` (Debian package) on 127.0.0.1 with file storage in a temp dir. */
export class NatsServer {
  port = 0;
  #child: ChildProcess | null = null;
  #dir = "";

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.#dir = await mkdtemp(join(tmpdir(), "vigil-nats-"));
    this.port = await freePort();
    const monitor = await freePort();
    this.#child = spawn(
      "nats-server",
      ["-a", "127.0.0.1", "-p", String(this.port), "-m", String(monitor), "-js", "-sd", this.#dir],
      { stdio: "ignore" },
    );
    const until = Date.now() + 10_000;
    for (;;) {
      try {
        const nc = await connect({ servers: `127.0.0.1:${this.port}`, timeout: 500 });
        await nc.close();
        return this;
      } catch (e) {
        if (Date.now() > until) throw new Error(`nats-server did not start: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  connect(): Promise<NatsConnection> {
    return connect({ servers: `127.0.0.1:${this.port}` });
  }

  async stop(): Promise<void> {
    const c = this.#child;
    this.#child = null;
    if (c && c.exitCode === null) {
      c.kill("SIGTERM");
      await new Promise((r) => c.once("exit", r));
    }
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
  }
}
