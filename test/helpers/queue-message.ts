import type { NewMessage } from "../../src/router/queue-store.js";

/** The i-th message for destination `d` at NORMAL priority, as the router would insert it. */
export function queueMessage(i: number): NewMessage {
  return {
    dest: "d",
    priority: 2,
    messageId: `m${i}`,
    topic: "t",
    payload: Buffer.from(`p${i}`),
    contentType: "",
    attributes: { i: String(i) },
    idempotencyKey: "",
    publishedAt: 1,
    expiresAt: 0,
    traceparent: "",
    attempt: 0,
    bytes: 3,
  };
}
