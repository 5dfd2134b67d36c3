import type { ServerWritableStream } from "@grpc/grpc-js";
import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { invalidField, toError, VigilError } from "../errors.js";
import type { AckRequest__Output } from "../generated/vigil/v1/AckRequest.js";
import type { AckResponse } from "../generated/vigil/v1/AckResponse.js";
import type { Delivery } from "../generated/vigil/v1/Delivery.js";
import type { PublishBatchRequest__Output } from "../generated/vigil/v1/PublishBatchRequest.js";
import type { PublishBatchResponse } from "../generated/vigil/v1/PublishBatchResponse.js";
import type { PublishRequest__Output } from "../generated/vigil/v1/PublishRequest.js";
import type { PublishResponse } from "../generated/vigil/v1/PublishResponse.js";
import type { PublishResult as PublishResultMessage } from "../generated/vigil/v1/PublishResult.js";
import type { RouterServiceHandlers } from "../generated/vigil/v1/RouterService.js";
import type { SubscribeBatchesRequest__Output } from "../generated/vigil/v1/SubscribeBatchesRequest.js";
import type { SubscribeBatchesResponse } from "../generated/vigil/v1/SubscribeBatchesResponse.js";
import type { SubscribeRequest__Output } from "../generated/vigil/v1/SubscribeRequest.js";
import type { QueuedMessage } from "../router/queue-store.js";
import type { PublishInput, PublishResult, Router } from "../router/router.js";
import { isPrintableAscii, isToken, TOKEN_CHARS } from "../router/senders/header-encoding.js";
import { PRIORITY_NAMES, type SendContext } from "../router/senders/sender.js";
import type { SubscriberSink } from "../router/senders/subscriber-sender.js";
import { clientKey } from "./client-key.js";
import { durationMs, toTimestamp } from "./convert.js";
import { type ApiContext, bidiStream, type LoadGate, serverStream, unary } from "./handler.js";

const MAX_TOPIC = 256;
const MAX_ATTRIBUTES = 64;
const MAX_ATTRIBUTE_KEY = 128;
const MAX_ATTRIBUTE_VALUE = 1024;
const MAX_KEY = 256;
const MAX_CONTENT_TYPE = 256;
const MAX_ACK_IDS = 10_000;
/**
 * PublishStream: requests being committed at once before the stream is paused, so a fast publisher
 * is held back by HTTP/2 flow control rather than buffered without bound (see bidiStream).
 */
const STREAM_WINDOW = 1024;
/** PublishBatch: messages per call at most (the request's bytes are bounded by server.grpc.max_message_bytes). */
export const MAX_PUBLISH_BATCH = 1000;
/** SubscribeBatches: deliveries per stream message when the request leaves max_batch at 0, and at most. */
const DEFAULT_DELIVERY_BATCH = 256;
const MAX_DELIVERY_BATCH = 1000;
/**
 * SubscribeBatches: a stream message is closed at about this many payload bytes, so a batch stays
 * well inside the 4 MiB a gRPC client receives by default (a lone bigger delivery goes alone).
 */
const MAX_DELIVERY_BATCH_BYTES = 1024 * 1024;
/** Per-delivery bytes besides the queued ones, roughly (ids, traceparent, timestamps, framing), for the byte bound. */
const DELIVERY_OVERHEAD_BYTES = 256;

const PRIORITY: Record<string, number> = {
  PRIORITY_UNSPECIFIED: 2,
  PRIORITY_LOW: 1,
  PRIORITY_NORMAL: 2,
  PRIORITY_HIGH: 3,
  PRIORITY_CRITICAL: 4,
};

/**
 * Checks a PublishRequest field by field; throws INVALID_ARGUMENT naming the first bad field.
 * Besides bounds, it refuses what no destination kind could carry, so a message that would fail
 * on every delivery is never accepted: control characters in the topic or content type, a
 * content type that is not printable ASCII (it goes into a Content-Type header as it is), and
 * attribute keys that are not RFC 7230 tokens (they become `vigil-attr-<key>` header names, and
 * a token is valid both as an HTTP header name and as a NATS header key). Values that are not
 * plain ASCII are fine: senders encode them (header-encoding.ts).
 */
