import type { QueuedMessage } from "../queue-store.js";
import { DeliveryError, type SendContext, type Sender } from "./sender.js";

/** One consumer's Subscribe stream, as the router sees it. */
export interface SubscriberSink {
  /** Writes one delivery; false when the stream's buffer is full (wait for onDrain). */
  write(m: QueuedMessage, ctx: SendContext): boolean;
  onDrain(cb: () => void): void;
  /** Ends the stream (the destination was removed or Vigil is stopping). */
  end(): void;
}

interface Lease {
  sub: Subscription;
  resolve: () => void;
  reject: (e: DeliveryError) => void;
  onAbort: () => void;
  signal: AbortSignal;
}

interface Subscription {
  sink: SubscriberSink;
  maxInFlight: number;
  inFlight: Set<string>;
  blocked: boolean;
}

/**
 * `subscriber` destination: deliveries go to the consumers' Subscribe streams,
 * each with its own `max_in_flight`; several consumers share the queue
 * (competing consumers, the one with most room gets the next message). A
 * delivery is done when its message id is acked; a nack is a transient failure
 * (retried with backoff); a stream that ends and an ack that does not come
 * within `ack_timeout` give the message back for redelivery (at least once).
 */
export class SubscriberSender implements Sender {
  readonly #subs = new Set<Subscription>();
  readonly #leases = new Map<string, Lease>();
  readonly #onCapacity: () => void;
  #closed = false;

  constructor(onCapacity: () => void) {
    this.#onCapacity = onCapacity;
  }

  get subscribers(): number {
    return this.#subs.size;
  }

  /** Adds a consumer stream; returns the function to call when the stream ends. */
  attach(sink: SubscriberSink, maxInFlight: number): () => void {
    const sub: Subscription = { sink, maxInFlight, inFlight: new Set(), blocked: false };
    this.#subs.add(sub);
    this.#onCapacity();
    return () => {
      if (!this.#subs.delete(sub)) return;
      for (const id of sub.inFlight) {
        const lease = this.#leases.get(id);
        if (lease)
          this.#settle(id, lease, new DeliveryError("lost", "subscriber stream closed before the ack"));
      }
    };
  }

  capacity(): number {
    let n = 0;
    for (const s of this.#subs) if (!s.blocked) n += s.maxInFlight - s.inFlight.size;
    return n;
  }

  send(m: QueuedMessage, ctx: SendContext): Promise<void> {
    let best: Subscription | null = null;
    for (const s of this.#subs) {
      if (s.blocked || s.inFlight.size >= s.maxInFlight) continue;
      if (!best || s.maxInFlight - s.inFlight.size > best.maxInFlight - best.inFlight.size) best = s;
    }
    if (!best || this.#closed) return Promise.reject(new DeliveryError("lost", "no subscriber with room"));
    const sub = best;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const lease = this.#leases.get(m.messageId);
        if (lease) this.#settle(m.messageId, lease, new DeliveryError("lost", "ack timeout"));
      };
      this.#leases.set(m.messageId, { sub, resolve, reject, onAbort, signal: ctx.signal });
      sub.inFlight.add(m.messageId);
      ctx.signal.addEventListener("abort", onAbort, { once: true });
      if (!sub.sink.write(m, ctx)) {
        sub.blocked = true;
        sub.sink.onDrain(() => {
          sub.blocked = false;
          this.#onCapacity();
        });
      }
    });
  }

  /** Acks and nacks from a consumer; ids not in flight are returned as unknown. */
  ack(
    ackIds: readonly string[],
    nackIds: readonly string[],
  ): { acked: number; nacked: number; unknown: string[] } {
    let acked = 0;
    let nacked = 0;
    const unknown: string[] = [];
    for (const id of ackIds) {
      const lease = this.#leases.get(id);
      if (!lease) unknown.push(id);
      else {
        this.#settle(id, lease, null);
        acked++;
      }
    }
    for (const id of nackIds) {
      const lease = this.#leases.get(id);
      if (!lease) unknown.push(id);
      else {
        this.#settle(id, lease, new DeliveryError("transient", "nacked by the subscriber"));
        nacked++;
      }
    }
    return { acked, nacked, unknown };
  }

  #settle(id: string, lease: Lease, err: DeliveryError | null): void {
    this.#leases.delete(id);
    lease.sub.inFlight.delete(id);
    lease.signal.removeEventListener("abort", lease.onAbort);
    if (err) lease.reject(err);
    else lease.resolve();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  /** Ends every consumer stream (the destination is gone or Vigil stops). */
  endAll(): void {
    for (const s of [...this.#subs]) s.sink.end();
  }
}
