import { randomUUID } from "node:crypto";
import { type CallOptions, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import type { BeatRequest } from "../generated/vigil/v1/BeatRequest.js";
import type { BeatResponse__Output } from "../generated/vigil/v1/BeatResponse.js";
import type { Delivery__Output } from "../generated/vigil/v1/Delivery.js";
import type { MetricPoint } from "../generated/vigil/v1/MetricPoint.js";
import type { PublishBatchResponse__Output } from "../generated/vigil/v1/PublishBatchResponse.js";
import type { PublishRequest } from "../generated/vigil/v1/PublishRequest.js";
import type { PublishResponse__Output } from "../generated/vigil/v1/PublishResponse.js";
import type { PublishResult__Output } from "../generated/vigil/v1/PublishResult.js";
import type { RecordResponse__Output } from "../generated/vigil/v1/RecordResponse.js";
import type { SubscribeBatchesResponse__Output } from "../generated/vigil/v1/SubscribeBatchesResponse.js";
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
  /**
   * Publishes per PublishBatch call at most (Vigil takes up to 1,000). Default 500. Batching is
   * adaptive: while a call is in flight, further publishes wait and go together in the next one;
   * an idle client sends at once. There is no linger.
   */
  maxPublishBatch?: number;
  /** Payload bytes per PublishBatch call at most (a bigger message goes alone). Default 1 MiB. */
  maxPublishBatchBytes?: number;
  /**
   * More grpc-js channel options, e.g. `{ "grpc-node.flow_control_window": 4194304 }` for a
   * consumer of large batches (HTTP/2's default window is 64 KiB).
   */
  channelOptions?: Record<string, unknown>;
}

export interface SubscribeOptions {
  /** Deliveries sent and not acked at most. Default 64. */
  maxInFlight?: number;
  /**
   * Consume through SubscribeBatches: several deliveries per stream message (what is ready, never
   * held back to fill a batch). Default false (Subscribe, one delivery per stream message).
   */
  subscribeBatches?: boolean;
  /** With subscribeBatches: deliveries per stream message at most. Default 256. */
  maxBatch?: number;
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
  /** Publish calls made (PublishBatch, or Publish against a Vigil without it), retries included. */
  publishCalls: number;
  /** Messages those calls carried. */
  publishedMessages: number;
}

/** A publish Vigil refused for this message alone (PublishBatch): its catalogue code and reason. */
export class PublishError extends Error {
  /** The gRPC status the same refusal has on a single Publish. */
  readonly code: number;
  /** Vigil's error code, e.g. VIGIL_ERR_REQUEST_INVALID_FIELD. */
  readonly vigilCode: string;
  readonly details: string;
  constructor(vigilCode: string, message: string) {
    const details = `${vigilCode}: ${message}`;
    super(details);
    this.name = "PublishError";
    this.vigilCode = vigilCode;
    this.details = details;
    this.code = PUBLISH_ERROR_STATUS[vigilCode] ?? status.UNKNOWN;
  }
}

/**
 * The statuses of the refusals a PublishBatch result can carry (the server's error catalogue, for
 * these codes; the client imports only the contract's generated types, so it keeps its own copy).
 */
const PUBLISH_ERROR_STATUS: Record<string, number> = {
  VIGIL_ERR_REQUEST_INVALID_FIELD: status.INVALID_ARGUMENT,
  VIGIL_ERR_SERVER_SHUTTING_DOWN: status.UNAVAILABLE,
  VIGIL_ERR_SERVER_OVERLOADED: status.RESOURCE_EXHAUSTED,
  VIGIL_ERR_SERVER_INTERNAL: status.INTERNAL,
  VIGIL_ERR_ROUTER_QUEUE_FULL: status.RESOURCE_EXHAUSTED,
  VIGIL_ERR_ROUTER_RATE_LIMITED: status.RESOURCE_EXHAUSTED,
  VIGIL_ERR_ROUTER_STORAGE: status.UNAVAILABLE,
  VIGIL_ERR_ROUTER_DISK_FULL: status.RESOURCE_EXHAUSTED,
};

type PublishAnswer = { messageId: string; duplicate: boolean; routed: number };

