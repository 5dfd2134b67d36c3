import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import {
  type Context,
  type Counter,
  type Meter,
  ROOT_CONTEXT,
  SpanKind,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { LRUCache } from "lru-cache";
import type { Logger } from "pino";
import type { DestinationConfig, RouterConfig } from "../config/schema.js";
import { toError, VigilError } from "../errors.js";
import { type DeliveryTap, tapInstruments } from "../status/delivery-series.js";
import { ClientLimiter } from "../util/client-limiter.js";
import type { Clock } from "../util/clock.js";
import { DeadLetters } from "./dead-letters.js";
import { DestinationQueue } from "./destination-queue.js";
import { DiskReserve } from "./disk-reserve.js";
import type { CircuitName, Dispatcher, FaultRecord, RouterInstruments } from "./dispatcher.js";
import {
  type CommitBatch,
  type DedupEntry,
  messageBytes,
  type NewMessage,
  type QueuedMessage,
  type QueuedSummary,
  QueueStore,
  type ReclaimResult,
} from "./queue-store.js";
import { RouteTable } from "./route-table.js";
import { HttpSender } from "./senders/http-sender.js";
import { LogSender } from "./senders/log-sender.js";
import { NatsSender } from "./senders/nats-sender.js";
import { PRIORITY_NAMES, type Sender } from "./senders/sender.js";
import { SubscriberSender, type SubscriberSink } from "./senders/subscriber-sender.js";
import { traceparentOf } from "./trace-context.js";

export interface PublishInput {
  topic: string;
  payload: Buffer;
  contentType: string;
  attributes: Record<string, string>;
  /** 1 (LOW) … 4 (CRITICAL). */
  priority: number;
  idempotencyKey: string;
  /** 0 = no TTL. */
  ttlMs: number;
}

export interface PublishResult {
  messageId: string;
  duplicate: boolean;
  routed: number;
}

/** One queued message as PeekQueue lists it. */
export interface PeekedMessage extends QueuedSummary {
  /** Being delivered now. */
  inDelivery: boolean;
  /** Epoch ms when the next attempt may start (waiting out a retry's backoff), or 0. */
  nextAttemptAt: number;
}

export interface DestinationSnapshot {
  name: string;
  kind: string;
  enabled: boolean;
  paused: boolean;
  circuit: CircuitName;
  degraded: boolean;
  queueDepth: number;
  queueBytes: number;
  inFlight: number;
  subscribers: number;
  delivered: number;
  failed: number;
  deadLettered: number;
  /** Dropped by the overflow policy since the destination was (re)configured. */
  dropped: number;
  lastDelivery: number;
  faults: FaultRecord[];
}

interface Destination {
  config: DestinationConfig;
  queue: DestinationQueue;
  dispatcher: Dispatcher;
  sender: Sender;
  subscribers: SubscriberSender | null;
  /** Messages the overflow policy dropped (alert rules on the drop rate). */
  dropped: number;
}

interface Waiter {
  resolve: (r: PublishResult) => void;
  reject: (e: unknown) => void;
  result: PublishResult;
  /** Indices into the batch's inserts that belong to this publish. */
  from: number;
  to: number;
  key: string;
}

const LAZY_FLUSH_MS = 25;
const LAZY_FLUSH_ROWS = 2048;
/** Deletes and attempt counts whose commit failed are retried after this, doubling up to RETRY_MAX_MS. */
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5000;
/** Free pages vacuumed per reclaim step (16 MiB of 4 KiB pages); halved while a step finds no room. */
const RECLAIM_PAGES = 4096;
/**
 * A drained queue gives its pages back once this much is free in queue.db, at most every
 * RECLAIM_EVERY_MS: a destination that keeps up drains to zero many times a second, and its few
 * free pages are reused by the next inserts anyway.
 */
const RECLAIM_MIN_BYTES = 1024 * 1024;
const RECLAIM_DELAY_MS = 250;
const RECLAIM_EVERY_MS = 5000;

const CIRCUIT_VALUE: Record<CircuitName, number> = { closed: 0, half_open: 1, open: 2, isolated: 3 };

type RouterState = "new" | "running" | "stopping" | "stopped";

/**
 * Routes published messages to destinations through the durable queue.
 *
 * Publish: validate (in the API layer) → dedup by idempotency key → match
 * routes → check each destination's bound → add one row per destination to
 * the current group commit → answer once that commit is on disk. All publishes
 * (and acks, attempt counts) that arrive within one turn of the event loop are
 * written in one SQLite transaction: one fsync for the lot.
 *
 * Idempotency keys are written in the same transaction as their message, so a
 * retry after a crash is still recognised; an LRU cache fronts the table, and
 * keys older than `dedup_window` are purged.
 *
 * States: new → running → stopping → stopped. `stop()` refuses new publishes,
 * commits what is pending, stops every dispatcher (deliveries in flight get
 * until the deadline), and closes the store.
 */
export class Router {
  readonly #dataDir: string;
  readonly #clock: Clock;
  readonly #tracer: Tracer;
  readonly #logger: Logger;
  readonly #store: QueueStore;
  readonly #deadLetters: DeadLetters;
  readonly #queues = new Map<string, DestinationQueue>();
  readonly #destinations = new Map<string, Destination>();
  readonly #inst: RouterInstruments;
  readonly #published: Counter;
  readonly #duplicates: Counter;
  readonly #dropped: Counter;
  readonly #deadLettered: Counter;
  #config: RouterConfig;
  #routes: RouteTable;
  #cache: LRUCache<string, DedupEntry> | null;
  #limiter: ClientLimiter | null;
  readonly #rejected: Counter;
  readonly #reserve: DiskReserve;
  /** Set by a commit that failed for want of space; publishes are refused until space is back. */
  #diskFull = false;
  #diskTimer: NodeJS.Timeout | null = null;
  #checkingDisk = false;
  /** Commits failed in a row; retries of deletes and attempt counts back off meanwhile. */
  #commitFailures = 0;
  /** What the failing commits say: logged when it changes, not once per attempt. */
  #commitFailure = "";
  #retryTimer: NodeJS.Timeout | null = null;
  #reclaiming: Promise<void> | null = null;
  #reclaimTimer: NodeJS.Timeout | null = null;
  #lastReclaim = Number.NEGATIVE_INFINITY;
  #reclaimStep = RECLAIM_PAGES;
  #reclaimError = "";
  /** queue.db's inode when opened; another (or none) at the path means the file was deleted or replaced. */
  #storeIno = 0;
  /** Set when queue.db is no longer at its path: what is acknowledged now would not survive a restart. */
  #storeLost = false;
  readonly #rateLimited: Counter;
  #batch: CommitBatch = emptyBatch();
  #waiters: Waiter[] = [];
  #pendingKeys = new Map<string, Promise<PublishResult>>();
  #touched = new Set<string>();
  #flushScheduled = false;
  #committing: Promise<void> | null = null;
  #lazyTimer: NodeJS.Timeout | null = null;
  #state: RouterState = "new";
  #stopping: Promise<void> | null = null;
  #messageLog: ((line: string) => void) | null = null;

  constructor(opts: {
    config: RouterConfig;
    dataDir: string;
    clock: Clock;
    tracer: Tracer;
    meter: Meter;
    logger: Logger;
    /** Told of every delivery, failed attempt and dead letter (the status page's time series). */
    deliveryTap?: DeliveryTap;
  }) {
    this.#config = opts.config;
    this.#dataDir = opts.dataDir;
    this.#clock = opts.clock;
    this.#tracer = opts.tracer;
    this.#logger = opts.logger.child({ component: "router" });
    this.#routes = new RouteTable(opts.config.routes);
    this.#cache = null;
    this.#limiter = makeLimiter(opts.config);
    this.#store = new QueueStore({
      path: join(opts.dataDir, "queue.db"),
      sync: opts.config.sync,
      logger: this.#logger,
    });
    this.#reserve = new DiskReserve(join(opts.dataDir, "queue.db.reserve"), opts.config.diskReserveBytes);
    this.#deadLetters = new DeadLetters({
      dataDir: opts.dataDir,
      config: opts.config.deadLetter,
      clock: opts.clock,
      logger: opts.logger,
    });
    const m = opts.meter;
    this.#published = m.createCounter("vigil.router.published", {
      description: "Messages accepted by Publish (durable), duplicates not included",
    });
    this.#duplicates = m.createCounter("vigil.router.duplicates", {
      description: "Publishes answered duplicate: true (idempotency key seen within the dedup window)",
    });
    this.#dropped = m.createCounter("vigil.router.dropped", {
      description:
        "Messages dropped without delivery, by destination and reason (overflow, no route, dead-letter bound)",
    });
    this.#rejected = m.createCounter("vigil.router.rejected", {
      description:
        "Publishes refused and not accepted, by reason (queue_full, disk_full, storage, invalid_field)",
    });
    this.#rateLimited = m.createCounter("vigil.router.rate_limited", {
      description: "Publishes refused because their client was over router.client_rate_limit",
    });
    this.#deadLettered = m.createCounter("vigil.router.dead_lettered", {
      description: "Messages written to a destination's dead-letter file, by reason",
    });
    this.#inst = {
      delivered: m.createCounter("vigil.router.delivered", {
        description: "Messages delivered, by destination",
      }),
      failed: m.createCounter("vigil.router.failed", {
        description:
          "Failed delivery attempts, by destination and reason (transient, throttled, timeout, permanent, unencodable)",
      }),
      duration: m.createHistogram("vigil.router.delivery.duration", {
        description: "Time to deliver one message to a destination, including the rate limiter's wait",
        unit: "s",
        advice: {
          explicitBucketBoundaries: [
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
          ],
        },
      }),
    };
    if (opts.deliveryTap)
      ({ inst: this.#inst, deadLettered: this.#deadLettered } = tapInstruments(
        this.#inst,
        this.#deadLettered,
        opts.deliveryTap,
      ));
    m.createObservableGauge("vigil.router.queue.depth", {
      description: "Messages queued for a destination (in delivery included)",
    }).addCallback((r) => {
      for (const d of this.#destinations.values()) r.observe(d.queue.depth, { destination: d.config.name });
    });
    m.createObservableGauge("vigil.router.queue.bytes", {
      description: "Bytes queued for a destination",
      unit: "By",
    }).addCallback((r) => {
      for (const d of this.#destinations.values()) r.observe(d.queue.bytes, { destination: d.config.name });
    });
    m.createObservableGauge("vigil.destination.circuit.state", {
      description: "Circuit breaker state per destination: 0 closed, 1 half-open, 2 open, 3 isolated",
    }).addCallback((r) => {
      for (const d of this.#destinations.values())
        r.observe(CIRCUIT_VALUE[d.dispatcher.circuit], { destination: d.config.name });
    });
  }

  /** A publish the API refused for a bad field (src/api/router-api.ts), counted with the other refusals. */
  countInvalid(field: string): void {
    this.#rejected.add(1, { reason: "invalid_field", field });
  }

  get deadLetterDir(): string {
    return this.#deadLetters.dir;
  }

  /** Where message summaries go when logs.record_messages is on (null = off). */
  setMessageLog(log: ((line: string) => void) | null): void {
    this.#messageLog = log;
  }

  /**
   * Opens the queue only when there is something to route or something queued
   * from before: a sidecar without destinations loads neither SQLite nor the
   * delivery machinery (about 10 MiB of RSS). A reload that adds the first
   * destination opens it then.
   */
  async start(): Promise<void> {
    if (this.#state !== "new") throw new Error(`router: cannot start in state ${this.#state}`);
    mkdirSync(this.#dataDir, { recursive: true });
    if (this.#config.destinations.length > 0 || existsSync(this.#store.path)) await this.#openStore();
    this.#state = "running";
    const queued = [...this.#queues.values()].reduce((n, q) => n + q.depth, 0);
    this.#logger.info(
      { destinations: this.#config.destinations.length, routes: this.#config.routes.length, queued },
      "router started",
    );
    for (const d of this.#destinations.values()) d.dispatcher.kick();
  }

  #storeOpen = false;
  #DispatcherClass: typeof Dispatcher | null = null;

  async #openStore(): Promise<void> {
    if (this.#storeOpen) return;
    try {
      this.#store.open();
    } catch (e) {
      throw new Error(`router: cannot open ${this.#store.path}: ${toError(e).message}`);
    }
    this.#storeOpen = true;
    this.#storeIno = statSync(this.#store.path).ino;
    if (!this.#reserve.take() && this.#reserve.bytes > 0)
      this.#logger.warn(
        { dataDir: this.#dataDir, reserveBytes: this.#reserve.bytes },
        "not enough free disk for the queue's disk reserve; a full disk could stall deliveries",
      );
    this.#DispatcherClass = (await import("./dispatcher.js")).Dispatcher;
    for (const [dest, counts] of this.#store.counts()) {
      this.#queues.set(dest, new DestinationQueue(dest, this.#store, counts));
    }
    const paused = this.#store.pausedDestinations();
    for (const c of this.#config.destinations) this.#addDestination(c, paused.has(c.name));
  }

  #queue(name: string): DestinationQueue {
    let q = this.#queues.get(name);
    if (!q) {
      q = new DestinationQueue(name, this.#store);
      this.#queues.set(name, q);
    }
    return q;
  }

  #makeSender(c: DestinationConfig, subscribers: SubscriberSender | null): Sender {
    switch (c.kind) {
      case "subscriber":
        return subscribers as SubscriberSender;
      case "http":
        return new HttpSender(c);
      case "log":
        return new LogSender({
          path: join(this.#dataDir, c.path),
          rotate: c.rotate,
          clock: this.#clock,
          root: this.#dataDir,
          logger: this.#logger.child({ destination: c.name }),
        });
      case "nats":
        return new NatsSender(c);
    }
  }

  #addDestination(c: DestinationConfig, paused: boolean): void {
    const queue = this.#queue(c.name);
    let dispatcher: Dispatcher | null = null;
    const subscribers =
      c.kind === "subscriber" ? new SubscriberSender(() => dispatcher?.kick(), c.ackTimeoutMs) : null;
    const sender = this.#makeSender(c, subscribers);
    const DispatcherClass = this.#DispatcherClass as typeof Dispatcher;
    dispatcher = new DispatcherClass({
      config: c,
      queue,
      sender,
      clock: this.#clock,
      tracer: this.#tracer,
      logger: this.#logger,
      instruments: this.#inst,
      paused,
      outcomes: {
        delivered: (m) => this.#delivered(m),
        deadLetter: (m, reason, error) => this.#deadLetter(m, reason, error),
        attempted: (m, attempt) => {
          this.#batch.attempts.push([m.seq, attempt]);
          this.#scheduleLazyFlush();
        },
      },
    });
    this.#destinations.set(c.name, { config: c, queue, dispatcher, sender, subscribers, dropped: 0 });
  }

  /**
   * A new router config: routes swap at once; destinations are added,
   * reconfigured (in-flight deliveries finish on the old settings) or removed
   * (their queued messages stay in queue.db and are delivered if the
   * destination comes back). Disabled destinations keep accepting messages.
   */
  async applyConfig(config: RouterConfig): Promise<void> {
    const old = this.#config;
    this.#config = config;
    this.#routes = new RouteTable(config.routes);
    this.#deadLetters.applyConfig(config.deadLetter);
    if (config.dedupCacheSize !== old.dedupCacheSize) this.#cache = null;
    if (JSON.stringify(config.clientRateLimit) !== JSON.stringify(old.clientRateLimit))
      this.#limiter = makeLimiter(config);
    if (this.#state !== "running") return;
    if (!this.#storeOpen) {
      // The first destinations: opening the store adds them all.
      if (config.destinations.length > 0) {
        await this.#openStore();
        for (const d of this.#destinations.values()) d.dispatcher.kick();
      }
      return;
    }
    const wanted = new Map(config.destinations.map((d) => [d.name, d]));
    for (const [name, d] of [...this.#destinations]) {
      if (wanted.has(name)) continue;
      this.#destinations.delete(name);
      d.subscribers?.endAll();
      await d.dispatcher.stop(1000);
      await d.sender.close().catch(() => undefined);
      this.#logger.info(
        { destination: name, queued: d.queue.depth },
        "destination removed; its queue is kept",
      );
    }
    const paused = this.#store.pausedDestinations();
    for (const c of config.destinations) {
      const d = this.#destinations.get(c.name);
      if (!d) {
        this.#addDestination(c, paused.has(c.name));
        this.#logger.info(
          { destination: c.name, kind: c.kind, queued: this.#queue(c.name).depth },
          "destination added",
        );
        this.#destinations.get(c.name)?.dispatcher.kick();
        continue;
      }
      if (JSON.stringify(d.config) === JSON.stringify(c)) continue;
      if (d.config.kind !== c.kind) {
        // Another kind is another destination under the same name.
        this.#destinations.delete(c.name);
        d.subscribers?.endAll();
        await d.dispatcher.stop(1000);
        await d.sender.close().catch(() => undefined);
        this.#addDestination(c, paused.has(c.name));
        this.#destinations.get(c.name)?.dispatcher.kick();
      } else {
        d.subscribers?.setAckTimeout(c.ackTimeoutMs);
        const sender = c.kind === "subscriber" ? d.sender : this.#makeSender(c, d.subscribers);
        const previous = d.dispatcher.reconfigure(c, sender);
        d.config = c;
        if (previous !== sender) {
          d.sender = sender;
          // Deliveries in flight on the old sender get their timeout to finish.
          setTimeout(() => void previous.close().catch(() => undefined), c.timeoutMs + 1000).unref();
        }
      }
      this.#logger.info({ destination: c.name, enabled: c.enabled }, "destination reconfigured");
    }
  }

  /**
   * Accepts a message: resolves once it is durable (or is a duplicate), rejects when a bound says no.
   * `parent` is the caller's trace context (the RPC's span), passed explicitly so the message's
   * trace does not depend on a context manager being registered.
   */
  publish(input: PublishInput, parent: Context = ROOT_CONTEXT, client = ""): Promise<PublishResult> {
    if (this.#state !== "running")
      return Promise.reject(
        new VigilError("VIGIL_ERR_SERVER_SHUTTING_DOWN", "Vigil is shutting down; publish again later"),
      );
    const now = this.#clock.now();
    if (this.#limiter) {
      const waitMs = this.#limiter.take(client, now);
      if (waitMs > 0) {
        this.#rateLimited.add(1);
        return Promise.reject(
          new VigilError(
            "VIGIL_ERR_ROUTER_RATE_LIMITED",
            `client ${client || "(unknown)"} is over router.client_rate_limit (${this.#config.clientRateLimit.perSecond}/s); retry in ${waitMs} ms`,
          ),
        );
      }
    }
    if (!this.#storeOpen) {
      // No destination is configured (and nothing was ever queued): nothing to route or remember.
      this.#dropped.add(1, { destination: "", reason: "no_route" });
      return Promise.resolve({ messageId: randomUUID(), duplicate: false, routed: 0 });
    }
    if (this.#diskFull) {
      this.#rejected.add(1, { reason: "disk_full" });
      return Promise.reject(diskFullError());
    }
    if (this.#storeLost) {
      this.#rejected.add(1, { reason: "storage" });
      return Promise.reject(
        new VigilError(
          "VIGIL_ERR_ROUTER_STORAGE",
          `${this.#store.path} was deleted or replaced while Vigil runs: a message accepted now would not survive a restart; restart Vigil to start a fresh queue`,
        ),
      );
    }
    const key = input.idempotencyKey;
    if (key) {
      const pending = this.#pendingKeys.get(key);
      if (pending) {
        this.#duplicates.add(1);
        return pending.then((r) => ({ ...r, duplicate: true }));
      }
      const seen = this.#seenKey(key, now);
      if (seen) {
        this.#duplicates.add(1);
        return Promise.resolve({ messageId: seen.messageId, duplicate: true, routed: seen.routed });
      }
    }
    const names = this.#routes.match(input.topic, input.attributes);
    const bytes = messageBytes(input.payload, input.topic, input.attributes);
    // Check every bound before reserving any: a publish is routed everywhere or nowhere.
    for (const name of names) {
      const d = this.#destinations.get(name);
      if (!d || d.config.buffer.overflow !== "reject") continue;
      const q = d.queue;
      const b = d.config.buffer;
      if (q.depth + 1 > b.maxMessages || q.bytes + bytes > b.maxBytes) {
        this.#rejected.add(1, { reason: "queue_full", destination: name });
        return Promise.reject(
          new VigilError(
            "VIGIL_ERR_ROUTER_QUEUE_FULL",
            `destination ${name} is full (${q.depth} messages, ${q.bytes} bytes; bounds ${b.maxMessages} messages, ${b.maxBytes} bytes); retry later`,
          ),
        );
      }
    }
    // A keyed message's id comes from its key: a message a consumer got while its commit ran and
    // that a crash then lost is published again (same key, the client retrying) under the same id,
    // so the consumer sees a redelivery it can drop, not a second message.
    const messageId = key ? messageIdFromKey(key) : randomUUID();
    const span = this.#tracer.startSpan(
      `publish ${input.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          "messaging.system": "vigil",
          "messaging.operation.type": "publish",
          "messaging.operation.name": "publish",
          "messaging.destination.name": input.topic,
          "messaging.message.id": messageId,
          "messaging.message.body.size": input.payload.length,
          "vigil.routed": names.length,
        },
      },
      parent,
    );
    const traceparent = traceparentOf(trace.setSpan(parent, span));
    span.end();
    const from = this.#batch.inserts.length;
    for (const name of names) {
      const queue = this.#queue(name);
      queue.added(bytes);
      this.#touched.add(name);
      const m: QueuedMessage = {
        seq: this.#store.nextSeq(),
        dest: name,
        priority: input.priority,
        messageId,
        topic: input.topic,
        payload: input.payload,
        contentType: input.contentType,
        attributes: input.attributes,
        idempotencyKey: key,
        publishedAt: now,
        expiresAt: input.ttlMs > 0 ? now + input.ttlMs : 0,
        traceparent,
        attempt: 0,
        bytes,
      };
      this.#batch.inserts.push(m);
      // Deliverable now, while its commit runs (its publish is still answered only after the commit).
      if (queue.offer(m)) this.#destinations.get(name)?.dispatcher.kick();
    }
    if (names.length === 0) {
      this.#dropped.add(1, { destination: "", reason: "no_route" });
      this.#logger.debug({ topic: input.topic, messageId }, "no route matches; message not queued");
    }
    const result: PublishResult = { messageId, duplicate: false, routed: names.length };
    if (key)
      this.#batch.dedup.push([
        key,
        { messageId, routed: names.length, expiresAt: now + this.#config.dedupWindowMs },
      ]);
    const promise = new Promise<PublishResult>((resolve, reject) => {
      this.#waiters.push({ resolve, reject, result, from, to: this.#batch.inserts.length, key });
    });
    if (key) this.#pendingKeys.set(key, promise);
    this.#scheduleFlush();
    return promise;
  }

  /**
   * PublishBatch: each input published as by `publish`, all in this one synchronous pass. A group
   * commit only ever starts on a later turn of the event loop (#scheduleFlush, or the end of the
   * commit in flight), so every accepted message of the batch lands in the same group: one
   * transaction, all on disk or none, before any of them is answered. An input that is already an
   * error (a bad field found by the API) and a message refused alone (its queue full, its client
   * over the rate limit) settle as rejected without touching the others.
   */
  publishBatch(
    inputs: ReadonlyArray<PublishInput | Error>,
    parent: Context = ROOT_CONTEXT,
    client = "",
  ): Promise<PromiseSettledResult<PublishResult>[]> {
    const results: Promise<PublishResult>[] = new Array(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i] as PublishInput | Error;
      results[i] = input instanceof Error ? Promise.reject(input) : this.publish(input, parent, client);
    }
    return Promise.allSettled(results);
  }

  #seenKey(key: string, now: number): DedupEntry | undefined {
    this.#cache ??= makeCache(this.#config.dedupCacheSize);
    const cached = this.#cache?.get(key);
    if (cached) return cached.expiresAt > now ? cached : undefined;
    const stored = this.#store.dedupGet(key);
    if (!stored || stored.expiresAt <= now) return undefined;
    this.#cache?.set(key, stored);
    return stored;
  }

  /**
   * Deletes of delivered messages and attempt counts need not be on disk
   * before anything answers (a delete lost in a crash is a redelivery, which
   * at-least-once allows), so they ride with the next publish commit, or go
   * out every LAZY_FLUSH_MS or once LAZY_FLUSH_ROWS are waiting: a consumer
   * acking one message at a time does not cost one fsync per ack.
   */
  #scheduleLazyFlush(): void {
    // Commits are failing: the retry timer flushes (no loop of attempts 25 ms apart).
    if (this.#flushScheduled || this.#retryTimer) return;
    if (this.#batch.deletes.length + this.#batch.attempts.length >= LAZY_FLUSH_ROWS) {
      this.#scheduleFlush();
      return;
    }
    if (this.#lazyTimer) return;
    this.#lazyTimer = setTimeout(() => {
      this.#lazyTimer = null;
      this.#scheduleFlush();
    }, LAZY_FLUSH_MS);
    this.#lazyTimer.unref();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  /** The group commit: everything batched since the last one, in one transaction. */
  #flush(): void {
    this.#flushScheduled = false;
    // One commit at a time: what arrives meanwhile is committed next, as one group.
    if (this.#committing) return;
    if (this.#lazyTimer) {
      clearTimeout(this.#lazyTimer);
      this.#lazyTimer = null;
    }
    const batch = this.#batch;
    const waiters = this.#waiters;
    const touched = this.#touched;
    if (
      batch.inserts.length + batch.deletes.length + batch.attempts.length + batch.dedup.length === 0 &&
      waiters.length === 0
    )
      return;
    this.#batch = emptyBatch();
    this.#waiters = [];
    this.#touched = new Set();
    this.#committing = this.#store.commit(batch).then(
      () => this.#committed(batch, waiters, touched),
      (e: unknown) => this.#commitFailed(batch, waiters, e),
    );
    void this.#committing.finally(() => {
      this.#committing = null;
      // Everything that arrived during this commit is the next group.
      if (
        this.#waiters.length > 0 ||
        (!this.#retryTimer && this.#batch.deletes.length + this.#batch.attempts.length >= LAZY_FLUSH_ROWS)
      )
        this.#flush();
      else if (this.#batch.deletes.length + this.#batch.attempts.length > 0) this.#scheduleLazyFlush();
    });
  }

  #commitFailed(batch: CommitBatch, waiters: Waiter[], e: unknown): void {
    const err = toError(e);
    const code = (err as { code?: string }).code;
    // A full disk is a full buffer to the publisher (back off, RESOURCE_EXHAUSTED); anything else
    // is storage trouble (UNAVAILABLE). Either way the batch is not durable, so it is not accepted.
    const full = code === "SQLITE_FULL" || code === "ENOSPC";
    const reply = full
      ? diskFullError()
      : new VigilError("VIGIL_ERR_ROUTER_STORAGE", `the message could not be stored: ${err.message}`);
    this.#commitFailures++;
    const retryMs = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(this.#commitFailures - 1, 10));
    const failure = full ? "disk_full" : `storage ${code ?? err.message}`;
    if (failure !== this.#commitFailure) {
      this.#commitFailure = failure;
      this.#logger.error(
        { err, messages: waiters.length, dataDir: this.#dataDir, retryInMs: retryMs },
        `queue commit failed; publishes answered ${full ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE"}`,
      );
    } else {
      this.#logger.debug(
        { err: { code, message: err.message }, failures: this.#commitFailures, retryInMs: retryMs },
        "queue commit still failing",
      );
    }
    if (waiters.length > 0) this.#rejected.add(waiters.length, { reason: full ? "disk_full" : "storage" });
    for (const m of batch.inserts as QueuedMessage[]) this.#queue(m.dest).abandon(m);
    for (const w of waiters) {
      if (w.key) this.#pendingKeys.delete(w.key);
      w.reject(reply);
    }
    if (full) this.#enterDiskFull();
    // Deletes and attempt counts are kept and retried, backing off while commits keep failing: a
    // delete given up would be a delivered message delivered again after a restart.
    this.#batch.deletes.push(...batch.deletes);
    this.#batch.attempts.push(...batch.attempts);
    if (this.#batch.deletes.length + this.#batch.attempts.length > 0 && this.#state === "running") {
      if (this.#retryTimer) clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = null;
        this.#scheduleFlush();
      }, retryMs);
      this.#retryTimer.unref();
    }
  }

  /** Commits work again after failing: said once, and what waited goes out as usual. */
  #commitsRecovered(): void {
    this.#logger.info(
      { failures: this.#commitFailures, dataDir: this.#dataDir },
      "queue commits succeed again; deletes and attempt counts that failed are committed",
    );
    this.#commitFailures = 0;
    this.#commitFailure = "";
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  /**
   * Once every queue has drained, queue.db gives its free pages back to the file system (a
   * backlog would otherwise keep the disk it took, and a restart find no room for the reserve).
   */
  #reclaimWhenDrained(): void {
    if (this.#reclaimTimer || this.#reclaiming || this.#state !== "running") return;
    for (const q of this.#queues.values()) if (q.depth > 0) return;
    const wait = Math.max(RECLAIM_DELAY_MS, this.#lastReclaim + RECLAIM_EVERY_MS - this.#clock.monotonic());
    this.#reclaimTimer = setTimeout(() => {
      this.#reclaimTimer = null;
      for (const q of this.#queues.values()) if (q.depth > 0) return;
      void this.#reclaimSpace(RECLAIM_MIN_BYTES);
    }, wait);
    this.#reclaimTimer.unref();
  }

  /**
   * Gives free pages back to the file system, a step at a time on the writer thread, until none
   * is left (or `minBytes` would not come back). A step with no room is tried smaller; a failure is
   * logged when it changes. Never rejects.
   */
  #reclaimSpace(minBytes: number): Promise<void> {
    this.#reclaiming ??= (async () => {
      let vacuumed = 0;
      let last: ReclaimResult | null = null;
      try {
        for (let i = 0; i < 64 && this.#storeOpen && this.#state === "running"; i++) {
          try {
            last = await this.#store.reclaim(this.#reclaimStep, minBytes);
          } catch (e) {
            const err = toError(e);
            const code = (err as { code?: string }).code ?? err.message;
            if (code === "SQLITE_FULL" && this.#reclaimStep > 64) {
              this.#reclaimStep /= 2;
              continue;
            }
            if (code !== this.#reclaimError) {
              this.#reclaimError = code;
              this.#logger.warn(
                { err, dataDir: this.#dataDir },
                "cannot give queue.db's free pages back to the file system yet; retried",
              );
            }
            return;
          }
          this.#reclaimError = "";
          vacuumed += last.vacuumed;
          if (last.vacuumed === 0 || last.freePages === 0) break;
          this.#reclaimStep = RECLAIM_PAGES;
        }
      } finally {
        this.#lastReclaim = this.#clock.monotonic();
        this.#reclaiming = null;
      }
      if (vacuumed > 0)
        this.#logger.debug({ pages: vacuumed, fileBytes: last?.fileBytes }, "queue.db gave free pages back");
      // Room again for the reserve a start or a full disk left released.
      if (!this.#diskFull && this.#state === "running") this.#reserve.take();
    })();
    return this.#reclaiming;
  }

  /**
   * queue.db deleted or swapped under the running process (an operator's rm, a volume remounted): the
   * open file still works, so what is queued keeps being delivered, but nothing new is acknowledged,
   * since it would live only in a file no restart can find.
   */
  #checkStoreFile(): void {
    if (this.#storeLost) return;
    const st = statSync(this.#store.path, { throwIfNoEntry: false });
    if (st && st.ino === this.#storeIno) return;
    this.#storeLost = true;
    this.#logger.error(
      { path: this.#store.path, queued: [...this.#queues.values()].reduce((n, q) => n + q.depth, 0) },
      "queue.db was deleted or replaced while Vigil runs; publishes refused, queued messages still delivered from the open file; restart Vigil to start a fresh queue",
    );
  }

  /** No space: refuse publishes, release the reserve so deletes can commit, and watch for space. */
  #enterDiskFull(): void {
    if (this.#diskFull) return;
    this.#diskFull = true;
    const released = this.#reserve.release();
    this.#logger.error(
      { dataDir: this.#dataDir, releasedReserveBytes: released },
      "disk full: publishes refused until space is back; queued messages are kept and delivered",
    );
    this.#diskTimer = setInterval(() => this.#checkDisk(), 1000);
    this.#diskTimer.unref();
  }

  /**
   * While the disk is full: give freed pages back to the file system (on the writer thread, the
   * WAL truncated first); leave once the reserve fits again.
   */
  #checkDisk(): void {
    if (this.#checkingDisk) return;
    this.#checkingDisk = true;
    void this.#reclaimSpace(0).then(() => {
      this.#checkingDisk = false;
      if (this.#diskFull && this.#state === "running") this.#leaveDiskFullIfRoom();
    });
  }

  #leaveDiskFullIfRoom(): void {
    let free = 0;
    try {
      free = this.#reserve.freeBytes();
    } catch {
      return;
    }
    const needed = 2 * Math.max(this.#reserve.bytes, 1024 * 1024);
    if (free < needed) return;
    this.#reserve.take();
    this.#diskFull = false;
    if (this.#diskTimer) clearInterval(this.#diskTimer);
    this.#diskTimer = null;
    this.#logger.info(
      { dataDir: this.#dataDir, freeBytes: free },
      "disk space back: publishes accepted again",
    );
  }

  #committed(batch: CommitBatch, waiters: Waiter[], touched: Set<string>): void {
    const now = this.#clock.now();
    if (this.#commitFailures > 0) this.#commitsRecovered();
    for (const m of batch.inserts as QueuedMessage[]) this.#queue(m.dest).committed(m);
    if (batch.deletes.length > 0) {
      for (const q of this.#queues.values()) q.deleted(batch.deletes);
      if (!this.#diskFull) this.#reclaimWhenDrained();
    }
    for (const [key, entry] of batch.dedup) this.#cache?.set(key, entry);
    for (const w of waiters) {
      if (w.key) this.#pendingKeys.delete(w.key);
      w.resolve(w.result);
    }
    if (waiters.length > 0) this.#published.add(waiters.length);
    if (this.#messageLog && batch.inserts.length > 0) this.#logPublished(batch, waiters, now);
    for (const name of touched) {
      const d = this.#destinations.get(name);
      if (!d) continue;
      if (d.config.buffer.overflow !== "reject") this.#enforceBound(d);
      d.dispatcher.kick();
    }
  }

  /** Tests: holds the queue's commits (see QueueStore.holdCommitsForTest). */
  holdCommitsForTest(): ReturnType<QueueStore["holdCommitsForTest"]> {
    return this.#store.holdCommitsForTest();
  }

  /** Resolves when no commit is in flight and nothing waits to be committed. */
  async #drainCommits(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (this.#committing) await this.#committing.catch(() => undefined);
      else if (this.#waiters.length + this.#batch.deletes.length + this.#batch.attempts.length > 0)
        this.#flush();
      else return;
    }
  }

  /** drop_oldest / drop_lowest_priority: deletes queued messages (never ones in delivery) until the bound holds. */
  #enforceBound(d: Destination): void {
    const q = d.queue;
    const b = d.config.buffer;
    if (q.depth <= b.maxMessages && q.bytes <= b.maxBytes) return;
    const reason = b.overflow === "drop_oldest" ? "overflow_oldest" : "overflow_lowest_priority";
    const victims: QueuedMessage[] = [];
    let depth = q.depth;
    let bytes = q.bytes;
    const candidates = (limit: number): number[] => {
      if (b.overflow === "drop_lowest_priority") {
        for (const p of [1, 2, 3, 4]) {
          const seqs = this.#store.seqsAfter(d.config.name, p, 0, limit).filter((s) => q.isDroppable(s));
          if (seqs.length > 0) return seqs;
        }
        return [];
      }
      // Oldest across priorities: merge the heads of the four priority lists.
      const all: number[] = [];
      for (const p of [1, 2, 3, 4])
        all.push(...this.#store.seqsAfter(d.config.name, p, 0, limit + q.leasedCount));
      return all.filter((s) => q.isDroppable(s)).sort((x, y) => x - y);
    };
    const excluded = new Set<number>();
    while ((depth > b.maxMessages || bytes > b.maxBytes) && victims.length < 10_000) {
      const seqs = candidates(Math.max(16, depth - b.maxMessages + 1)).filter((s) => !excluded.has(s));
      if (seqs.length === 0) break;
      for (const seq of seqs) {
        if (depth <= b.maxMessages && bytes <= b.maxBytes) break;
        const m = this.#store.get(seq);
        excluded.add(seq);
        if (!m) continue;
        victims.push(m);
        depth--;
        bytes -= m.bytes;
      }
    }
    if (victims.length === 0) return;
    // Out of the counts now; skipped by deliveries until their delete is committed.
    for (const m of victims) q.drop(m);
    this.#store.commit({ inserts: [], deletes: victims.map((m) => m.seq), attempts: [], dedup: [] }).then(
      () => {
        for (const m of victims) q.dropped(m, true);
      },
      (e: unknown) => {
        for (const m of victims) q.dropped(m, false);
        this.#logger.error({ err: toError(e) }, "cannot delete overflow messages; they stay queued");
      },
    );
    this.#dropped.add(victims.length, { destination: d.config.name, reason });
    d.dropped += victims.length;
    this.#logger.warn(
      {
        destination: d.config.name,
        reason,
        dropped: victims.length,
        messageIds: victims.slice(0, 20).map((m) => m.messageId),
        maxMessages: b.maxMessages,
        maxBytes: b.maxBytes,
      },
      "queue full: messages dropped by the overflow policy",
    );
  }

  #delivered(m: QueuedMessage): void {
    this.#batch.deletes.push(m.seq);
    this.#scheduleLazyFlush();
    if (this.#messageLog) this.#logOutcome("message delivered", m, { attempt: m.attempt + 1 });
  }

  async #deadLetter(m: QueuedMessage, reason: string, error: string): Promise<void> {
    await this.#deadLetters.write(m, reason, error);
    this.#queue(m.dest).finish(m.seq);
    this.#batch.deletes.push(m.seq);
    this.#scheduleLazyFlush();
    this.#deadLettered.add(1, { destination: m.dest, reason });
    this.#logger.warn(
      { destination: m.dest, messageId: m.messageId, topic: m.topic, reason, error, attempts: m.attempt },
      "message dead-lettered",
    );
    if (this.#messageLog) this.#logOutcome("message dead-lettered", m, { reason, error });
  }

  #logPublished(batch: CommitBatch, waiters: Waiter[], now: number): void {
    const log = this.#messageLog as (line: string) => void;
    const time = new Date(now).toISOString();
    for (const w of waiters) {
      const first = batch.inserts[w.from];
      if (!first) continue;
      const to: string[] = [];
      for (let i = w.from; i < w.to; i++) to.push((batch.inserts[i] as NewMessage).dest);
      log(
        `${JSON.stringify({
          level: "info",
          time,
          service: "vigil",
          component: "router",
          msg: "message published",
          message_id: w.result.messageId,
          topic: first.topic,
          priority: PRIORITY_NAMES[first.priority],
          bytes: first.bytes,
          idempotency_key: first.idempotencyKey || undefined,
          destinations: to,
          trace_id: first.traceparent.split("-")[1],
        })}\n`,
      );
    }
  }

  #logOutcome(msg: string, m: QueuedMessage, extra: Record<string, unknown>): void {
    (this.#messageLog as (line: string) => void)(
      `${JSON.stringify({
        level: msg === "message delivered" ? "info" : "warn",
        time: new Date(this.#clock.now()).toISOString(),
        service: "vigil",
        component: "router",
        msg,
        destination: m.dest,
        message_id: m.messageId,
        topic: m.topic,
        ...extra,
        trace_id: m.traceparent.split("-")[1],
      })}\n`,
    );
  }

  #destination(name: string): Destination {
    const d = this.#destinations.get(name);
    if (!d)
      throw new VigilError(
        "VIGIL_ERR_ROUTER_UNKNOWN_DESTINATION",
        `no destination named ${JSON.stringify(name)}; configured: ${[...this.#destinations.keys()].join(", ") || "(none)"}`,
      );
    return d;
  }

  /** Adds a consumer stream to a subscriber destination; returns the function that removes it. */
  subscribe(name: string, maxInFlight: number, sink: SubscriberSink): () => void {
    const d = this.#destination(name);
    if (!d.subscribers)
      throw new VigilError(
        "VIGIL_ERR_ROUTER_NOT_SUBSCRIBER",
        `destination ${name} is of kind ${d.config.kind}; Subscribe needs a destination of kind subscriber`,
      );
    if (this.#state !== "running")
      throw new VigilError("VIGIL_ERR_SERVER_SHUTTING_DOWN", "Vigil is shutting down");
    const limit = Math.min(maxInFlight > 0 ? maxInFlight : d.config.maxInFlight, d.config.maxInFlight);
    this.#logger.info({ destination: name, maxInFlight: limit }, "subscriber attached");
    const detach = d.subscribers.attach(sink, limit);
    return () => {
      detach();
      this.#logger.info({ destination: name }, "subscriber detached");
    };
  }

  ack(name: string, ackIds: readonly string[], nackIds: readonly string[]) {
    const d = this.#destination(name);
    if (!d.subscribers)
      throw new VigilError(
        "VIGIL_ERR_ROUTER_NOT_SUBSCRIBER",
        `destination ${name} is of kind ${d.config.kind}, not subscriber`,
      );
    return d.subscribers.ack(ackIds, nackIds);
  }

  setPaused(name: string, paused: boolean): DestinationSnapshot {
    const d = this.#destination(name);
    this.#store.setPaused(name, paused);
    d.dispatcher.setPaused(paused);
    return this.#snapshot(d);
  }

  /**
   * Up to `limit` messages queued for a destination, highest priority first and FIFO within one
   * (the order of delivery), or of one priority only; read from the store without payloads and
   * without leasing anything, so a paused destination stays as it is. Messages whose commit is
   * still running are not listed yet.
   */
  peek(name: string, limit: number, priority = 0): { messages: PeekedMessage[]; depth: number; now: number } {
    const d = this.#destination(name);
    const now = this.#clock.now();
    if (!this.#storeOpen) return { messages: [], depth: 0, now };
    const q = d.queue;
    const out: PeekedMessage[] = [];
    const mono = this.#clock.monotonic();
    for (const p of priority > 0 ? [priority] : [4, 3, 2, 1]) {
      let after = 0;
      while (out.length < limit) {
        const rows = this.#store.summariesAfter(name, p, after, limit - out.length);
        for (const r of rows) {
          const st = q.peekState(r.seq);
          if (!st) continue;
          out.push({
            ...r,
            attempt: Math.max(r.attempt, st.attempt ?? 0),
            inDelivery: st.leased,
            nextAttemptAt: st.due !== undefined ? now + Math.max(0, st.due - mono) : 0,
          });
        }
        if (rows.length === 0) break;
        after = (rows[rows.length - 1] as QueuedSummary).seq;
      }
    }
    return { messages: out, depth: q.depth, now };
  }

  /** Puts up to `limit` (0 = all) dead letters back into the destination's queue. */
  async redrive(name: string, limit: number): Promise<number> {
    const d = this.#destination(name);
    return this.#deadLetters.redrive(name, limit, async (msgs) => {
      const b = d.config.buffer;
      const bytes = msgs.reduce((n, m) => n + m.bytes, 0);
      if (
        b.overflow === "reject" &&
        (d.queue.depth + msgs.length > b.maxMessages || d.queue.bytes + bytes > b.maxBytes)
      )
        return false;
      await this.#enqueueNow(msgs);
      d.dispatcher.kick();
      return true;
    });
  }

  /** Commits messages (redriven letters) outside Publish and waits for the commit. */
  #enqueueNow(msgs: NewMessage[]): Promise<void> {
    const from = this.#batch.inserts.length;
    for (const m of msgs) {
      this.#queue(m.dest).added(m.bytes);
      // Not offered to the hot cache: read from the store once committed (see DestinationQueue.committed).
      this.#batch.inserts.push({ ...m, seq: this.#store.nextSeq() });
      this.#touched.add(m.dest);
    }
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({
        resolve: () => resolve(),
        reject,
        result: { messageId: "", duplicate: false, routed: 0 },
        from,
        to: this.#batch.inserts.length,
        key: "",
      });
      this.#scheduleFlush();
    });
  }

  /** Dead-letters messages whose TTL has passed and that are not in delivery (the scheduler runs it). */
  async expire(): Promise<number> {
    if (this.#state !== "running" || !this.#storeOpen) return 0;
    this.#checkStoreFile();
    const now = this.#clock.now();
    let n = 0;
    const work: Promise<void>[] = [];
    for (const seq of this.#store.expired(now, 1000)) {
      const m = this.#store.get(seq);
      if (!m) continue;
      const q = this.#queue(m.dest);
      if (q.isLeased(seq)) continue;
      q.forget(seq);
      // Claimed like a lease so the dispatcher cannot pick it meanwhile.
      if (!q.claim(m)) continue;
      n++;
      work.push(
        this.#deadLetter(m, "expired", "TTL passed before delivery").then(
          () => this.#destinations.get(m.dest)?.dispatcher.countDeadLettered(),
          (e: unknown) => {
            q.release(seq, this.#clock.monotonic() + 1000);
            this.#logger.error(
              { err: toError(e), messageId: m.messageId },
              "cannot dead-letter an expired message",
            );
          },
        ),
      );
    }
    await Promise.all(work);
    return n;
  }

  /** Purges old idempotency keys, applies dead-letter retention, returns freed pages (the scheduler runs it). */
  async maintain(): Promise<void> {
    if (this.#state !== "running" || !this.#storeOpen) return;
    const purged = this.#store.purgeDedup(this.#clock.now());
    const dropped = await this.#deadLetters.enforce();
    if (dropped > 0) this.#dropped.add(dropped, { destination: "", reason: "dead_letter_bound" });
    this.#store.vacuumStep();
    if (purged > 0) this.#logger.debug({ purged }, "idempotency keys past the dedup window purged");
  }

  status(): DestinationSnapshot[] {
    return [...this.#destinations.values()].map((d) => this.#snapshot(d));
  }

  #snapshot(d: Destination): DestinationSnapshot {
    const s = d.dispatcher.stats();
    return {
      name: d.config.name,
      kind: d.config.kind,
      enabled: d.config.enabled,
      paused: d.dispatcher.paused,
      circuit: d.dispatcher.circuit,
      degraded: d.dispatcher.degraded,
      queueDepth: d.queue.depth,
      queueBytes: d.queue.bytes,
      inFlight: d.dispatcher.inFlight,
      subscribers: d.subscribers?.subscribers ?? 0,
      delivered: s.delivered,
      failed: s.failed,
      deadLettered: s.deadLettered,
      dropped: d.dropped,
      lastDelivery: s.lastDelivery,
      faults: s.faults,
    };
  }

  /** Ends every Subscribe stream (before the gRPC server stops, so it can close gracefully). */
  endSubscribers(): void {
    for (const d of this.#destinations.values()) d.subscribers?.endAll();
  }

  /** Refuses new publishes, commits what is pending, stops deliveries (up to `deadlineMs`), closes the store. */
  stop(deadlineMs = 5000): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.#state === "new") {
        this.#state = "stopped";
        return;
      }
      this.#state = "stopping";
      this.#flush();
      await this.#drainCommits();
      this.endSubscribers();
      await Promise.all([...this.#destinations.values()].map((d) => d.dispatcher.stop(deadlineMs)));
      await Promise.all([...this.#destinations.values()].map((d) => d.sender.close().catch(() => undefined)));
      await this.#deadLetters.close();
      await this.#drainCommits();
      if (this.#retryTimer) clearTimeout(this.#retryTimer);
      if (this.#reclaimTimer) clearTimeout(this.#reclaimTimer);
      await this.#reclaiming;
      await this.#store.close();
      if (this.#diskTimer) clearInterval(this.#diskTimer);
      this.#reserve.release();
      this.#state = "stopped";
    })();
    return this.#stopping;
  }
}

function diskFullError(): VigilError {
  return new VigilError(
    "VIGIL_ERR_ROUTER_DISK_FULL",
    "the data dir's disk is full: the message could not be stored; retry later",
  );
}

function emptyBatch(): CommitBatch {
  return { inserts: [], deletes: [], attempts: [], dedup: [] };
}

function makeLimiter(config: RouterConfig): ClientLimiter | null {
  const r = config.clientRateLimit;
  return r.perSecond ? new ClientLimiter(r.perSecond, r.burst) : null;
}

/** lru-cache is loaded with the first cache (about 2.6 MiB of RSS a sidecar that routes nothing need not pay). */
function makeCache(size: number): LRUCache<string, DedupEntry> | null {
  if (size <= 0) return null;
  const { LRUCache: Lru } = createRequire(import.meta.url)("lru-cache") as typeof import("lru-cache");
  return new Lru<string, DedupEntry>({ max: size });
}

/** A UUID (version 5 layout, SHA-256 based) derived from an idempotency key: the same key, the same id. */
export function messageIdFromKey(key: string): string {
  const h = createHash("sha256").update("vigil.message-id\0").update(key).digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