export function publishInput(req: PublishRequest__Output, maxPayloadBytes: number): PublishInput {
  const topic = req.topic ?? "";
  if (topic === "") throw invalidField("topic", "required");
  if (topic.length > MAX_TOPIC) throw invalidField("topic", `longer than ${MAX_TOPIC} characters`);
  if (!/^[^\s.*>\p{Cc}]+(\.[^\s.*>\p{Cc}]+)*$/u.test(topic))
    throw invalidField(
      "topic",
      "must be dot-separated non-empty tokens without white space, control characters, * or >",
    );
  const payload = req.payload ?? Buffer.alloc(0);
  if (payload.length > maxPayloadBytes)
    throw invalidField(
      "payload",
      `${payload.length} bytes exceeds router.max_payload_bytes (${maxPayloadBytes})`,
    );
  const contentType = req.content_type ?? "";
  if (contentType.length > MAX_CONTENT_TYPE)
    throw invalidField("content_type", `longer than ${MAX_CONTENT_TYPE} characters`);
  if (!isPrintableAscii(contentType))
    throw invalidField(
      "content_type",
      "must be printable ASCII without control characters (a media type such as text/plain; charset=utf-8)",
    );
  const attributes = req.attributes ?? {};
  const keys = Object.keys(attributes);
  if (keys.length > MAX_ATTRIBUTES) throw invalidField("attributes", `at most ${MAX_ATTRIBUTES} entries`);
  for (const k of keys) {
    if (k.length === 0 || k.length > MAX_ATTRIBUTE_KEY)
      throw invalidField("attributes", `keys must have 1 to ${MAX_ATTRIBUTE_KEY} characters`);
    if (!isToken(k))
      throw invalidField(
        "attributes",
        `key ${JSON.stringify(k)} is not a token: keys may use only ${TOKEN_CHARS} (RFC 7230), since they become header names`,
      );
    if ((attributes[k] as string).length > MAX_ATTRIBUTE_VALUE)
      throw invalidField(`attributes[${k}]`, `longer than ${MAX_ATTRIBUTE_VALUE} characters`);
  }
  const priority = PRIORITY[String(req.priority ?? "PRIORITY_UNSPECIFIED")];
  if (priority === undefined) throw invalidField("priority", `unknown value ${String(req.priority)}`);
  const idempotencyKey = req.idempotency_key ?? "";
  if (idempotencyKey.length > MAX_KEY)
    throw invalidField("idempotency_key", `longer than ${MAX_KEY} characters`);
  const ttlMs = durationMs("ttl", req.ttl) ?? 0;
  return { topic, payload, contentType, attributes, priority, idempotencyKey, ttlMs };
}

/**
 * publishInput, counting a refusal in `vigil.router.rejected{reason="invalid_field", field}`. The
 * field is the leading name of the error's message (invalidField's contract), without an index,
 * so the metric's cardinality is the handful of PublishRequest fields.
 */
function checkedInput(req: PublishRequest__Output, router: Router, maxPayloadBytes: number): PublishInput {
  try {
    return publishInput(req, maxPayloadBytes);
  } catch (e) {
    if (e instanceof VigilError && e.code === "VIGIL_ERR_REQUEST_INVALID_FIELD")
      router.countInvalid(/^[a-z_]+/.exec(e.message)?.[0] ?? "request");
    throw e;
  }
}

/** What the wiring hands the RouterService handlers besides the router. */
export interface RouterApiOptions {
  /** Admission of new data (the memory guard). */
  gate: LoadGate;
  /** router.max_payload_bytes of the running config (read per request: a reload changes it). */
  maxPayloadBytes: () => number;
}

