import type {
  handleBidiStreamingCall,
  handleClientStreamingCall,
  handleServerStreamingCall,
  handleUnaryCall,
  Metadata,
  ServerDuplexStream,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
  sendUnaryData,
} from "@grpc/grpc-js";
import { status as GrpcStatus } from "@grpc/grpc-js";
import {
  type Context,
  type Counter,
  context as otelContext,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import type { Logger } from "pino";
import { invalidField, toError, toGrpcStatus } from "../errors.js";
import { DecodeFailure } from "./decode.js";

/** What every handler needs from the server, handed in by the wiring. */
export interface ApiContext {
  tracer: Tracer;
  logger: Logger;
  /** vigil.grpc.errors{rpc, status}: every call that ended in an error status. */
  errors: Counter;
}

/** Admission of new data (the memory guard): throws RESOURCE_EXHAUSTED while load is shed. */
export interface LoadGate {
  admit(rpc: string, items?: number): void;
}

/** Metadata key the auth interceptor sets to the caller's token name (a client's own value is removed). */
export const PRINCIPAL_KEY = "vigil-principal";

/** The caller's token name when bearer tokens are on; "" otherwise. */
export function principalOf(metadata: Metadata): string {
  const v = metadata.get(PRINCIPAL_KEY)[0];
  return v === undefined ? "" : String(v);
}

/** Throws INVALID_ARGUMENT when the request bytes could not be decoded. */
function decoded<Req>(req: Req | DecodeFailure): Req {
  if (req instanceof DecodeFailure)
    throw invalidField("request", `cannot decode the message: ${req.message}`);
  return req;
}

const propagator = new W3CTraceContextPropagator();
const metadataGetter: TextMapGetter<Metadata> = {
  keys: (m) => Object.keys(m.getMap()),
  get: (m, key) => {
    const v = m.get(key);
    if (v.length === 0) return undefined;
    return v.map(String);
  },
};

/** The parent context from a call's `traceparent`/`tracestate` metadata. */
export function parentContext(metadata: Metadata): Context {
  if (metadata.get("traceparent").length === 0) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, metadata, metadataGetter);
}

function startSpan(ctx: ApiContext, rpc: string, metadata: Metadata): Span {
  const slash = rpc.indexOf("/");
  return ctx.tracer.startSpan(
    rpc,
    {
      kind: SpanKind.SERVER,
      attributes: {
        "rpc.system": "grpc",
        "rpc.service": rpc.slice(0, slash),
        "rpc.method": rpc.slice(slash + 1),
      },
    },
    parentContext(metadata),
  );
}

/**
 * Runs `fn` with the call's span active, so what it logs carries trace_id and
 * span_id (through the context manager main.ts registers; a no-op without one).
 */
function inSpan<T>(span: Span, fn: () => T): T {
  return otelContext.with(trace.setSpan(ROOT_CONTEXT, span), fn);
}

function fail(ctx: ApiContext, rpc: string, span: Span, e: unknown): { code: number; details: string } {
  const s = toGrpcStatus(e);
  span.setAttribute("rpc.grpc.status_code", s.code);
  ctx.errors.add(1, { rpc, status: GrpcStatus[s.code] ?? String(s.code) });
  if (!s.expected) {
    const err = toError(e);
    span.recordException(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: "internal error" });
    ctx.logger.error({ rpc, err }, "unexpected error in handler");
  }
  return { code: s.code, details: s.details };
}

/**
 * Wraps a unary handler: awaits it (grpc-js ignores returned promises), maps
 * thrown errors through the error catalogue and records one span per call.
 */
export function unary<Req, Res>(
  ctx: ApiContext,
  rpc: string,
  fn: (req: Req, call: ServerUnaryCall<Req, Res>, span: Span) => Res | Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    const span = startSpan(ctx, rpc, call.metadata);
    let result: Res | Promise<Res>;
    try {
      result = inSpan(span, () => fn(decoded(call.request), call, span));
    } catch (e) {
      callback(fail(ctx, rpc, span, e));
      span.end();
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (r) => {
          callback(null, r);
          span.end();
        },
        (e: unknown) => {
          callback(fail(ctx, rpc, span, e));
          span.end();
        },
      );
    } else {
      callback(null, result);
      span.end();
    }
  };
}

/**
 * Wraps a client-streaming handler: `onMessage` runs for each message (a throw
 * ends the call with that error), `onEnd` builds the response.
 */
