import {
  Metadata,
  ResponderBuilder,
  ServerInterceptingCall,
  type ServerInterceptor,
  ServerListenerBuilder,
} from "@grpc/grpc-js";
import type { Counter, Meter } from "@opentelemetry/api";
import type { Logger } from "pino";
import { clientKey } from "../api/client-key.js";
import { WIRE_BYTES, wireBytes } from "../api/decode.js";
import type { Config } from "../config/schema.js";
import { toGrpcStatus, VigilError } from "../errors.js";
import { ClientLimiter } from "../util/client-limiter.js";
import type { Clock } from "../util/clock.js";

type LimitsConfig = Config["server"]["limits"];

/**
 * Probes and tools are never rate limited; their streams (Health/Watch, reflection) still count
 * against max_streams, as each holds a place in the server like any other stream.
 */
const OPEN_SERVICES = ["/grpc.health.v1.Health/", "/grpc.reflection."];
const SUBSCRIBE = "/vigil.v1.RouterService/Subscribe";
const SUBSCRIBE_BATCHES = "/vigil.v1.RouterService/SubscribeBatches";

/**
 * server.limits, before any handler runs: request and byte rates per client
 * (each message of a stream counts), and how many streaming calls and
 * Subscribe streams may be open at once.
 *
 * A unary call over a rate, and a stream over a count, ends with
 * RESOURCE_EXHAUSTED, the wait in its message and in the standard
 * `grpc-retry-pushback-ms` trailer, counted in `vigil.limits.refused{reason}`.
 * A message of an open stream over a rate is held until the client's bucket
 * has room (`vigil.limits.delayed{reason}`): the handler reads nothing more
 * meanwhile, so HTTP/2 flow control slows the sender, one message is held per
 * stream, and nothing it sent is lost or half-accepted.
 */
export class CallLimits {
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #refused: Counter;
  readonly #delayed: Counter;
  #config: LimitsConfig;
  #requests: ClientLimiter | null = null;
  #bytes: ClientLimiter | null = null;
  #streams = 0;
  #subscribers = 0;

