import { setMaxListeners } from "node:events";
import { performance } from "node:perf_hooks";
import {
  type Counter,
  defaultTextMapGetter,
  type Histogram,
  context as otelContext,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import Bottleneck from "bottleneck";
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IBreaker,
  type IPolicy,
  IsolatedCircuitError,
  SamplingBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import type { Logger } from "pino";
import type { DestinationConfig } from "../config/schema.js";
import { toError } from "../errors.js";
import type { Clock } from "../util/clock.js";
import { componentLogger } from "../util/component-logger.js";
import type { DestinationQueue } from "./destination-queue.js";
import type { QueuedMessage } from "./queue-store.js";
import { DeliveryError, type Sender } from "./senders/sender.js";
import { traceparentOf } from "./trace-context.js";

export type CircuitName = "closed" | "open" | "half_open" | "isolated";

export interface FaultRecord {
  time: number;
  error: string;
  kind: string;
}

/** What the dispatcher reports back to the router; the router owns the store. */
export interface DispatchOutcomes {
  delivered(m: QueuedMessage): void;
  /** Writes the message to the dead-letter file, then deletes its row; resolves when both are done. */
  deadLetter(m: QueuedMessage, reason: string, error: string): Promise<void>;
  /** Records a failed attempt (persisted with the next group commit). */
  attempted(m: QueuedMessage, attempt: number): void;
}

export interface RouterInstruments {
  delivered: Counter;
  failed: Counter;
  duration: Histogram;
}

const propagator = new W3CTraceContextPropagator();
const NEVER_ABORTED = new AbortController().signal;
const MAX_FAULTS = 10;

/** Either breaker opens the circuit: consecutive failures, or a failure ratio over a window. */
class EitherBreaker implements IBreaker {
  readonly #a: IBreaker;
  readonly #b: IBreaker;
  constructor(a: IBreaker, b: IBreaker) {
    this.#a = a;
    this.#b = b;
  }
  get state(): unknown {
    return [this.#a.state, this.#b.state];
  }
  set state(v: unknown) {
    const [a, b] = v as [unknown, unknown];
    this.#a.state = a;
    this.#b.state = b;
  }
  success(s: CircuitState): void {
    this.#a.success(s);
    this.#b.success(s);
  }
  failure(s: CircuitState): boolean {
    const a = this.#a.failure(s);
    const b = this.#b.failure(s);
    return a || b;
  }
}

/**
 * Delivers one destination's queue: leases messages highest priority first,
 * sends each through the destination's isolation policies and reports the
 * outcome. Each destination has its own dispatcher, policies, limiter and
 * connections, so one that is down, slow or hanging never delays another.
 *
 * Policies (cockatiel), outermost first: bulkhead (`concurrency`), circuit
 * breaker (`consecutive_failures` or `failure_ratio` over `window`; one
 * half-open probe after `half_open_after`), timeout (`timeout`, aggressive:
 * the request is aborted). A bottleneck limiter in front spaces sends to
 * `rate_limit.per_second`. Retries are not held in memory: a failed message
 * goes back to the durable queue with a due time from cockatiel's exponential
 * backoff with decorrelated jitter (`retry.initial` … `retry.max`), or the
 * destination's Retry-After, and is dead-lettered after `retry.max_attempts`
 * (0 = until its TTL). While the circuit is not closed, at most one message is
 * out (the probe), so when the destination returns the queue drains in
 * priority order.
 *
 * States: running ⇄ paused (operator) — stopped. `stop()` waits for the
 * deliveries in flight up to a deadline, then gives the rest back to the queue.
 */
export class Dispatcher {
  readonly name: string;
  readonly #queue: DestinationQueue;
  readonly #clock: Clock;
  readonly #tracer: Tracer;
  readonly #logger: Logger;
  readonly #outcomes: DispatchOutcomes;
  readonly #inst: RouterInstruments;
  #config: DestinationConfig;
  #sender: Sender;
  /** null for subscribers (#build). */
  #policy: { execute<T>(fn: (ctx: { signal: AbortSignal }) => Promise<T>): Promise<T> } | null;
  #breaker: CircuitBreakerPolicy | null;
  #limiter: Bottleneck | null;
  #backoff: ExponentialBackoff<unknown>;
  #paused = false;
  #stopped = false;
  #inFlight = 0;
  #scheduled = false;
  #timer: NodeJS.Timeout | null = null;
  #timerAt = 0;
  #openedAt = 0;
  #idle: Array<() => void> = [];
  readonly #faults: FaultRecord[] = [];
  #consecutiveFailures = 0;
  #lastDelivery = 0;
  #delivered = 0;
  #failed = 0;
  #deadLettered = 0;
  readonly #attrs: { destination: string };

  constructor(opts: {
    config: DestinationConfig;
    queue: DestinationQueue;
    sender: Sender;
    clock: Clock;
    tracer: Tracer;
    logger: Logger;
    outcomes: DispatchOutcomes;
    instruments: RouterInstruments;
    paused: boolean;
  }) {
    this.name = opts.config.name;
    this.#config = opts.config;
    this.#queue = opts.queue;
    this.#sender = opts.sender;
    this.#clock = opts.clock;
    this.#tracer = opts.tracer;
    this.#logger = componentLogger(opts.logger, "router", { destination: this.name });
    this.#outcomes = opts.outcomes;
    this.#inst = opts.instruments;
    this.#paused = opts.paused;
    this.#attrs = { destination: this.name };
    const built = this.#build(opts.config);
    this.#policy = built.policy;
    this.#breaker = built.breaker;
    this.#limiter = built.limiter;
    this.#backoff = built.backoff;
  }

  get config(): DestinationConfig {
    return this.#config;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get circuit(): CircuitName {
    if (!this.#breaker) return "closed";
    switch (this.#breaker.state) {
      case CircuitState.Open:
        return "open";
      case CircuitState.HalfOpen:
        return "half_open";
      case CircuitState.Isolated:
        return "isolated";
      default:
        return "closed";
    }
  }

  /** Degraded: the circuit is not closed, or the last deliveries failed. */
  get degraded(): boolean {
    return this.circuit !== "closed" || this.#consecutiveFailures > 0;
  }

  stats() {
    return {
      delivered: this.#delivered,
      failed: this.#failed,
      deadLettered: this.#deadLettered,
      lastDelivery: this.#lastDelivery,
      faults: [...this.#faults],
    };
  }

  countDeadLettered(): void {
    this.#deadLettered++;
  }

  /**
   * Subscribers get no cockatiel policies (see SubscriberSender: the consumers'
   * max_in_flight is their bulkhead, the ack timeout their timeout, and a slow
   * consumer is not a failing destination), only the rate limiter and backoff.
   */
  #build(c: DestinationConfig) {
    const limiter = c.rateLimit.perSecond ? new Bottleneck({ minTime: 1000 / c.rateLimit.perSecond }) : null;
    const backoff = new ExponentialBackoff({ initialDelay: c.retry.initialMs, maxDelay: c.retry.maxMs });
    if (c.kind === "subscriber") return { policy: null, breaker: null, limiter, backoff };
    const cb = c.circuitBreaker;
    const consecutive = new ConsecutiveBreaker(cb.consecutiveFailures);
    const breaker = circuitBreaker(
      handleWhen((e) => isBreakerFailure(e)),
      {
        halfOpenAfter: cb.halfOpenAfterMs,
        breaker:
          cb.failureRatio === null
            ? consecutive
            : new EitherBreaker(
                consecutive,
                new SamplingBreaker({ threshold: cb.failureRatio, duration: cb.windowMs, minimumRps: 1 }),
              ),
      },
    );
    breaker.onBreak(() => {
      this.#openedAt = this.#clock.monotonic();
      this.#logger.warn(
        { halfOpenAfterMs: cb.halfOpenAfterMs, lastError: this.#faults.at(-1)?.error },
        "circuit opened",
      );
    });
    breaker.onHalfOpen(() => this.#logger.info("circuit half-open: probing"));
    breaker.onReset(() => this.#logger.info("circuit closed"));
    const inner = wrap(
      bulkhead(c.concurrency),
      breaker,
      timeout(c.timeoutMs, TimeoutStrategy.Aggressive),
    ) as unknown as IPolicy;
    // The timeout links each call's signal to its parent's for as long as the call runs. Without a
    // parent of our own they all hang on cockatiel's one shared signal, and Node warns of a leak past
    // 10 listeners; here the bulkhead bounds them at the destination's concurrency.
    const parent = new AbortController().signal;
    setMaxListeners(c.concurrency + 1, parent);
    const policy = {
      execute: <T>(fn: (ctx: { signal: AbortSignal }) => Promise<T>) => inner.execute(fn, parent),
    };
    return { policy, breaker, limiter, backoff };
  }

  /**
   * A changed destination: new policies and sender for the next deliveries;
   * those in flight finish on the old ones. The breaker starts closed.
   */
  reconfigure(config: DestinationConfig, sender: Sender): Sender {
    const old = this.#sender;
    this.#config = config;
    this.#sender = sender;
    const built = this.#build(config);
    void this.#limiter?.disconnect(false);
    this.#policy = built.policy;
    this.#breaker = built.breaker;
    this.#limiter = built.limiter;
    this.#backoff = built.backoff;
    this.kick();
    return old;
  }

  setPaused(paused: boolean): void {
    if (this.#paused === paused) return;
    this.#paused = paused;
    this.#logger.info({ paused }, paused ? "destination paused" : "destination resumed");
    if (!paused) this.kick();
  }

  /** Asks for a delivery round soon (new messages, a free slot, a resumed destination). */
  kick(): void {
    if (this.#scheduled || this.#stopped) return;
    this.#scheduled = true;
    setImmediate(() => this.#pump());
  }

  #wakeAt(at: number): void {
    if (this.#timer && this.#timerAt <= at) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = null;
        this.kick();
      },
      Math.max(1, at - this.#clock.monotonic()),
    );
    this.#timer.unref();
  }

  #pump(): void {
    this.#scheduled = false;
    if (this.#stopped || this.#paused || !this.#config.enabled) return;
    const now = this.#clock.now();
    // Due times and the breaker's wait are monotonic (a stepped wall clock holds nothing); TTLs are wall-clock.
    const mono = this.#clock.monotonic();
    // A sender with a capacity of its own (subscribers: free in-flight slots) sets the limit; others, `concurrency`.
    let slots = this.#sender.capacity ? this.#sender.capacity() : this.#config.concurrency - this.#inFlight;
    const circuit = this.circuit;
    if (circuit === "open") {
      const at = this.#openedAt + this.#config.circuitBreaker.halfOpenAfterMs;
      if (mono < at) {
        this.#wakeAt(at);
        return;
      }
    }
    // One probe while the circuit is not closed.
    if (circuit !== "closed") slots = this.#inFlight === 0 ? 1 : 0;
    if (slots <= 0) return;
    let leased: QueuedMessage[];
    try {
      leased = this.#queue.lease(slots, mono);
    } catch (e) {
      this.#logger.error({ err: toError(e) }, "cannot read the queue; retrying in 1s");
      this.#wakeAt(mono + 1000);
      return;
    }
    for (const m of leased) {
      if (m.expiresAt > 0 && m.expiresAt <= now) {
        void this.#deadLetter(m, "expired", "TTL passed before delivery");
        continue;
      }
      const problem = this.#sender.unencodable ? this.#sender.unencodable(m) : null;
      if (problem !== null) this.#unencodable(m, problem);
      else
        this.#deliver(m).catch((e: unknown) =>
          this.#logger.error({ err: toError(e), messageId: m.messageId }, "delivery outcome failed"),
        );
    }
    if (leased.length < slots && this.#queue.nextDue !== Number.POSITIVE_INFINITY)
      this.#wakeAt(this.#queue.nextDue);
  }

  async #deliver(m: QueuedMessage): Promise<void> {
    this.#inFlight++;
    const attempt = m.attempt + 1;
    const parent = m.traceparent
      ? propagator.extract(ROOT_CONTEXT, { traceparent: m.traceparent }, defaultTextMapGetter)
      : ROOT_CONTEXT;
    const span = this.#tracer.startSpan(
      `send ${this.name}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          "messaging.system": "vigil",
          "messaging.operation.type": "send",
          "messaging.operation.name": "send",
          "messaging.destination.name": this.name,
          "messaging.message.id": m.messageId,
          "messaging.message.body.size": m.payload.length,
          "vigil.topic": m.topic,
          "vigil.destination.kind": this.#config.kind,
          "vigil.delivery.attempt": attempt,
        },
      },
      parent,
    );
    // Not recording (no span export): the stored context is the one to hand on.
    const traceparent =
      span.isRecording() || !m.traceparent ? traceparentOf(trace.setSpan(parent, span)) : m.traceparent;
    const started = performance.now();
    const sender = this.#sender;
    const policy = this.#policy;
    // Subscribers: no policies (see #build), the hot path of a local consumer.
    if (!policy) {
      const send = () => sender.send(m, { signal: NEVER_ABORTED, traceparent, attempt });
      (this.#limiter ? this.#limiter.schedule(send) : send())
        .then(
          () => this.#succeeded(m, span, started),
          (e: unknown) => this.#failedDelivery(m, attempt, e, span),
        )
        // A background path never rejects: a bug in the outcome handling is logged, not a crash.
        .catch((e: unknown) =>
          this.#logger.error({ err: toError(e), messageId: m.messageId }, "delivery outcome failed"),
        )
        .finally(() => this.#settled());
      return;
    }
    const run = () => policy.execute(({ signal }) => sender.send(m, { signal, traceparent, attempt }));
    try {
      await otelContext.with(trace.setSpan(parent, span), () =>
        this.#limiter ? this.#limiter.schedule(run) : run(),
      );
      this.#succeeded(m, span, started);
    } catch (e) {
      this.#failedDelivery(m, attempt, e, span);
    } finally {
      this.#settled();
    }
  }

  #succeeded(m: QueuedMessage, span: Span, started: number): void {
    const ms = performance.now() - started;
    this.#consecutiveFailures = 0;
    this.#delivered++;
    this.#lastDelivery = this.#clock.now();
    this.#inst.delivered.add(1, this.#attrs);
    this.#inst.duration.record(ms / 1000, this.#attrs);
    this.#queue.finish(m.seq);
    this.#outcomes.delivered(m);
    span.end();
  }

  #settled(): void {
    this.#inFlight--;
    if (this.#inFlight === 0 && this.#idle.length > 0) {
      const idle = this.#idle;
      this.#idle = [];
      for (const r of idle) r();
    }
    this.kick();
  }

  #failedDelivery(
    m: QueuedMessage,
    attempt: number,
    e: unknown,
    span: ReturnType<Tracer["startSpan"]>,
  ): void {
    const now = this.#clock.now();
    // Not tried at all: the circuit is open or the bulkhead full. Back in line, unchanged.
    if (
      e instanceof BrokenCircuitError ||
      e instanceof IsolatedCircuitError ||
      e instanceof BulkheadRejectedError
    ) {
      span.setAttribute("vigil.delivery.skipped", e.name);
      span.end();
      // cockatiel times its half-open wait on the wall clock: after a step back it still says open
      // when ours says probe. Wait one more half-open period rather than spin on its refusals.
      if (!(e instanceof BulkheadRejectedError)) this.#openedAt = this.#clock.monotonic();
      this.#queue.release(m.seq);
      return;
    }
    let kind: string;
    let message: string;
    let retryAfterMs = 0;
    if (e instanceof TaskCancelledError) {
      kind = "timeout";
      message = `timed out after ${this.#config.timeoutMs} ms`;
    } else if (e instanceof DeliveryError) {
      kind = e.kind;
      message = e.kind === "timeout" ? `timed out after ${this.#config.timeoutMs} ms` : e.message;
      retryAfterMs = e.retryAfterMs;
    } else {
      kind = "transient";
      message = toError(e).message;
    }
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    span.setAttribute("error.type", kind);
    span.end();
    if (kind === "unencodable") {
      this.#unencodable(m, message);
      return;
    }
    if (kind === "lost") {
      // The consumer went away or did not ack in time: redeliver now, to whoever is there.
      this.#outcomes.attempted(m, attempt);
      m.attempt = attempt;
      this.#queue.release(m.seq);
      return;
    }
    this.#failed++;
    this.#consecutiveFailures++;
    this.#inst.failed.add(1, { destination: this.name, reason: kind });
    this.#faults.push({ time: now, error: message, kind });
    if (this.#faults.length > MAX_FAULTS) this.#faults.shift();
    if (kind === "permanent") {
      void this.#deadLetter(m, "rejected", message);
      return;
    }
    const max = this.#config.retry.maxAttempts;
    if (max > 0 && attempt >= max) {
      void this.#deadLetter(m, "max_attempts", message);
      return;
    }
    this.#outcomes.attempted(m, attempt);
    m.attempt = attempt;
    const delay =
      retryAfterMs > 0 ? Math.min(retryAfterMs, this.#config.retry.maxMs) : this.#backoffMs(attempt);
    this.#queue.release(m.seq, this.#clock.monotonic() + delay);
    this.#logger.debug(
      { messageId: m.messageId, attempt, kind, error: message, delayMs: delay },
      "delivery failed",
    );
  }

  /**
   * A message this destination's protocol cannot carry. Retrying cannot help and it says nothing
   * about the destination, so it is dead-lettered at once and counted as a failed attempt and a
   * fault, but neither as a breaker failure nor in the run of failures that marks it degraded:
   * one bad message never holds back the ones behind it.
   */
  #unencodable(m: QueuedMessage, problem: string): void {
    this.#failed++;
    this.#inst.failed.add(1, { destination: this.name, reason: "unencodable" });
    this.#faults.push({ time: this.#clock.now(), error: problem, kind: "unencodable" });
    if (this.#faults.length > MAX_FAULTS) this.#faults.shift();
    void this.#deadLetter(m, "unencodable", problem);
  }

  /** The attempt-th delay of cockatiel's exponential backoff (decorrelated jitter), computed without per-message state. */
  #backoffMs(attempt: number): number {
    let b = this.#backoff.next();
    for (let i = 1; i < Math.min(attempt, 64); i++) b = b.next(undefined);
    return Math.min(Math.max(b.duration, 1), this.#config.retry.maxMs);
  }

  async #deadLetter(m: QueuedMessage, reason: string, error: string): Promise<void> {
    this.#inFlight++;
    try {
      await this.#outcomes.deadLetter(m, reason, error);
      this.#deadLettered++;
    } catch (e) {
      // The dead-letter file could not be written: keep the message queued and try later.
      this.#logger.error(
        { err: toError(e), messageId: m.messageId },
        "cannot write dead letter; kept in queue",
      );
      this.#queue.release(m.seq, this.#clock.monotonic() + 1000);
    } finally {
      this.#inFlight--;
      this.kick();
    }
  }

  /** Stops leasing; waits for deliveries in flight up to `deadlineMs`, then gives the rest back. */
  async stop(deadlineMs = 5000): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#inFlight > 0) {
      let t: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((r) => this.#idle.push(r)),
        new Promise<void>((r) => {
          t = setTimeout(r, deadlineMs);
          t.unref();
        }),
      ]);
      clearTimeout(t);
    }
    this.#queue.releaseAll();
    await this.#limiter?.disconnect(false);
  }
}

function isBreakerFailure(e: Error): boolean {
  if (e instanceof DeliveryError)
    return e.kind === "transient" || e.kind === "timeout" || e.kind === "throttled";
  return true;
}