export function clientStream<Req, Res>(
  ctx: ApiContext,
  rpc: string,
  init: (call: ServerReadableStream<Req, Res>) => { onMessage(req: Req): void; onEnd(): Res },
): handleClientStreamingCall<Req, Res> {
  return (call, callback) => {
    const span = startSpan(ctx, rpc, call.metadata);
    let done = false;
    const finish = (e: unknown, res?: Res) => {
      if (done) return;
      done = true;
      if (e !== null) callback(fail(ctx, rpc, span, e));
      else callback(null, res);
      span.end();
    };
    let h: ReturnType<typeof init>;
    try {
      h = init(call);
    } catch (e) {
      finish(e);
      return;
    }
    call.on("data", (req: Req) => {
      if (done) return;
      try {
        inSpan(span, () => h.onMessage(decoded(req)));
      } catch (e) {
        finish(e);
        call.destroy();
      }
    });
    call.on("end", () => {
      try {
        finish(null, h.onEnd());
      } catch (e) {
        finish(e);
      }
    });
    call.on("error", (e) => {
      span.recordException(toError(e));
      done = true;
      span.end();
    });
  };
}

/** Wraps a server-streaming handler; `fn` writes to the call and resolves when done. */
export function serverStream<Req, Res>(
  ctx: ApiContext,
  rpc: string,
  fn: (req: Req, call: ServerWritableStream<Req, Res>) => Promise<void>,
): handleServerStreamingCall<Req, Res> {
  return (call) => {
    const span = startSpan(ctx, rpc, call.metadata);
    Promise.resolve()
      .then(() => inSpan(span, () => fn(decoded(call.request), call)))
      .then(
        () => {
          call.end();
          span.end();
        },
        (e: unknown) => {
          call.emit("error", fail(ctx, rpc, span, e));
          span.end();
        },
      );
  };
}

/**
 * Wraps a bidi-streaming handler that answers each request with one response, in request order.
 * `init` runs once per call and returns the per-request function, which starts that request's work
 * at once (so a stream's requests are processed together, e.g. committed in one group) while the
 * answers are written in order. When `window` answers are outstanding the call is paused until
 * half of them are written, so a fast client is held back by HTTP/2 flow control rather than
 * buffered without bound. The first failing request ends the call with its status, mapped and
 * counted as `unary` does; every earlier request has had its response, later ones get none.
 */
export function bidiStream<Req, Res>(
  ctx: ApiContext,
  rpc: string,
  window: number,
  init: (call: ServerDuplexStream<Req, Res>, span: Span) => (req: Req) => Res | Promise<Res>,
): handleBidiStreamingCall<Req, Res> {
  return (call) => {
    const span = startSpan(ctx, rpc, call.metadata);
    let chain: Promise<void> = Promise.resolve();
    let pending = 0;
    let paused = false;
    let done = false;
    let inputDone = false;
    let count = 0;
    let spanOpen = true;
    const endSpan = () => {
      if (!spanOpen) return;
      spanOpen = false;
      span.setAttribute("vigil.messages", count);
      span.end();
    };
    const failCall = (e: unknown) => {
      if (done) return;
      done = true;
      const s = fail(ctx, rpc, span, e);
      endSpan();
      call.emit("error", s);
    };
    const maybeEnd = () => {
      if (inputDone && pending === 0 && !done) {
        done = true;
        endSpan();
        call.end();
      }
    };
    let onMessage: (req: Req) => Res | Promise<Res>;
    try {
      onMessage = inSpan(span, () => init(call, span));
    } catch (e) {
      failCall(e);
      return;
    }
    call.on("data", (req: Req) => {
      if (done) return;
      let result: Res | Promise<Res>;
      try {
        result = inSpan(span, () => onMessage(decoded(req)));
      } catch (e) {
        // Answered in its turn: the requests before it still get their responses.
        result = Promise.reject(e);
      }
      // Settled now, written in order.
      if (result instanceof Promise) result.catch(() => undefined);
      pending++;
      count++;
      if (pending >= window && !paused) {
        paused = true;
        call.pause();
      }
      chain = chain.then(async () => {
        if (done) return;
        try {
          call.write(await result);
        } catch (e) {
          failCall(e);
        } finally {
          pending--;
          if (paused && pending < window / 2) {
            paused = false;
            call.resume();
          }
          maybeEnd();
        }
      });
    });
    call.on("end", () => {
      inputDone = true;
      maybeEnd();
    });
    call.on("error", (e) => {
      span.recordException(toError(e));
      done = true;
      endSpan();
    });
    call.on("cancelled", () => {
      done = true;
      endSpan();
    });
  };
}