  constructor(opts: { config: LimitsConfig; logger: Logger; meter: Meter; clock: Clock }) {
    this.#logger = opts.logger.child({ component: "limits" });
    this.#clock = opts.clock;
    this.#refused = opts.meter.createCounter("vigil.limits.refused", {
      description:
        "Calls refused by server.limits, by reason (client_requests, client_bytes, streams, subscribers)",
    });
    this.#delayed = opts.meter.createCounter("vigil.limits.delayed", {
      description:
        "Stream messages held back by server.limits until their client's rate allowed them, by reason",
    });
    this.#config = opts.config;
    this.applyConfig(opts.config);
  }

  /** New limits for the next calls; streams already open stay open. */
  applyConfig(config: LimitsConfig): void {
    const old = this.#config;
    this.#config = config;
    if (!this.#requests || old.clientRequestsPerSecond !== config.clientRequestsPerSecond) {
      const r = config.clientRequestsPerSecond;
      this.#requests = r === null ? null : new ClientLimiter(r, Math.max(1, Math.ceil(r)));
    }
    if (!this.#bytes || old.clientBytesPerSecond !== config.clientBytesPerSecond) {
      const b = config.clientBytesPerSecond;
      this.#bytes = b === null ? null : new ClientLimiter(b, b);
    }
  }

  /** Streaming calls and Subscribe streams open now. */
  get open(): { streams: number; subscribers: number } {
    return { streams: this.#streams, subscribers: this.#subscribers };
  }

  interceptor(): ServerInterceptor {
    return (method, call) => {
      const streaming = method.requestStream || method.responseStream;
      // Nothing to check: a bare pass-through, no listener on the hot unary path.
      const open = OPEN_SERVICES.some((p) => method.path.startsWith(p));
      if ((open && !streaming) || (!streaming && !this.#requests && !this.#bytes))
        return new ServerInterceptingCall(call);
      const subscribe = method.path === SUBSCRIBE || method.path === SUBSCRIBE_BATCHES;
      let client = "";
      let counted = false;
      let ended = false;
      const release = () => {
        if (!counted) return;
        counted = false;
        this.#streams--;
        if (subscribe) this.#subscribers--;
      };
      const refuse = (reason: string, error: VigilError, waitMs: number) => {
        release();
        this.#refused.add(1, { reason });
        this.#logger.debug({ rpc: method.path, client, reason }, "call refused: server.limits");
        ended = true;
        const trailer = new Metadata();
        trailer.set("grpc-retry-pushback-ms", String(waitMs));
        const { code, details } = toGrpcStatus(error);
        call.sendStatus({ code, details, metadata: trailer });
      };
      const listener = new ServerListenerBuilder()
        .withOnReceiveMetadata((metadata, next) => {
          client = clientKey({ metadata, getPeer: () => call.getPeer() });
          const c = this.#config;
          // The first bound this call would break: streaming calls, then Subscribe streams.
          const full =
            streaming && this.#streams >= c.maxStreams
              ? {
                  reason: "streams",
                  open: this.#streams,
                  what: "streaming calls",
                  key: "max_streams",
                  max: c.maxStreams,
                }
              : subscribe && this.#subscribers >= c.maxSubscribers
                ? {
                    reason: "subscribers",
                    open: this.#subscribers,
                    what: "Subscribe streams",
                    key: "max_subscribers",
                    max: c.maxSubscribers,
                  }
                : null;
          if (full) {
            refuse(
              full.reason,
              new VigilError(
                "VIGIL_ERR_LIMIT_STREAMS",
                `${full.open} ${full.what} are open, server.limits.${full.key} is ${full.max}; retry later`,
              ),
              1000,
            );
            return;
          }
          if (streaming) {
            counted = true;
            this.#streams++;
            if (subscribe) this.#subscribers++;
          }
          next(metadata);
        })
        .withOnReceiveMessage((message, next) => {
          const attempt = () => {
            if (ended) return;
            const over = open ? null : this.#over(client, message);
            if (over === null) {
              next(message);
            } else if (!streaming) {
              refuse(
                over.reason,
                this.#rateError(over.reason, client, method.path, over.waitMs),
                over.waitMs,
              );
            } else {
              this.#delayed.add(1, { reason: over.reason });
              setTimeout(attempt, over.waitMs).unref();
            }
          };
          attempt();
        })
        .withOnCancel(() => {
          ended = true;
          release();
        })
        .build();
      const responder = new ResponderBuilder()
        .withStart((next) => next(listener))
        .withSendStatus((s, next) => {
          release();
          next(s);
        })
        .build();
      return new ServerInterceptingCall(call, responder);
    };
  }

  /**
   * The request and byte rates for one unary request that does not come through gRPC (the HTTP
   * API), keyed like the interceptor: null when it may go on (tokens taken), else the refusal with
   * its wait, counted in vigil.limits.refused.
   */
  admit(rpc: string, client: string, bytes: number): { error: VigilError; waitMs: number } | null {
    if (!this.#requests && !this.#bytes) return null;
    const over = this.#over(client, { [WIRE_BYTES]: bytes });
    if (over === null) return null;
    this.#refused.add(1, { reason: over.reason });
    this.#logger.debug({ rpc, client, reason: over.reason }, "request refused: server.limits");
    return { error: this.#rateError(over.reason, client, rpc, over.waitMs), waitMs: over.waitMs };
  }

  /** The rate one more request message would break, with the wait; null when it may go on (tokens taken). */
  #over(client: string, message: unknown): { reason: string; waitMs: number } | null {
    const now = this.#clock.monotonic();
    const bytes = this.#bytes ? wireBytes(message) : 0;
    // Both buckets are asked before either is charged, so a message held for one is not paid twice.
    if (this.#requests) {
      const wait = this.#requests.wait(client, now);
      if (wait > 0) return { reason: "client_requests", waitMs: wait };
    }
    if (this.#bytes && bytes > 0) {
      const wait = this.#bytes.wait(client, now, bytes);
      if (wait > 0) return { reason: "client_bytes", waitMs: wait };
    }
    this.#requests?.take(client, now);
    if (this.#bytes && bytes > 0) this.#bytes.take(client, now, bytes);
    return null;
  }

  #rateError(reason: string, client: string, rpc: string, waitMs: number): VigilError {
    const c = this.#config;
    const limit =
      reason === "client_requests"
        ? `server.limits.client_requests_per_second (${c.clientRequestsPerSecond}/s)`
        : `server.limits.client_bytes_per_second (${c.clientBytesPerSecond} bytes/s)`;
    return new VigilError(
      "VIGIL_ERR_LIMIT_CLIENT_RATE",
      `client ${client} is over ${limit} on ${rpc}; retry in ${waitMs} ms`,
    );
  }
}
