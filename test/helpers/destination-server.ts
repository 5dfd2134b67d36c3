import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: Buffer;
  time: number;
}

/** What the server answers: a status (with headers), or `hang` (never answer). */
export type Behaviour = { status: number; headers?: Record<string, string> } | "hang";

/**
 * A real HTTP destination for router tests: records every request and answers
 * as told (`behave` may change per request). `stop()` closes the port;
 * `start(port)` opens it again on the same port (a destination coming back).
 */
export class DestinationServer {
  /** Requests answered 2xx (delivered). */
  readonly received: ReceivedRequest[] = [];
  /** Every request, whatever the answer. */
  readonly requests: ReceivedRequest[] = [];
  behave: (req: ReceivedRequest, n: number) => Behaviour = () => ({ status: 200 });
  #server: Server | null = null;
  #hung: ServerResponse[] = [];
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const r = { headers: req.headers, body: Buffer.concat(chunks), time: Date.now() };
        this.requests.push(r);
        const b = this.behave(r, this.requests.length - 1);
        if (b === "hang") {
          this.#hung.push(res);
          return;
        }
        if (b.status >= 200 && b.status < 300) this.received.push(r);
        res.writeHead(b.status, b.headers ?? {});
        res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.#server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const r of this.#hung) r.destroy();
    this.#hung = [];
    const s = this.#server;
    this.#server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}
