import { randomUUID } from "node:crypto";
import { type CallOptions, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import type { BeatRequest } from "../generated/vigil/v1/BeatRequest.js";
import type { BeatResponse__Output } from "../generated/vigil/v1/BeatResponse.js";
import type { Delivery__Output } from "../generated/vigil/v1/Delivery.js";
import type { MetricPoint } from "../generated/vigil/v1/MetricPoint.js";
import type { PublishRequest } from "../generated/vigil/v1/PublishRequest.js";
import type { PublishResponse__Output } from "../generated/vigil/v1/PublishResponse.js";
import type { RecordResponse__Output } from "../generated/vigil/v1/RecordResponse.js";
import { type ClientSecurity, createVigilClient, type VigilStubs } from "./client.js";

export interface VigilClientOptions {
  /** Vigil's gRPC address; default the VIGIL_ADDRESS variable (the Helm chart sets it), else 127.0.0.1:7070. */
  address?: string;
  /** Bearer token and TLS, for a Vigil with server.auth or server.grpc.tls. */
  security?: ClientSecurity;
  /** Sent as `vigil-client` metadata: this process's name for per-client limits (with tokens, the token's name counts instead). */
  clientName?: string;
  /** Publishes waiting for Vigil (in flight or retrying) at most; one more is refused at once. Default 1000. */
  maxPendingPublishes?: number;
  /** How long one publish keeps retrying before it is rejected. Default 30 s. */
  publishTimeoutMs?: number;
  /** Metric points held while Vigil is away; beyond, the oldest are dropped (counted). Default 10,000. */
  maxBufferedPoints?: number;
  /** How often buffered metric points are sent. Default 1 s. */
  flushIntervalMs?: number;
  /** Backoff between retries: doubles from `initialMs` to `maxMs`, with jitter. Default 100 ms to 5 s. */
  retry?: { initialMs: number; maxMs: number };
  /** One attempt's deadline. Default 5 s. */
  callTimeoutMs?: number;
}

export interface PublishOptions {
  contentType?: string;
  attributes?: Record<string, string>;
  priority?: "LOW" | "NORMAL" | "HIGH" | "CRITICAL";
  /** Dedup key; one is made when absent, so a retry after a lost answer is never a second message. */
  idempotencyKey?: string;
  ttlMs?: number;
}

export interface BeatOptions {
  health?: "OK" | "DEGRADED" | "FAILING";
  message?: string;
  intervalMs?: number;
  graceMs?: number;
  attributes?: Record<string, string>;
  signal?: "ALIVE" | "START" | "SUCCESS" | "FAIL";
}

/** What a Subscribe handler decides for a delivery: resolve to ack, throw (or reject) to nack (redelivered). */
export type DeliveryHandler = (delivery: Delivery__Output) => Promise<void> | void;

export interface ClientStats {
  pendingPublishes: number;
  bufferedPoints: number;
  droppedPoints: number;
  retries: number;
}

/** Statuses after which the same call may succeed later (Vigil restarting, shedding load, a full queue). */
const RETRYABLE = new Set([
  status.UNAVAILABLE,
  status.RESOURCE_EXHAUSTED,
  status.DEADLINE_EXCEEDED,
  status.ABORTED,
  status.CANCELLED,
]);

const MAX_BATCH = 500;

/**
 * The TypeScript client for bots: beats, metrics, publishes and subscriptions that ride out a Vigil
 * restart. Calls wait for the channel to be ready (grpc-js reconnects by itself); a call that fails with
 * a retryable status is tried again with backoff (honouring Vigil's `grpc-retry-pushback-ms`), so:
 *
 * - `publish` resolves once Vigil has the message on disk, retrying with one idempotency key, and
 *   rejects only for a permanent error, its timeout, or when `maxPendingPublishes` are waiting already;
 * - metric points are buffered (bounded, oldest dropped and counted) and sent in batches;
 * - the latest beat of each component is kept and re-sent until Vigil answers;
 * - `subscribe` re-opens its stream after a drop; un-acked deliveries come again (at-least-once).
 */
export class VigilClient {
  readonly stubs: VigilStubs;
  readonly #opts: Required<Omit<VigilClientOptions, "address" | "security" | "clientName">>;
  readonly #metadata: Metadata;
  readonly #points: MetricPoint[] = [];
  readonly #beats = new Map<string, BeatRequest>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #subscriptions = new Set<() => void>();
  #pending = 0;
  #dropped = 0;
  #retries = 0;
  #flushing = false;
  #closed = false;

  constructor(opts: VigilClientOptions = {}) {
    const address = opts.address ?? process.env.VIGIL_ADDRESS ?? "127.0.0.1:7070";
    this.stubs = createVigilClient(
      address,
      { "grpc.initial_reconnect_backoff_ms": 200, "grpc.max_reconnect_backoff_ms": 5000 },
      opts.security ?? {},
    );
    // wait-for-ready: calls made while Vigil restarts wait for the channel (up to their deadline)
    // instead of failing at once; grpc-js reconnects by itself.
    this.#metadata = new Metadata({ waitForReady: true });
    if (opts.clientName) this.#metadata.set("vigil-client", opts.clientName);
    this.#opts = {
      maxPendingPublishes: opts.maxPendingPublishes ?? 1000,
      publishTimeoutMs: opts.publishTimeoutMs ?? 30_000,
      maxBufferedPoints: opts.maxBufferedPoints ?? 10_000,
      flushIntervalMs: opts.flushIntervalMs ?? 1000,
      retry: opts.retry ?? { initialMs: 100, maxMs: 5000 },
      callTimeoutMs: opts.callTimeoutMs ?? 5000,
    };
    const flush = setInterval(() => void this.flush(), this.#opts.flushIntervalMs);
    flush.unref();
    this.#timers.add(flush);
  }

  get stats(): ClientStats {
    return {
      pendingPublishes: this.#pending,
      bufferedPoints: this.#points.length,
      droppedPoints: this.#dropped,
      retries: this.#retries,
    };
  }

  /** Resolves when the channel is connected (rejects after `timeoutMs`). */
  ready(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) =>
      this.stubs.heartbeat.waitForReady(Date.now() + timeoutMs, (e) => (e ? reject(e) : resolve())),
    );
  }

  /**
   * Publishes one message; resolves when it is durable in Vigil. Retries through restarts and full
   * queues until `publishTimeoutMs`, always with the same idempotency key.
   */
  async publish(
    topic: string,
    payload: Buffer | string,
    opts: PublishOptions = {},
  ): Promise<{ messageId: string; duplicate: boolean; routed: number }> {
    if (this.#closed) throw new Error("vigil client: closed");
    if (this.#pending >= this.#opts.maxPendingPublishes)
      throw new Error(
        `vigil client: ${this.#pending} publishes are waiting for Vigil already (maxPendingPublishes); retry later`,
      );
    const req: PublishRequest = {
      topic,
      payload: typeof payload === "string" ? Buffer.from(payload) : payload,
      content_type: opts.contentType ?? "",
      attributes: opts.attributes ?? {},
      priority: opts.priority ? `PRIORITY_${opts.priority}` : "PRIORITY_UNSPECIFIED",
      idempotency_key: opts.idempotencyKey ?? randomUUID(),
      ttl: opts.ttlMs ? { seconds: Math.floor(opts.ttlMs / 1000), nanos: (opts.ttlMs % 1000) * 1e6 } : null,
    };
    this.#pending++;
    try {
      const r = await this.#retrying<PublishResponse__Output>(
        (o, cb) => this.stubs.router.Publish(req, this.#metadata, o, cb),
        Date.now() + this.#opts.publishTimeoutMs,
      );
      return { messageId: r.message_id ?? "", duplicate: r.duplicate ?? false, routed: r.routed ?? 0 };
    } finally {
      this.#pending--;
    }
  }

  /** Sends a heartbeat; while Vigil is away the latest beat of the component is kept and re-sent. */
  async beat(component: string, opts: BeatOptions = {}): Promise<BeatResponse__Output | null> {
    const ms = (v?: number) =>
      v === undefined ? null : { seconds: Math.floor(v / 1000), nanos: (v % 1000) * 1e6 };
    const req: BeatRequest = {
      component,
      health: opts.health ? `HEALTH_${opts.health}` : "HEALTH_UNSPECIFIED",
      message: opts.message ?? "",
      interval: ms(opts.intervalMs),
      grace: ms(opts.graceMs),
      attributes: opts.attributes ?? {},
      signal: opts.signal ? `SIGNAL_${opts.signal}` : "SIGNAL_UNSPECIFIED",
    };
    this.#beats.set(component, req);
    try {
      const r = await this.#once<BeatResponse__Output>((o, cb) =>
        this.stubs.heartbeat.Beat(req, this.#metadata, o, cb),
      );
      if (this.#beats.get(component) === req) this.#beats.delete(component);
      return r;
    } catch (e) {
      if (!RETRYABLE.has((e as ServiceError).code)) {
        this.#beats.delete(component);
        throw e;
      }
      return null; // kept: the next flush sends it
    }
  }

  /** Buffers metric points; they are sent in batches every `flushIntervalMs` (or by flush()). */
  record(...points: MetricPoint[]): void {
    for (const p of points) this.#points.push(p);
    const over = this.#points.length - this.#opts.maxBufferedPoints;
    if (over > 0) {
      this.#points.splice(0, over);
      this.#dropped += over;
    }
    if (this.#points.length >= MAX_BATCH) void this.flush();
  }

  counter(name: string, value: number, attributes: Record<string, string> = {}): void {
    this.record({ name, kind: "METRIC_KIND_COUNTER", value, attributes });
  }

  gauge(name: string, value: number, attributes: Record<string, string> = {}): void {
    this.record({ name, kind: "METRIC_KIND_GAUGE", value, attributes });
  }

  histogram(name: string, value: number, attributes: Record<string, string> = {}, unit = ""): void {
    this.record({ name, kind: "METRIC_KIND_HISTOGRAM", value, attributes, unit });
  }

  /**
   * Sends buffered points and beats now. Points Vigil rejected as invalid are dropped (they would never
   * pass); points not sent for a retryable reason go back to the front of the buffer.
   */
  async flush(): Promise<void> {
    if (this.#flushing || this.#closed) return;
    this.#flushing = true;
    try {
      for (const [component, req] of [...this.#beats]) {
        try {
          await this.#once((o, cb) => this.stubs.heartbeat.Beat(req, this.#metadata, o, cb));
          if (this.#beats.get(component) === req) this.#beats.delete(component);
        } catch (e) {
          if (!RETRYABLE.has((e as ServiceError).code)) this.#beats.delete(component);
          else return;
        }
      }
      while (this.#points.length > 0) {
        const batch = this.#points.splice(0, MAX_BATCH);
        try {
          await this.#once<RecordResponse__Output>((o, cb) =>
            this.stubs.metrics.Record({ points: batch }, this.#metadata, o, cb),
          );
        } catch (e) {
          if (RETRYABLE.has((e as ServiceError).code)) {
            this.#points.unshift(...batch);
            const over = this.#points.length - this.#opts.maxBufferedPoints;
            if (over > 0) {
              this.#points.splice(0, over);
              this.#dropped += over;
            }
            return;
          }
          this.#dropped += batch.length;
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  /**
   * Consumes a subscriber destination: `handler` resolving acks a delivery, throwing nacks it. The
   * stream is opened again after it drops (Vigil restarting), with backoff. Returns a function that stops.
   */
  subscribe(destination: string, handler: DeliveryHandler, opts: { maxInFlight?: number } = {}): () => void {
    let stopped = false;
    let attempt = 0;
    let current: ReturnType<VigilStubs["router"]["Subscribe"]> | null = null;
    const open = () => {
      if (stopped || this.#closed) return;
      const s = this.stubs.router.Subscribe(
        { destination, max_in_flight: opts.maxInFlight ?? 64 },
        this.#metadata,
      );
      current = s;
      s.on("data", (d: Delivery__Output) => {
        attempt = 0;
        const id = d.message_id ?? "";
        Promise.resolve()
          .then(() => handler(d))
          .then(
            () => ({ message_ids: [id], nack_ids: [] }),
            () => ({ message_ids: [], nack_ids: [id] }),
          )
          .then((ack) => this.stubs.router.Ack({ destination, ...ack }, this.#metadata, () => undefined));
      });
      // A drop ends the call with an error status; 'status' comes once for every end, and opens again.
      s.on("error", () => undefined);
      s.on("status", () => {
        current = null;
        if (stopped || this.#closed) return;
        const t = setTimeout(open, this.#backoff(attempt++));
        t.unref();
        this.#timers.add(t);
      });
    };
    const stop = () => {
      stopped = true;
      current?.cancel();
      this.#subscriptions.delete(stop);
    };
    this.#subscriptions.add(stop);
    open();
    return stop;
  }

  /** Sends what is buffered (best effort, within `timeoutMs`), stops subscriptions, closes the channel. */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.#closed) return;
    await Promise.race([this.flush(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    this.#closed = true;
    for (const stop of [...this.#subscriptions]) stop();
    for (const t of this.#timers) clearTimeout(t);
    this.stubs.close();
  }

  /** One attempt, waiting for the channel up to the call deadline. */
  #once<T>(fn: (o: CallOptions, cb: (e: ServiceError | null, r?: T) => void) => unknown): Promise<T> {
    return new Promise((resolve, reject) =>
      fn({ deadline: Date.now() + this.#opts.callTimeoutMs }, (e, r) => (e ? reject(e) : resolve(r as T))),
    );
  }

  /** Attempts until success, a permanent error, or `until`. */
  async #retrying<T>(
    fn: (o: CallOptions, cb: (e: ServiceError | null, r?: T) => void) => unknown,
    until: number,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#once(fn);
      } catch (e) {
        const err = e as ServiceError;
        if (!RETRYABLE.has(err.code) || this.#closed) throw err;
        const pushback = Number(err.metadata?.get("grpc-retry-pushback-ms")[0] ?? 0);
        const wait = Math.max(pushback, this.#backoff(attempt));
        if (Date.now() + wait > until) throw err;
        this.#retries++;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /** Exponential backoff with full jitter. */
  #backoff(attempt: number): number {
    const { initialMs, maxMs } = this.#opts.retry;
    const cap = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 20));
    return Math.max(1, Math.round(cap / 2 + (Math.random() * cap) / 2));
  }
}
