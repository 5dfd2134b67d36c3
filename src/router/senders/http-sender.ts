import type { DestinationConfig } from "../../config/schema.js";
import { HttpPoster } from "../../util/http-poster.js";
import type { QueuedMessage } from "../queue-store.js";
import { headerValue, isPrintableAscii } from "./header-encoding.js";
import { DeliveryError, messageJson, PRIORITY_NAMES, type SendContext, type Sender } from "./sender.js";

/**
 * `http` destination: POSTs each message to a URL over keep-alive connections.
 * `format: raw` sends the payload as the body with its content type and the
 * message's metadata in `vigil-*` headers; `format: json` sends one JSON
 * object (DESIGN §2). 2xx is delivered; 408, 429 and 5xx are retried (429 and
 * 503 after their Retry-After); any other 4xx is permanent (dead-lettered);
 * connection errors and timeouts are retried. The topic and idempotency key
 * go into their headers by the rule of header-encoding.ts (RFC 8187 when not
 * plain ASCII); a raw message whose content type a header cannot carry (a row
 * queued before Publish checked it) is `unencodable`.
 */
export class HttpSender implements Sender {
  readonly #format: "raw" | "json";
  readonly #poster: HttpPoster;

  constructor(config: DestinationConfig) {
    this.#format = config.format;
    this.#poster = new HttpPoster({
      url: config.url,
      headers: config.headers,
      tls: config.tls,
      maxSockets: config.concurrency,
    });
  }

  unencodable(m: QueuedMessage): string | null {
    if (this.#format === "raw" && !isPrintableAscii(m.contentType))
      return "content type has characters an HTTP header cannot carry (printable ASCII only)";
    return null;
  }

  send(m: QueuedMessage, ctx: SendContext): Promise<void> {
    const problem = this.unencodable(m);
    if (problem !== null) return Promise.reject(new DeliveryError("unencodable", problem));
    const headers: Record<string, string> = {
      "vigil-message-id": headerValue(m.messageId),
      "vigil-topic": headerValue(m.topic),
      "vigil-priority": PRIORITY_NAMES[m.priority] ?? "NORMAL",
      "vigil-attempt": String(ctx.attempt),
    };
    if (ctx.traceparent) headers.traceparent = ctx.traceparent;
    if (m.idempotencyKey) headers["idempotency-key"] = headerValue(m.idempotencyKey);
    let body: Buffer;
    if (this.#format === "json") {
      body = Buffer.from(JSON.stringify(messageJson(m, { attempt: ctx.attempt })));
      headers["content-type"] = "application/json";
    } else {
      body = m.payload;
      headers["content-type"] = m.contentType || "application/octet-stream";
    }
    return this.#poster.post(body, headers, ctx.signal);
  }

  async close(): Promise<void> {
    this.#poster.close();
  }
}
