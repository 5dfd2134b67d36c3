import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Attributes, Counter, Meter } from "@opentelemetry/api";
import type { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import type { Logger } from "pino";
import { type StatusSnapshot, statusMessage } from "../api/admin-api.js";
import { responseJson } from "../api/proto-json.js";
import type { Config } from "../config/schema.js";
import { toError } from "../errors.js";
import { type PagedStatus, pageOfStatus, renderStatusPage, STATUS_PAGE_CSP } from "./status-page.js";

/**
 * Status renders (status page and /status.json) in progress at once, from gathering the snapshot until
 * the response is flushed or its connection is gone; more get 503. Each render is bounded by paging,
 * so this bounds the memory that readers of the port can make Vigil hold.
 */
const MAX_RENDERS = 2;

/** /status.json is this RPC's answer (the same code builds it), one page of its lists. */
const GET_STATUS = "/vigil.v1.AdminService/GetStatus";

const NOT_LOOPBACK =
  "the status page answers loopback peers only (kubectl port-forward); set server.http.status_public: true to serve it to all\n";

export interface HttpServerOptions {
  config: Config["server"]["http"];
  logger: Logger;
  /** Vigil's own meter: vigil.http.refused. */
  meter: Meter;
  prometheus: PrometheusExporter | null;
  /** True while the sidecar accepts bot traffic (mirrors grpc.health.v1). */
  ready: () => boolean;
  status: () => Promise<StatusSnapshot>;
}

/**
 * The HTTP port: /metrics (Prometheus), /healthz (liveness), /readyz
 * (readiness, NOT ready while starting or draining), / (status page).
 * Read-only: it serves no secrets and changes nothing.
 *
 * It listens on every interface (the kubelet and Prometheus reach it from
 * outside the pod), so what anyone can reach is bounded: the status page and
 * /status.json answer loopback peers only unless server.http.status_public,
 * list a page of at most 200 components and destinations, and render at most
 * MAX_RENDERS at once; connections are capped (server.http.max_connections)
 * and closed when their headers, request or keep-alive idle time run out, so
 * idle sockets cannot take the file descriptors gRPC needs.
 */
export class HttpServer {
  readonly #opts: HttpServerOptions;
  readonly #config: Config["server"]["http"];
  readonly #logger: Logger;
  readonly #server: Server;
  readonly #refused: Counter;
  readonly #refusedAttrs = new Map<string, Attributes>();
  #renders = 0;
  #port = 0;
  #started = false;
  #stopping: Promise<void> | null = null;

  constructor(opts: HttpServerOptions) {
    this.#opts = opts;
    this.#config = opts.config;
    this.#logger = opts.logger.child({ component: "http" });
    this.#refused = opts.meter.createCounter("vigil.http.refused", {
      description:
        "HTTP requests and connections refused, by reason (not_loopback, busy, connections, bad_request)",
    });
    const c = opts.config;
    this.#server = createServer(
      {
        headersTimeout: c.headersTimeoutMs,
        requestTimeout: c.requestTimeoutMs,
        // Node checks both timeouts on this interval (30 s by default), which would let a connection
        // that sends nothing live up to headers_timeout + 30 s.
        connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(c.headersTimeoutMs / 4))),
      },
      (req, res) => {
        this.#handle(req, res).catch((e: unknown) => {
          this.#logger.error({ err: toError(e), url: req.url }, "http handler failed");
          if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
          res.end("internal error\n");
        });
      },
    );
    this.#server.keepAliveTimeout = c.keepAliveTimeoutMs;
    this.#server.maxConnections = c.maxConnections;
    // Node closes a connection over maxConnections as soon as it is accepted and says so here.
    this.#server.on("drop", () => this.#refuse("connections"));
  }

  get port(): number {
    return this.#port;
  }

  /** Connections open now. */
  connections(): Promise<number> {
    return new Promise((resolve, reject) =>
      this.#server.getConnections((e, n) => (e ? reject(e) : resolve(n))),
    );
  }

  async start(): Promise<void> {
    const { host, port } = splitAddress(this.#config.address);
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) =>
        reject(new Error(`http server: cannot listen on ${this.#config.address}: ${e.message}`));
      this.#server.once("error", onError);
      this.#server.listen(port, host, () => {
        this.#server.off("error", onError);
        resolve();
      });
    });
    this.#started = true;
    this.#port = (this.#server.address() as AddressInfo).port;
    this.#logger.info({ address: this.#config.address, port: this.#port }, "HTTP server listening");
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
      case "/status":
      case "/status.json":
        await this.#status(req, res, path === "/status.json");
        return;
      default:
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found\n");
    }
  }

  async #status(req: IncomingMessage, res: ServerResponse, json: boolean): Promise<void> {
    // The peer of the TCP connection, never a forwarded-for header: a caller can write those.
    if (!this.#config.statusPublic && !isLoopbackPeer(req.socket.remoteAddress)) {
      this.#refuse("not_loopback");
      res.writeHead(403, { "content-type": "text/plain" });
      res.end(NOT_LOOPBACK);
      return;
    }
    const offset = parseOffset(req.url ?? "");
    if (offset === null) {
      this.#refuse("bad_request");
      res.writeHead(400, { "content-type": "text/plain" });
      res.end("offset: expected an integer from 0 (the first component and destination to list)\n");
      return;
    }
    if (this.#renders >= MAX_RENDERS) {
      this.#refuse("busy");
      res.writeHead(503, { "content-type": "text/plain", "retry-after": "1" });
      res.end(`${MAX_RENDERS} status renders are running; retry in 1 s\n`);
      return;
    }
    this.#renders++;
    let held = true;
    // 'close' comes once the response is flushed or its connection is gone, whichever is first.
    res.once("close", () => {
      if (held) this.#renders--;
      held = false;
    });
    // A reader that stops reading would hold its render's place (and buffered body) for ever.
    res.setTimeout(this.#config.requestTimeoutMs, () => res.destroy());
    const page = pageOfStatus(await this.#opts.status(), offset);
    if (res.destroyed) return;
    if (json) {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(statusJson(page)));
      return;
    }
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": STATUS_PAGE_CSP,
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
    });
    res.end(renderStatusPage(page));
  }

  #refuse(reason: string): void {
    let a = this.#refusedAttrs.get(reason);
    if (a === undefined) {
      a = { reason };
      this.#refusedAttrs.set(reason, a);
    }
    this.#refused.add(1, a);
  }
}

/**
 * /status.json: GetStatusResponse in the proto3 JSON mapping, exactly what `vigil status --json` and
 * the HTTP API's GetStatus write (src/api/proto-json.ts), with the page's totals as `page`.
 */
export function statusJson(paged: PagedStatus): Record<string, unknown> {
  const { page, ...snapshot } = paged;
  return { ...responseJson(GET_STATUS, statusMessage(snapshot)), page };
}

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x (a dual-stack socket's view of an IPv4 loopback peer). */
export function isLoopbackPeer(address: string | undefined): boolean {
  if (address === undefined) return false;
  if (address === "::1") return true;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** `?offset=N` of a status URL: 0 when absent, null when not a non-negative integer. */
function parseOffset(url: string): number | null {
  const q = url.indexOf("?");
  if (q < 0) return 0;
  const raw = new URLSearchParams(url.slice(q + 1)).get("offset");
  if (raw === null || raw === "") return 0;
  if (!/^\d{1,15}$/.test(raw)) return null;
  return Number(raw);
}

export function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(":");
  let host = address.slice(0, i);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return { host: host || "0.0.0.0", port: Number(address.slice(i + 1)) };
}
