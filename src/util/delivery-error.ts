/**
 * How a failed delivery is treated, as the Collector's exporterhelper does:
 * `permanent` is never retried (dead-lettered), `throttled` waits the delay
 * the destination asked for, `transient` and `timeout` retry with backoff. `lost` is a
 * delivery that did not fail but did not finish either (a subscriber stream
 * closed): redelivered at once, not counted against the destination.
 * `unencodable` is a message the destination's protocol cannot carry (a
 * header it refuses, a payload over the server's limit): dead-lettered at
 * once and, being the message's fault, never counted against the destination.
 */
export type FailureKind = "transient" | "timeout" | "throttled" | "permanent" | "lost" | "unencodable";

export class DeliveryError extends Error {
  readonly kind: FailureKind;
  readonly retryAfterMs: number;
  constructor(kind: FailureKind, message: string, opts: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = "DeliveryError";
    this.kind = kind;
    this.retryAfterMs = opts.retryAfterMs ?? 0;
  }
}
