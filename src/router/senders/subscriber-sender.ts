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
  deadline: number;
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
 * The dispatcher calls it without cockatiel's policies: the consumers'
 * max_in_flight is the bulkhead and the ack timeout the timeout.
 */
export class SubscriberSender implements Sender {
  readonly #subs = new Set<Subscription>();
  readonly #leases = new Map<string, Lease>();
  readonly #onCapacity: () => void;
  #ackTimeoutMs: number;
  #sweep: NodeJS.Timeout | null = null;
  #closed = false;

  /**
   * Ack timeouts are found by one sweep timer (a quarter of the timeout, at
   * most every second) rather than a timer per delivery: deliveries are the
   * hot path, and a timeout a fraction late costs nothing.
   */
  constructor(onCapacity: () => void, ackTimeoutMs: number) {
    this.#onCapacity = onCapacity;
    this.#ackTimeoutMs = ackTimeoutMs;
  }

  setAckTimeout(ms: number): void {
    this.#ackTimeoutMs = ms;
    if (this.#sweep) {
      clearInterval(this.#sweep);
      this.#sweep = null;
    }
  }

  #ensureSweep(): void {
    if (this.#sweep || this.#closed) return;
    this.#sweep = setInterval(() => this.#expire(), Math.max(10, Math.min(1000, this.#ackTimeoutMs / 4)));
    this.#sweep.unref();
  }

  #expire(): void {
    const now = Date.now();
    for (const [id, lease] of this.#leases) {
      if (lease.deadline <= now)
        this.#settle(id, lease, new DeliveryError("lost", `no ack within ${this.#ackTimeoutMs} ms`));
    }
    if (this.#leases.size === 0 && this.#sweep) {
      clearInterval(this.#sweep);
      this.#sweep = null;
    }
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
      this.#leases.set(m.messageId, { sub, resolve, reject, deadline: Date.now() + this.#ackTimeoutMs });
      sub.inFlight.add(m.messageId);
      this.#ensureSweep();
      // The stream's own high-water mark is a handful of messages; what bounds the
      // memory a consumer can pin is its max_in_flight, so writes go on past it.
      // Only a stream whose buffer is far beyond the window (a consumer that stopped
      // reading from the socket) is held until it drains.
      if (!sub.sink.write(m, ctx) && sub.inFlight.size >= sub.maxInFlight && !sub.blocked) {
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
    if (err) lease.reject(err);
    else lease.resolve();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = null;
  }

  /** Ends every consumer stream (the destination is gone or Vigil stops). */
  endAll(): void {
    for (const s of [...this.#subs]) s.sink.end();
  }
}