export function routerHandlers(
  ctx: ApiContext,
  router: Router,
  opts: RouterApiOptions,
): RouterServiceHandlers {
  const rpc = "vigil.v1.RouterService";
  const { gate, maxPayloadBytes } = opts;
  return {
    Publish: unary<PublishRequest__Output, PublishResponse>(
      ctx,
      `${rpc}/Publish`,
      async (req, call, span) => {
        gate.admit(`${rpc}/Publish`);
        const r = await router.publish(
          checkedInput(req, router, maxPayloadBytes()),
          trace.setSpan(ROOT_CONTEXT, span),
          clientKey(call),
        );
        return { message_id: r.messageId, duplicate: r.duplicate, routed: r.routed };
      },
    ),
    // One response per request, in request order; the first failing request ends the stream with its status.
    PublishStream: bidiStream<PublishRequest__Output, PublishResponse>(
      ctx,
      `${rpc}/PublishStream`,
      STREAM_WINDOW,
      (call, span) => {
        const spanCtx = trace.setSpan(ROOT_CONTEXT, span);
        const client = clientKey(call);
        return async (req) => {
          gate.admit(`${rpc}/PublishStream`);
          const r = await router.publish(checkedInput(req, router, maxPayloadBytes()), spanCtx, client);
          return { message_id: r.messageId, duplicate: r.duplicate, routed: r.routed };
        };
      },
    ),
    Subscribe: serverStream<SubscribeRequest__Output, Delivery>(ctx, `${rpc}/Subscribe`, (req, call) => {
      const destination = req.destination ?? "";
      if (destination === "") throw invalidField("destination", "required");
      return new Promise<void>((resolve) => {
        let ended = false;
        const finish = () => {
          if (ended) return;
          ended = true;
          detach();
          resolve();
        };
        const detach = router.subscribe(destination, req.max_in_flight ?? 0, {
          write: (m, sendCtx) => call.write(deliveryMessage(m, sendCtx)),
          onDrain: (cb) => call.once("drain", cb),
          end: finish,
        });
        call.on("cancelled", finish);
        call.on("close", finish);
        call.on("error", finish);
      });
    }),
    PublishBatch: unary<PublishBatchRequest__Output, PublishBatchResponse>(
      ctx,
      `${rpc}/PublishBatch`,
      async (req, call, span) => {
        const messages = req.messages ?? [];
        if (messages.length > MAX_PUBLISH_BATCH)
          throw invalidField(
            "messages",
            `at most ${MAX_PUBLISH_BATCH} per call, got ${messages.length}; split the batch`,
          );
        span.setAttribute("vigil.messages", messages.length);
        if (messages.length === 0) return { results: [] };
        gate.admit(`${rpc}/PublishBatch`, messages.length);
        const inputs = new Array<PublishInput | Error>(messages.length);
        const max = maxPayloadBytes();
        for (let i = 0; i < messages.length; i++) {
          try {
            inputs[i] = checkedInput(messages[i] as PublishRequest__Output, router, max);
          } catch (e) {
            inputs[i] = toError(e);
          }
        }
        const settled = await router.publishBatch(inputs, trace.setSpan(ROOT_CONTEXT, span), clientKey(call));
        return { results: settled.map((r) => publishResult(ctx, r)) };
      },
    ),
    SubscribeBatches: serverStream<SubscribeBatchesRequest__Output, SubscribeBatchesResponse>(
      ctx,
      `${rpc}/SubscribeBatches`,
      (req, call) => {
        const destination = req.destination ?? "";
        if (destination === "") throw invalidField("destination", "required");
        const maxBatch = req.max_batch ?? 0;
        if (maxBatch > MAX_DELIVERY_BATCH)
          throw invalidField("max_batch", `at most ${MAX_DELIVERY_BATCH}, got ${maxBatch}`);
        return new Promise<void>((resolve) => {
          const sink = new BatchSink(call, maxBatch > 0 ? maxBatch : DEFAULT_DELIVERY_BATCH, () =>
            finish(true),
          );
          let ended = false;
          const finish = (flush: boolean) => {
            if (ended) return;
            ended = true;
            sink.close(flush);
            detach();
            resolve();
          };
          const detach = router.subscribe(destination, req.max_in_flight ?? 0, sink);
          call.on("cancelled", () => finish(false));
          call.on("close", () => finish(false));
          call.on("error", () => finish(false));
        });
      },
    ),
    Ack: unary<AckRequest__Output, AckResponse>(ctx, `${rpc}/Ack`, (req) => {
      const destination = req.destination ?? "";
      if (destination === "") throw invalidField("destination", "required");
      const ids = req.message_ids ?? [];
      const nacks = req.nack_ids ?? [];
      if (ids.length + nacks.length > MAX_ACK_IDS)
        throw invalidField("message_ids", `at most ${MAX_ACK_IDS} ids per call, acks and nacks together`);
      const r = router.ack(destination, ids, nacks);
      return { acked: r.acked, nacked: r.nacked, unknown_ids: r.unknown };
    }),
  };
}

