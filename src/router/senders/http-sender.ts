import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { DestinationConfig } from "../../config/schema.js";
import type { QueuedMessage } from "../queue-store.js";
import { DeliveryError, messageJson, PRIORITY_NAMES, type SendContext, type Sender } from "./sender.js";

/**
 * `http` destination: POSTs each message to a URL over keep-alive connections.
 * `format: raw` sends the payload as the body with its content type and the
 * message's metadata in `vigil-*` headers; `format: json` sends one JSON
 * object (DESIGN §2). 2xx is delivered; 408, 429 and 5xx are retried (429 and
 * 503 after their Retry-After); any other 4xx is permanent (dead-lettered);
 * connection errors and timeouts are retried.
 */
export class HttpSender implements Sender {
  readonly #url: URL;
  readonly #format: "raw" | "json";
  readonly #headers: Record<string, string>;
  readonly #agent: http.Agent;
  readonly #request: typeof http.request;

  constructor(config: DestinationConfig) {
    this.#url = new URL(config.url);
    this.#format = config.format;
    this.#headers = config.headers;
    const secure = this.#url.protocol === "https:";
    const tls = config.tls;
    this.#agent = secure
      ? new https.Agent({
          keepAlive: true,
          maxSockets: config.concurrency,
          ca: tls.caFile ? readFileSync(tls.caFile) : undefined,
          cert: tls.certFile ? readFileSync(tls.certFile) : undefined,
          key: tls.keyFile ? readFileSync(tls.keyFile) : undefined,
        })
      : new http.Agent({ keepAlive: true, maxSockets: config.concurrency });
    this.#request = secure ? https.request : http.request;
  }

  send(m: QueuedMessage, ctx: SendContext): Promise<void> {
    const headers: Record<string, string> = {
      "vigil-message-id": m.messageId,
      "vigil-topic": m.topic,
      "vigil-priority": PRIORITY_NAMES[m.priority] ?? "NORMAL",
      "vigil-attempt": String(ctx.attempt),
    };
    if (ctx.traceparent) headers.traceparent = ctx.traceparent;
    if (m.idempotencyKey) headers["idempotency-key"] = m.idempotencyKey;
    let body: Buffer;
    if (this.#format === "json") {
      body = Buffer.from(JSON.stringify(messageJson(m, { attempt: ctx.attempt })));
      headers["content-type"] = "application/json";
    } else {
      body = m.payload;
      headers["content-type"] = m.contentType || "application/octet-stream";
    }
    headers["content-length"] = String(body.length);
    Object.assign(headers, this.#headers);
    return new Promise<void>((resolve, reject) => {
      const req = this.#request(
        this.#url,
        { method: "POST", agent: this.#agent, headers, signal: ctx.signal },
        (res) => {
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
        },
      );
      req.on("error", (e: NodeJS.ErrnoException) =>
        reject(
          ctx.signal.aborted
            ? new DeliveryError("timeout", "timed out", { cause: e })
            : new DeliveryError("transient", `${e.code ?? ""} ${e.message}`.trim(), { cause: e }),
        ),
      );
      req.end(body);
    });
  }

  async close(): Promise<void> {
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
