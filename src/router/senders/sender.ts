import { isUtf8 } from "node:buffer";
import type { QueuedMessage } from "../queue-store.js";

export { DeliveryError, type FailureKind } from "../../util/delivery-error.js";

export interface SendContext {
  /** Aborted at the destination's timeout. */
  signal: AbortSignal;
  /** W3C trace context of the delivery span, to hand to the destination. */
  traceparent: string;
  /** 1 on the first delivery. */
  attempt: number;
}

/** The part of a destination that talks to the outside: one kind each. */
export interface Sender {
  /** Deliveries that may start now besides the destination's concurrency (subscribers: free in-flight slots). */
  capacity?(): number;
  /**
   * Why this destination's protocol cannot carry `m` (a header it would refuse), or null. Asked
   * before the message reaches the rate limiter and the breaker, so a poison message is
   * dead-lettered without spending a token or being taken for a failing destination.
   */
  unencodable?(m: QueuedMessage): string | null;
  /** Resolves when the destination has the message; rejects with a DeliveryError (or anything: transient). */
  send(m: QueuedMessage, ctx: SendContext): Promise<void>;
  close(): Promise<void>;
}

export const PRIORITY_NAMES = ["UNSPECIFIED", "LOW", "NORMAL", "HIGH", "CRITICAL"] as const;

/** Payload as text when the content type says it is text, else base64. */
export function payloadForJson(m: QueuedMessage): { payload: string; payload_encoding: "utf8" | "base64" } {
  const ct = m.contentType.toLowerCase();
  const text = ct.startsWith("text/") || ct.includes("json") || ct.includes("xml") || ct === "";
  if (text && isUtf8(m.payload)) return { payload: m.payload.toString("utf8"), payload_encoding: "utf8" };
  return { payload: m.payload.toString("base64"), payload_encoding: "base64" };
}

/** The message as one JSON object (log lines, http json format, dead letters). */
export function messageJson(m: QueuedMessage, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    message_id: m.messageId,
    topic: m.topic,
    priority: PRIORITY_NAMES[m.priority] ?? "NORMAL",
    content_type: m.contentType,
    attributes: m.attributes,
    idempotency_key: m.idempotencyKey || undefined,
    published_at: new Date(m.publishedAt).toISOString(),
    expires_at: m.expiresAt > 0 ? new Date(m.expiresAt).toISOString() : undefined,
    traceparent: m.traceparent || undefined,
    ...extra,
    ...payloadForJson(m),
  };
}
