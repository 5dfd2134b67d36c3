import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import type { Logger } from "pino";
import type { StatusSnapshot } from "../api/admin-api.js";
import { toError } from "../errors.js";
import { renderStatusPage, STATUS_PAGE_CSP } from "./status-page.js";

export interface HttpServerOptions {
  address: string;
  logger: Logger;
  prometheus: PrometheusExporter | null;
  /** True while the sidecar accepts bot traffic (mirrors grpc.health.v1). */
  ready: () => boolean;
  status: () => Promise<StatusSnapshot>;
}

/**
 * The HTTP port: /metrics (Prometheus), /healthz (liveness), /readyz
 * (readiness, NOT ready while starting or draining), / (status page).
 * Read-only: it serves no secrets and changes nothing.
 */
export class HttpServer {
  readonly #opts: HttpServerOptions;
  readonly #logger: Logger;
  readonly #server: Server;
  #port = 0;
  #started = false;
  #stopping: Promise<void> | null = null;

  constructor(opts: HttpServerOptions) {
    this.#opts = opts;
    this.#logger = opts.logger.child({ component: "http" });
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((e: unknown) => {
        this.#logger.error({ err: toError(e), url: req.url }, "http handler failed");
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end("internal error\n");
      });
    });
    this.#server.keepAliveTimeout = 65_000;
    this.#server.requestTimeout = 30_000;
  }

  get port(): number {
    return this.#port;
  }

  async start(): Promise<void> {
    const { host, port } = splitAddress(this.#opts.address);
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) =>
        reject(new Error(`http server: cannot listen on ${this.#opts.address}: ${e.message}`));
      this.#server.once("error", onError);
      this.#server.listen(port, host, () => {
        this.#server.off("error", onError);
        resolve();
      });
    });
    this.#started = true;
    this.#port = (this.#server.address() as AddressInfo).port;
    this.#logger.info({ address: this.#opts.address, port: this.#port }, "HTTP server listening");
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (!this.#started) return;
      await new Promise<void>((resolve) => {
        this.#server.close(() => resolve());
        this.#server.closeIdleConnections();
      });
    })();
    return this.#stopping;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" });
      res.end("method not allowed\n");
      return;
    }
    const path = (req.url ?? "/").split("?")[0];
    switch (path) {
      case "/metrics":
        if (!this.#opts.prometheus) {
          res.writeHead(404, { "content-type": "text/plain" });
          res.end("prometheus export is disabled (telemetry.prometheus.enabled: false)\n");
          return;
        }
        this.#opts.prometheus.getMetricsRequestHandler(req, res);
        return;
      case "/healthz":
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok\n");
        return;
      case "/readyz": {
        const ready = this.#opts.ready();
        res.writeHead(ready ? 200 : 503, { "content-type": "text/plain" });
        res.end(ready ? "ready\n" : "not ready\n");
        return;
      }
      case "/":
      case "/status": {
        const s = await this.#opts.status();
        res.writeHead(200, {
          "content-type": "text/html; charset=utf-8",
          "content-security-policy": STATUS_PAGE_CSP,
          "x-content-type-options": "nosniff",
          "cache-control": "no-store",
        });
        res.end(renderStatusPage(s));
        return;
      }
      case "/status.json": {
        const s = await this.#opts.status();
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(s));
        return;
      }
      default:
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found\n");
    }
  }
}

export function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(":");
  let host = address.slice(0, i);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return { host: host || "0.0.0.0", port: Number(address.slice(i + 1)) };
}