/** A publish waiting for its PublishBatch call (or for its retry's backoff). */
interface QueuedPublish {
  req: PublishRequest;
  bytes: number;
  until: number;
  attempt: number;
  resolve: (r: PublishAnswer) => void;
  reject: (e: unknown) => void;
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
/** Vigil's bound on one PublishBatch call. */
const MAX_PUBLISH_BATCH = 1000;

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
  readonly #opts: Required<
    Omit<VigilClientOptions, "address" | "security" | "clientName" | "channelOptions">
  >;
  /** Publishes waiting for the next PublishBatch call, in order. */
  #outbox: QueuedPublish[] = [];
  #publishInFlight = false;
  /** The Vigil answered PublishBatch with UNIMPLEMENTED (an older version): one Publish per message. */
  #noPublishBatch = false;
  #publishCalls = 0;
  #publishedMessages = 0;
  /** Publishes waiting out a retry's backoff (rejected by close()). */
  readonly #backingOff = new Set<QueuedPublish>();
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
      {
        "grpc.initial_reconnect_backoff_ms": 200,
        "grpc.max_reconnect_backoff_ms": 5000,
        ...opts.channelOptions,
      },
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
      maxPublishBatch: Math.max(1, Math.min(MAX_PUBLISH_BATCH, opts.maxPublishBatch ?? 500)),
      maxPublishBatchBytes: opts.maxPublishBatchBytes ?? 1024 * 1024,
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
      publishCalls: this.#publishCalls,
      publishedMessages: this.#publishedMessages,
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
   *
   * Publishes go out through PublishBatch, batched adaptively: an idle client sends a publish at
   * once (a call of one message), and while a call is in flight further publishes wait and go
   * together in the next call, so a busy client pays one call (and Vigil one commit) per batch
   * rather than per message, and a one-at-a-time sender waits for nothing (no linger, unlike
   * Kafka's `linger.ms`, whose 5 ms default doubled such a sender's latency).
   */
  async publish(topic: string, payload: Buffer | string, opts: PublishOptions = {}): Promise<PublishAnswer> {
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
      return await new Promise<PublishAnswer>((resolve, reject) => {
        this.#outbox.push({
          req,
          bytes: (req.payload as Buffer).length,
          until: Date.now() + this.#opts.publishTimeoutMs,
          attempt: 0,
          resolve,
          reject,
        });
        this.#sendPublishes();
      });
    } finally {
      this.#pending--;
    }
  }

  /** Starts the next PublishBatch call with what waits, unless one is in flight (its end calls this again). */
  #sendPublishes(): void {
    if (this.#publishInFlight || this.#outbox.length === 0) return;
    if (this.#closed) {
      for (const p of this.#outbox.splice(0)) p.reject(new Error("vigil client: closed"));
      return;
    }
    let n = 0;
    let bytes = 0;
    const max = this.#noPublishBatch ? 1 : this.#opts.maxPublishBatch;
    for (const p of this.#outbox) {
      if (n >= max || (n > 0 && bytes + p.bytes > this.#opts.maxPublishBatchBytes)) break;
      n++;
      bytes += p.bytes;
    }
    const batch = this.#outbox.splice(0, n);
    this.#publishInFlight = true;
    this.#publishCalls++;
    this.#publishedMessages += batch.length;
    const done = () => {
      this.#publishInFlight = false;
      this.#sendPublishes();
    };
    if (this.#noPublishBatch) {
      const p = batch[0] as QueuedPublish;
      this.stubs.router.Publish(
        p.req,
        this.#metadata,
        { deadline: Date.now() + this.#opts.callTimeoutMs },
        (e: ServiceError | null, r?: PublishResponse__Output) => {
          if (e) this.#publishFailed(batch, e);
          else
            p.resolve({
              messageId: r?.message_id ?? "",
              duplicate: r?.duplicate ?? false,
              routed: r?.routed ?? 0,
            });
          done();
        },
      );
      return;
    }
    this.stubs.router.PublishBatch(
      { messages: batch.map((p) => p.req) },
      this.#metadata,
      { deadline: Date.now() + this.#opts.callTimeoutMs },
      (e: ServiceError | null, r?: PublishBatchResponse__Output) => {
        if (e?.code === status.UNIMPLEMENTED) {
          // A Vigil from before PublishBatch: the same messages again, one Publish each.
          this.#noPublishBatch = true;
          this.#outbox.unshift(...batch);
        } else if (e) this.#publishFailed(batch, e);
        else this.#publishAnswered(batch, r?.results ?? []);
        done();
      },
    );
  }

  #publishAnswered(batch: QueuedPublish[], results: PublishResult__Output[]): void {
    const again: QueuedPublish[] = [];
    let wait = 0;
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i] as QueuedPublish;
      const r = results[i];
      if (!r) {
        p.reject(
          new PublishError("VIGIL_ERR_SERVER_INTERNAL", "no result for this message in Vigil's answer"),
        );
        continue;
      }
      if (!r.code) {
        p.resolve({ messageId: r.message_id ?? "", duplicate: r.duplicate ?? false, routed: r.routed ?? 0 });
        continue;
      }
      const err = new PublishError(r.code, r.message ?? "");
      const backoff = this.#backoff(p.attempt);
      if (!r.retryable || this.#closed || Date.now() + backoff > p.until) p.reject(err);
      else {
        p.attempt++;
        again.push(p);
        wait = Math.max(wait, backoff);
      }
    }
    this.#retryLater(again, wait);
  }

  /** The whole call failed: every message is retried (same idempotency keys) or rejected with the status. */
  #publishFailed(batch: QueuedPublish[], e: ServiceError): void {
    const again: QueuedPublish[] = [];
    let wait = 0;
    const pushback = Number(e.metadata?.get("grpc-retry-pushback-ms")[0] ?? 0);
    for (const p of batch) {
      const backoff = Math.max(pushback, this.#backoff(p.attempt));
      if (!RETRYABLE.has(e.code) || this.#closed || Date.now() + backoff > p.until) p.reject(e);
      else {
        p.attempt++;
        again.push(p);
        wait = Math.max(wait, backoff);
      }
    }
    this.#retryLater(again, wait);
  }

  #retryLater(again: QueuedPublish[], wait: number): void {
    if (again.length === 0) return;
    this.#retries += again.length;
    for (const p of again) this.#backingOff.add(p);
    const t = setTimeout(() => {
      this.#timers.delete(t);
      for (const p of again) this.#backingOff.delete(p);
      // Ahead of what was published meanwhile: retried messages keep their place.
      this.#outbox.unshift(...again);
      this.#sendPublishes();
    }, wait);
    this.#timers.add(t);
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
   * Acks are batched adaptively like publishes: sent at once when no Ack call is in flight, else
   * together in the next one. `subscribeBatches` consumes through SubscribeBatches (several
   * deliveries per stream message).
   */
  subscribe(destination: string, handler: DeliveryHandler, opts: SubscribeOptions = {}): () => void {
    let stopped = false;
    let attempt = 0;
    let current: { cancel(): void } | null = null;
    let acks: string[] = [];
    let nacks: string[] = [];
    let acking = false;
    const sendAcks = () => {
      if (acking || (acks.length === 0 && nacks.length === 0) || this.#closed) return;
      // Vigil takes at most 10,000 ids per Ack.
      const a = acks.splice(0, 5000);
      const n = nacks.splice(0, 5000);
      acking = true;
      this.stubs.router.Ack({ destination, message_ids: a, nack_ids: n }, this.#metadata, () => {
        acking = false;
        sendAcks();
      });
    };
    // A handler that returns at once is acked (or nacked) at once, without a promise per delivery:
    // the caller sends the acks of a whole stream message together.
    const onDelivery = (d: Delivery__Output) => {
      const id = d.message_id ?? "";
      let r: Promise<void> | void;
      try {
        r = handler(d);
      } catch {
        nacks.push(id);
        return;
      }
      if (r instanceof Promise)
        r.then(
          () => acks.push(id),
          () => nacks.push(id),
        ).then(sendAcks);
      else acks.push(id);
    };
    const open = () => {
      if (stopped || this.#closed) return;
      const maxInFlight = opts.maxInFlight ?? 64;
      const s = opts.subscribeBatches
        ? this.stubs.router.SubscribeBatches(
            { destination, max_in_flight: maxInFlight, max_batch: opts.maxBatch ?? 0 },
            this.#metadata,
          )
        : this.stubs.router.Subscribe({ destination, max_in_flight: maxInFlight }, this.#metadata);
      current = s;
      // Ids of a stream that dropped are redelivered anyway: no use acking them on the new one.
      acks = [];
      nacks = [];
      if (opts.subscribeBatches)
        s.on("data", (r: SubscribeBatchesResponse__Output) => {
          attempt = 0;
          for (const d of r.deliveries ?? []) onDelivery(d);
          sendAcks();
        });
      else
        s.on("data", (d: Delivery__Output) => {
          attempt = 0;
          onDelivery(d);
          sendAcks();
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
    for (const p of this.#backingOff) p.reject(new Error("vigil client: closed"));
    this.#backingOff.clear();
    this.stubs.close();
  }

  /** One attempt, waiting for the channel up to the call deadline. */
  #once<T>(fn: (o: CallOptions, cb: (e: ServiceError | null, r?: T) => void) => unknown): Promise<T> {
    return new Promise((resolve, reject) =>
      fn({ deadline: Date.now() + this.#opts.callTimeoutMs }, (e, r) => (e ? reject(e) : resolve(r as T))),
    );
  }

  /** Exponential backoff with full jitter. */
  #backoff(attempt: number): number {
    const { initialMs, maxMs } = this.#opts.retry;
    const cap = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 20));
    return Math.max(1, Math.round(cap / 2 + (Math.random() * cap) / 2));
  }
}
