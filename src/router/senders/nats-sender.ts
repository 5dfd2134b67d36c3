import { readFileSync } from "node:fs";
import type { JetStreamClient, NatsConnection } from "nats";
import type { DestinationConfig } from "../../config/schema.js";
import type { QueuedMessage } from "../queue-store.js";
import { headerValue, isPrintableAscii, isToken } from "./header-encoding.js";
import { DeliveryError, PRIORITY_NAMES, type SendContext, type Sender } from "./sender.js";

/**
 * nats.js errors that are the message's own, found before anything is sent: retrying cannot
 * help. JetStream's 10054 is a stream's `max_msg_size` (it answers 400 for it).
 */
const UNENCODABLE_CODES = new Set(["BAD_HEADER", "BAD_SUBJECT", "BAD_PAYLOAD", "MAX_PAYLOAD_EXCEEDED"]);
const JS_MESSAGE_TOO_BIG = 10054;

/**
 * `nats` destination: publishes to a subject (`{topic}` is replaced by the
 * message's topic) with the trace context and message metadata as NATS
 * headers. With `jetstream: true` a delivery counts once the stream has
 * stored it (PubAck), and the message id is sent as `Nats-Msg-Id` so
 * JetStream drops a redelivered duplicate; without, once the server has
 * answered a flush after the publish.
 *
 * The connection is opened on first use and reconnects by itself; until it is
 * up, deliveries fail as transient and the breaker does the rest.
 *
 * Message fields go into header values by the rule of header-encoding.ts
 * (RFC 8187 when not plain ASCII: nats.js refuses CR/LF and trims the ends).
 * A message no NATS server would take — an attribute key that is not a token
 * or a content type with control characters (rows queued before Publish
 * checked them), a payload over the server's `max_payload` or the stream's
 * `max_msg_size` — is `unencodable`, dead-lettered rather than retried.
 */
export class NatsSender implements Sender {
  readonly #config: DestinationConfig;
  #conn: Promise<NatsConnection> | null = null;
  #js: JetStreamClient | null = null;
  /** The nats module, imported with the first connection: only sidecars with a nats destination load it. */
  #nats: typeof import("nats") | null = null;
  #closed = false;

  constructor(config: DestinationConfig) {
    this.#config = config;
  }

  #connection(): Promise<NatsConnection> {
    this.#conn ??= (async () => {
      const c = this.#config;
      const url = new URL(c.url);
      const tls = c.tls;
      this.#nats ??= await import("nats");
      const nc = await this.#nats.connect({
        servers: `${url.hostname}:${url.port || "4222"}`,
        name: `vigil:${c.name}`,
        token: c.token ?? undefined,
        timeout: c.timeoutMs,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
        tls:
          url.protocol === "tls:" || tls.caFile
            ? {
                ca: tls.caFile ? readFileSync(tls.caFile, "utf8") : undefined,
                cert: tls.certFile ? readFileSync(tls.certFile, "utf8") : undefined,
                key: tls.keyFile ? readFileSync(tls.keyFile, "utf8") : undefined,
              }
            : undefined,
      });
      if (c.jetstream) this.#js = nc.jetstream({ timeout: c.timeoutMs });
      return nc;
    })();
    // A failed first connect is retried on the next delivery.
    this.#conn.catch(() => {
      this.#conn = null;
    });
    return this.#conn;
  }

  unencodable(m: QueuedMessage): string | null {
    if (!isPrintableAscii(m.contentType))
      return "content type has characters a NATS header cannot carry (printable ASCII only)";
    for (const k in m.attributes)
      if (!isToken(k)) return "an attribute key is not a token, so it cannot name a NATS header";
    return null;
  }

  async send(m: QueuedMessage, ctx: SendContext): Promise<void> {
    if (this.#closed) throw new DeliveryError("lost", "destination closed");
    const problem = this.unencodable(m);
    if (problem !== null) throw new DeliveryError("unencodable", problem);
    let nc: NatsConnection;
    try {
      nc = await this.#connection();
    } catch (e) {
      throw new DeliveryError("transient", `connect: ${(e as Error).message}`, { cause: e });
    }
    const h = (this.#nats as typeof import("nats")).headers();
    if (ctx.traceparent) h.set("traceparent", ctx.traceparent);
    h.set("vigil-message-id", headerValue(m.messageId));
    h.set("vigil-topic", headerValue(m.topic));
    h.set("vigil-priority", PRIORITY_NAMES[m.priority] ?? "NORMAL");
    h.set("vigil-attempt", String(ctx.attempt));
    if (m.contentType) h.set("content-type", m.contentType);
    for (const [k, v] of Object.entries(this.#config.headers)) h.set(k, v);
    for (const [k, v] of Object.entries(m.attributes)) h.set(`vigil-attr-${k}`, headerValue(v));
    const subject = this.#config.subject.replaceAll("{topic}", m.topic);
    try {
      if (this.#js) {
        await this.#js.publish(subject, m.payload, {
          msgID: m.messageId,
          headers: h,
          timeout: this.#config.timeoutMs,
        });
      } else {
        nc.publish(subject, m.payload, { headers: h });
        await nc.flush();
      }
    } catch (e) {
      const err = e as Error & { code?: string; api_error?: { err_code?: number } };
      if (
        (err.code !== undefined && UNENCODABLE_CODES.has(err.code)) ||
        err.api_error?.err_code === JS_MESSAGE_TOO_BIG
      )
        throw new DeliveryError("unencodable", `${err.code ? `${err.code} ` : ""}${err.message}`, {
          cause: e,
        });
      // 503 from JetStream: no stream takes this subject (yet); retried, so a stream created later gets it.
      throw new DeliveryError("transient", `${err.code ? `${err.code} ` : ""}${err.message}`, { cause: e });
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const conn = this.#conn;
    this.#conn = null;
    if (!conn) return;
    try {
      const nc = await conn;
      await nc.drain();
    } catch {
      // Never connected, or already closed.
    }
  }
}
