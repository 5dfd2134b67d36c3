import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleAll,
  type IBackoff,
  type IPolicy,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import type { Logger } from "pino";
import type { NotifierConfig } from "../config/schema.js";
import { createNotifier, type Notifier } from "./notifiers.js";

/**
 * One notifier with its isolation: a circuit breaker and a timeout around
 * every send (cockatiel), and the backoff state between failed sends. Loaded
 * only when notifiers are configured (cockatiel costs memory at load).
 */
export interface Channel {
  notifier: Notifier;
  config: NotifierConfig;
  policy: IPolicy;
  backoff: ExponentialBackoff<unknown>;
  next: IBackoff<unknown> | null;
  retryAt: number;
  inFlight: number;
  maxInFlight: number;
}

export function createChannel(n: NotifierConfig, opts: { logger: Logger; generatorUrl: string }): Channel {
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: n.circuitBreaker.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(n.circuitBreaker.consecutiveFailures),
  });
  breaker.onBreak(() => opts.logger.warn({ notifier: n.name }, "notifier circuit opened"));
  breaker.onReset(() => opts.logger.info({ notifier: n.name }, "notifier circuit closed"));
  return {
    notifier: createNotifier(n, opts),
    config: n,
    policy: wrap(breaker, timeout(n.timeoutMs, TimeoutStrategy.Aggressive)) as unknown as IPolicy,
    backoff: new ExponentialBackoff({ initialDelay: n.retry.initialMs, maxDelay: n.retry.maxMs }),
    next: null,
    retryAt: 0,
    inFlight: 0,
    maxInFlight: n.kind === "alertmanager" ? 1 : 4,
  };
}

/** A send refused because the notifier's breaker is open (not worth a log line each time). */
export function isBrokenCircuit(e: unknown): boolean {
  return e instanceof BrokenCircuitError;
}