function deliveryMessage(m: QueuedMessage, sendCtx: SendContext): Delivery {
  return {
    message_id: m.messageId,
    topic: m.topic,
    payload: m.payload,
    content_type: m.contentType,
    attributes: m.attributes,
    priority: `PRIORITY_${PRIORITY_NAMES[m.priority] ?? "NORMAL"}`,
    attempt: sendCtx.attempt,
    traceparent: sendCtx.traceparent,
    published_at: toTimestamp(m.publishedAt),
    idempotency_key: m.idempotencyKey,
  } as Delivery;
}

/**
 * One PublishBatch result: the publish's answer, or the error of a message refused alone, with
 * its catalogue code (never an internal detail: an unexpected error is logged and reported as
 * VIGIL_ERR_SERVER_INTERNAL, as the gRPC boundary would).
 */
function publishResult(ctx: ApiContext, r: PromiseSettledResult<PublishResult>): PublishResultMessage {
  if (r.status === "fulfilled")
    return { message_id: r.value.messageId, duplicate: r.value.duplicate, routed: r.value.routed };
  if (r.reason instanceof VigilError)
    return { code: r.reason.code, message: r.reason.message, retryable: r.reason.retryable };
  ctx.logger.error(
    { rpc: "vigil.v1.RouterService/PublishBatch", err: toError(r.reason) },
    "unexpected error",
  );
  return { code: "VIGIL_ERR_SERVER_INTERNAL", message: "internal error", retryable: true };
}

/**
 * The sink of a SubscribeBatches stream. A delivery round of the dispatcher hands over everything
 * it leased in one synchronous pass; the sink collects those and writes them in a microtask right
 * after the round, as stream messages of up to `maxBatch` deliveries (and about
 * MAX_DELIVERY_BATCH_BYTES). Nothing waits for a batch to fill: a lone message goes at once, and
 * under load a batch is whatever the consumer's free in-flight slots let through, so max_in_flight
 * is the flow control exactly as for Subscribe.
 */
class BatchSink implements SubscriberSink {
  readonly #call: ServerWritableStream<SubscribeBatchesRequest__Output, SubscribeBatchesResponse>;
  readonly #maxBatch: number;
  readonly #onEnd: () => void;
  #pending: Delivery[] = [];
  /** Each pending delivery's size for the byte bound: its queued bytes (payload, topic, attributes) and framing. */
  #sizes: number[] = [];
  #scheduled = false;
  #closed = false;

  constructor(
    call: ServerWritableStream<SubscribeBatchesRequest__Output, SubscribeBatchesResponse>,
    maxBatch: number,
    onEnd: () => void,
  ) {
    this.#call = call;
    this.#maxBatch = maxBatch;
    this.#onEnd = onEnd;
  }

  write(m: QueuedMessage, sendCtx: SendContext): boolean {
    if (this.#closed) return true;
    this.#pending.push(deliveryMessage(m, sendCtx));
    this.#sizes.push(m.bytes + DELIVERY_OVERHEAD_BYTES);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.#flush());
    }
    // The stream's own state, so a subscriber the sender holds back gets its 'drain' (see SubscriberSender.send).
    return !this.#call.writableNeedDrain;
  }

  onDrain(cb: () => void): void {
    this.#call.once("drain", cb);
  }

  end(): void {
    this.#onEnd();
  }

  /** No more writes; what is collected goes out first when the stream ends cleanly (flush), else it is dropped (redelivered). */
  close(flush: boolean): void {
    if (flush) this.#flush();
    this.#closed = true;
    this.#pending = [];
    this.#sizes = [];
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#closed || this.#pending.length === 0) return;
    const all = this.#pending;
    const sizes = this.#sizes;
    this.#pending = [];
    this.#sizes = [];
    let batch: Delivery[] = [];
    let bytes = 0;
    for (let i = 0; i < all.length; i++) {
      const d = all[i] as Delivery;
      const size = sizes[i] as number;
      if (batch.length > 0 && (batch.length >= this.#maxBatch || bytes + size > MAX_DELIVERY_BATCH_BYTES)) {
        this.#call.write({ deliveries: batch });
        batch = [];
        bytes = 0;
      }
      batch.push(d);
      bytes += size;
    }
    this.#call.write({ deliveries: batch });
  }
}
