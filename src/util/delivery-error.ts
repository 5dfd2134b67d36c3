/**
 * How a failed delivery is treated, as the Collector's exporterhelper does:
 * `permanent` is never retried (dead-lettered), `throttled` waits the delay
 * the destination asked for, `transient` and `timeout` retry with backoff. `lost` is a
 * delivery that did not fail but did not finish either (a subscriber stream
 * closed): redelivered at once, not counted against the destination.
 */
export type FailureKind = "transient" | "timeout" | "throttled" | "permanent" | "lost";

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
