import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type ServerOptions } from "node:https";
import type { AddressInfo } from "node:net";

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: unknown[];
}

/**
 * A small OTLP/HTTP JSON receiver: keeps every request body by path (/v1/traces, /v1/metrics, /v1/logs).
 * With `tls` it serves https (and counts refused handshakes).
 */
export class OtlpReceiver {
  readonly bodies = new Map<string, unknown[]>();
  /** Every body as received (protobuf ones included), by path. */
  readonly raw = new Map<string, Buffer[]>();
  /** TLS handshakes the server refused (no or untrusted client certificate). */
  tlsErrors = 0;
  readonly #scheme: string;
  #server: Server;
  constructor(tls?: ServerOptions) {
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        const raw = this.raw.get(req.url ?? "") ?? [];
        raw.push(body);
        this.raw.set(req.url ?? "", raw);
        if (req.headers["content-type"] === "application/x-protobuf") {
          res.writeHead(200, { "content-type": "application/x-protobuf" });
          res.end();
          return;
        }
        const text = body.toString("utf8");
        const list = this.bodies.get(req.url ?? "") ?? [];
        try {
          list.push(JSON.parse(text));
        } catch {
          list.push(text);
        }
        this.bodies.set(req.url ?? "", list);
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{}");
      });
    };
    this.#scheme = tls ? "https" : "http";
    this.#server = tls ? createHttpsServer(tls, handle) : createServer(handle);
    this.#server.on("tlsClientError", () => this.tlsErrors++);
  }
  /** Listens on `port` (0: a free one; the same port again: a collector coming back). */
  async start(port = 0): Promise<string> {
    await new Promise<void>((r) => this.#server.listen(port, "127.0.0.1", r));
    return `${this.#scheme}://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
  /** Every protobuf body received at `path`, decoded by `protoc --decode_raw` (field numbers, no schema). */
  async decoded(path: string): Promise<string> {
    const out: string[] = [];
    for (const body of this.raw.get(path) ?? [])
      out.push(
        await new Promise<string>((resolve, reject) => {
          const p = execFile("protoc", ["--decode_raw"], (e, stdout) => (e ? reject(e) : resolve(stdout)));
          p.stdin?.end(body);
        }),
      );
    return out.join("\n");
  }

  /** All spans received, flattened. */
  spans(): Span[] {
    const out: Span[] = [];
    for (const body of this.bodies.get("/v1/traces") ?? []) {
      const b = body as {
        resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }> }>;
      };
      for (const rs of b?.resourceSpans ?? [])
        for (const ss of rs.scopeSpans ?? []) out.push(...((ss.spans ?? []) as never[]));
    }
    return out;
  }
}
