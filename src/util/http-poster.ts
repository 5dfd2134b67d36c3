import http from "node:http";
import https from "node:https";
import { type ClientTlsFiles, clientTlsOptions } from "./client-tls.js";
import { DeliveryError } from "./delivery-error.js";

export interface HttpPosterOptions {
  url: string;
  /** Sent with every request, over the request's own headers (configured auth, tenant ids). */
  headers: Record<string, string>;
  tls: ClientTlsFiles;
  maxSockets: number;
}

/**
 * POSTs bodies to one URL over keep-alive connections (TLS and mTLS from
 * files), classifying the outcome as the Collector's exporterhelper does: 2xx
 * resolves; 429 and 503 are `throttled` with their Retry-After; 408 and other
 * 5xx and connection errors are `transient`; an abort is `timeout`; any other
 * 4xx is `permanent`. Used by http destinations and alert notifiers.
 */
export class HttpPoster {
  readonly #url: URL;
  readonly #headers: Record<string, string>;
  readonly #agent: http.Agent;
  readonly #request: typeof http.request;

  constructor(opts: HttpPosterOptions) {
    this.#url = new URL(opts.url);
    this.#headers = opts.headers;
    const secure = this.#url.protocol === "https:";
    this.#agent = secure
      ? new https.Agent({ keepAlive: true, maxSockets: opts.maxSockets, ...clientTlsOptions(opts.tls) })
      : new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets });
    this.#request = secure ? https.request : http.request;
  }

  get url(): URL {
    return this.#url;
  }

  post(body: Buffer, headers: Record<string, string>, signal: AbortSignal, path?: string): Promise<void> {
    headers["content-length"] = String(body.length);
    Object.assign(headers, this.#headers);
    const url = path === undefined ? this.#url : new URL(path, this.#url);
    return new Promise<void>((resolve, reject) => {
      const req = this.#request(url, { method: "POST", agent: this.#agent, headers, signal }, (res) => {
        res.resume();
        res.on("error", (e) =>
          reject(new DeliveryError("transient", `response: ${e.message}`, { cause: e })),
        );
        res.on("end", () => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve();
          else if (code === 429 || code === 503)
            reject(
              new DeliveryError("throttled", `HTTP ${code}`, {
                retryAfterMs: retryAfterMs(res.headers["retry-after"]),
              }),
            );
          else if (code === 408 || code >= 500) reject(new DeliveryError("transient", `HTTP ${code}`));
          else reject(new DeliveryError("permanent", `HTTP ${code}`));
        });
      });
      req.on("error", (e: NodeJS.ErrnoException) =>
        reject(
          signal.aborted
            ? new DeliveryError("timeout", "timed out", { cause: e })
            : new DeliveryError("transient", `${e.code ?? ""} ${e.message}`.trim(), { cause: e }),
        ),
      );
      req.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** Retry-After in seconds or as an HTTP date; 0 when absent or unreadable. */
export function retryAfterMs(v: string | undefined, now = Date.now()): number {
  if (!v) return 0;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - now) : 0;
}
