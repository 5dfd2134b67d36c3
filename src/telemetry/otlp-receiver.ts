import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createGunzip } from "node:zlib";
import {
  Server as GrpcServer,
  status as grpcStatus,
  type Server as Server_,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
} from "@grpc/grpc-js";
import type { Counter, Meter } from "@opentelemetry/api";
import type { Logger } from "pino";
import protobuf from "protobufjs/minimal.js";
import { toError } from "../errors.js";
import type { ResourceEnrichment } from "./resource-enrichment.js";
import type { Signal, Spool } from "./spool.js";

const PATHS: Record<string, Signal> = {
  "/v1/traces": "traces",
  "/v1/metrics": "metrics",
  "/v1/logs": "logs",
};
/** The top-level field of each Export*ServiceRequest: repeated resource_spans / resource_metrics / resource_logs = 1. */
const JSON_FIELD: Record<Signal, string> = {
  traces: "resourceSpans",
  metrics: "resourceMetrics",
  logs: "resourceLogs",
};
const PROTOBUF = "application/x-protobuf";
const JSON_TYPE = "application/json";

/** What both OTLP receivers are built with. */
export interface OtlpReceiverOptions {
  address: string;
  maxBodyBytes: number;
  spool: Spool;
  logger: Logger;
  meter: Meter;
  /** True while the memory guard sheds load. */
  shedding: () => boolean;
  /** The pod's identity attributes, added to the bot's Resource where missing. */
  enrich: ResourceEnrichment;
}

class BadRequest extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** `vigil.spool.received`, the one counter both receivers count into. */
function receivedCounter(meter: Meter): Counter {
  return meter.createCounter("vigil.spool.received", {
    description: "OTLP requests received, by signal and result (accepted, invalid, shed, failed)",
  });
}

/**
 * OTLP/HTTP receiver (`/v1/traces`, `/v1/metrics`, `/v1/logs`; protobuf and JSON; gzip) in front of the
 * spool: a request is answered 200 only once it is committed to disk. Bad requests get the OTLP
 * answers: 400 for a body that does not decode, 415 for another content type, 413 over the size bound,
 * 404 for another path, 405 for another method, each with a google.rpc.Status body in the request's
 * encoding. While Vigil sheds load (the memory guard) the answer is 503 with Retry-After, which OTLP
 * senders retry; nothing accepted is ever dropped by the receiver.
 */
export class OtlpHttpReceiver {
  readonly #address: string;
  readonly #maxBodyBytes: number;
  readonly #enrich: ResourceEnrichment;
  readonly #spool: Spool;
  readonly #logger: Logger;
  readonly #shedding: () => boolean;
  readonly #server: Server;
  readonly #requests: Counter;
  #port = 0;
  #stopping: Promise<void> | null = null;

  constructor(opts: OtlpReceiverOptions) {
    this.#address = opts.address;
    this.#enrich = opts.enrich;
    this.#maxBodyBytes = opts.maxBodyBytes;
    this.#spool = opts.spool;
    this.#logger = opts.logger.child({ component: "otlp-receiver" });
    this.#shedding = opts.shedding;
    this.#requests = receivedCounter(opts.meter);
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((e: unknown) => {
        this.#logger.error({ err: toError(e) }, "OTLP request failed");
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end();
      });
    });
    this.#server.requestTimeout = 30_000;
  }

  get port(): number {
    return this.#port;
  }

  async start(): Promise<void> {
    const i = this.#address.lastIndexOf(":");
    const host = this.#address.slice(0, i).replace(/^\[|\]$/g, "");
    const port = Number(this.#address.slice(i + 1));
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", (e) =>
        reject(new Error(`OTLP receiver: cannot listen on ${this.#address}: ${e.message}`)),
      );
      this.#server.listen(port, host, () => resolve());
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    this.#logger.info({ address: this.#address, port: this.#port }, "OTLP/HTTP receiver listening");
  }

  /** Stops accepting; requests being committed finish. Safe before start() and twice. */
  stop(): Promise<void> {
    this.#stopping ??= new Promise<void>((resolve) => {
      if (!this.#server.listening) {
        resolve();
        return;
      }
      this.#server.close(() => resolve());
      this.#server.closeIdleConnections();
    });
    return this.#stopping;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const signal = PATHS[(req.url ?? "").split("?")[0] ?? ""];
    const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    const json = type === JSON_TYPE;
    try {
      if (!signal)
        throw new BadRequest(404, `no OTLP endpoint at ${req.url}; use /v1/traces, /v1/metrics or /v1/logs`);
      if (req.method !== "POST") throw new BadRequest(405, "OTLP/HTTP takes POST");
      if (!json && type !== PROTOBUF)
        throw new BadRequest(
          415,
          `content-type ${type || "(none)"}: OTLP/HTTP takes ${PROTOBUF} or ${JSON_TYPE}`,
        );
      if (this.#shedding()) {
        req.resume();
        this.#requests.add(1, { signal, result: "shed" });
        res.writeHead(503, { "content-type": type, "retry-after": "5" });
        res.end(this.#status(json, 14, "Vigil is shedding load (memory); retry later"));
        return;
      }
      let body = await this.#read(req);
      if (json) {
        const request = checkJson(body, signal);
        if (!this.#enrich.empty)
          body = Buffer.from(JSON.stringify(this.#enrich.json(request, JSON_FIELD[signal])));
      } else {
        checkProtobuf(body);
        if (!this.#enrich.empty) body = Buffer.from(this.#enrich.protobuf(body));
      }
      try {
        await this.#spool.append(signal, type, body);
      } catch (e: unknown) {
        // Not on disk, so not accepted: the sender retries.
        this.#requests.add(1, { signal, result: "failed" });
        this.#logger.error({ err: toError(e), signal }, "cannot spool an OTLP request");
        res.writeHead(503, { "content-type": type, "retry-after": "5" });
        res.end(this.#status(json, 14, "the request could not be stored; retry later"));
        return;
      }
    } catch (e: unknown) {
      req.resume();
      const bad = e instanceof BadRequest ? e : null;
      if (!bad) throw e;
      this.#requests.add(1, { signal: signal ?? "", result: "invalid" });
      this.#logger.debug({ url: req.url, status: bad.status, error: bad.message }, "OTLP request refused");
      res.writeHead(bad.status, { "content-type": json ? JSON_TYPE : PROTOBUF, connection: "close" });
      res.end(this.#status(json, bad.status === 413 ? 8 : 3, bad.message));
      return;
    }
    this.#requests.add(1, { signal, result: "accepted" });
    // An empty Export*ServiceResponse: everything accepted (no partial_success).
    res.writeHead(200, { "content-type": type });
    res.end(json ? "{}" : Buffer.alloc(0));
  }

  /** The body, gunzipped when the request says gzip, refused past the size bound either way. */
  #read(req: IncomingMessage): Promise<Buffer> {
    const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
    if (encoding !== "gzip" && encoding !== "identity")
      return Promise.reject(
        new BadRequest(415, `content-encoding ${encoding}: OTLP/HTTP takes gzip or none`),
      );
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > this.#maxBodyBytes)
      return Promise.reject(
        new BadRequest(
          413,
          `body of ${declared} bytes over ${this.#maxBodyBytes} (telemetry.receiver.max_body_bytes)`,
        ),
      );
    const source = encoding === "gzip" ? req.pipe(createGunzip()) : req;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      source.on("data", (c: Buffer) => {
        size += c.length;
        if (size > this.#maxBodyBytes) {
          source.destroy();
          reject(
            new BadRequest(413, `body over ${this.#maxBodyBytes} bytes (telemetry.receiver.max_body_bytes)`),
          );
          return;
        }
        chunks.push(c);
      });
      source.on("end", () => resolve(Buffer.concat(chunks)));
      source.on("error", (e: Error) => reject(new BadRequest(400, `cannot read the body: ${e.message}`)));
    });
  }

  /** A google.rpc.Status (code, message) in the request's encoding, as OTLP asks for errors. */
  #status(json: boolean, code: number, message: string): Buffer | string {
    if (json) return JSON.stringify({ code, message });
    const w = protobuf.Writer.create();
    w.uint32(8).int32(code); // field 1, varint
    w.uint32(18).string(message); // field 2, length-delimited
    return Buffer.from(w.finish());
  }
}

const identity = (b: Buffer) => b;

/** The Export method of one OTLP collector service, with bytes in and out (decoded by checkProtobuf). */
function exportService(signal: Signal): ServiceDefinition {
  const service = {
    traces: "trace.v1.TraceService",
    metrics: "metrics.v1.MetricsService",
    logs: "logs.v1.LogsService",
  }[signal];
  return {
    Export: {
      path: `/opentelemetry.proto.collector.${service}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
      originalName: "export",
    },
  };
}

/**
 * OTLP/gRPC receiver (the three collector services' Export) in front of the same spool: answered once
 * the request is on disk. A body that does not decode is INVALID_ARGUMENT; while Vigil sheds load the
 * answer is UNAVAILABLE, which OTLP senders retry. gzip request compression is grpc-js's.
 */
export class OtlpGrpcReceiver {
  readonly #address: string;
  readonly #server: Server_;
  readonly #logger: Logger;
  #port = 0;
  #stopping: Promise<void> | null = null;

  constructor(opts: OtlpReceiverOptions) {
    this.#address = opts.address;
    this.#logger = opts.logger.child({ component: "otlp-receiver" });
    this.#server = new GrpcServer({
      "grpc.max_receive_message_length": opts.maxBodyBytes,
      "grpc.max_send_message_length": 1024 * 1024,
    });
    const requests = receivedCounter(opts.meter);
    for (const signal of ["traces", "metrics", "logs"] as const) {
      this.#server.addService(exportService(signal), {
        Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
          if (opts.shedding()) {
            requests.add(1, { signal, result: "shed" });
            callback({
              code: grpcStatus.UNAVAILABLE,
              details: "Vigil is shedding load (memory); retry later",
            });
            return;
          }
          try {
            checkProtobuf(call.request);
          } catch (e: unknown) {
            requests.add(1, { signal, result: "invalid" });
            callback({ code: grpcStatus.INVALID_ARGUMENT, details: toError(e).message });
            return;
          }
          const body = opts.enrich.empty ? call.request : Buffer.from(opts.enrich.protobuf(call.request));
          opts.spool.append(signal, PROTOBUF, body).then(
            () => {
              requests.add(1, { signal, result: "accepted" });
              callback(null, Buffer.alloc(0));
            },
            (e: unknown) => {
              requests.add(1, { signal, result: "failed" });
              this.#logger.error({ err: toError(e), signal }, "cannot spool an OTLP request");
              callback({ code: grpcStatus.UNAVAILABLE, details: "the request could not be stored; retry" });
            },
          );
        },
      });
    }
  }

  get port(): number {
    return this.#port;
  }

  async start(): Promise<void> {
    this.#port = await new Promise<number>((resolve, reject) =>
      this.#server.bindAsync(this.#address, ServerCredentials.createInsecure(), (e, port) =>
        e
          ? reject(new Error(`OTLP/gRPC receiver: cannot listen on ${this.#address}: ${e.message}`))
          : resolve(port),
      ),
    );
    this.#logger.info({ address: this.#address, port: this.#port }, "OTLP/gRPC receiver listening");
  }

  /** Refuses new calls and lets running ones finish (5 s at most). Safe before start() and twice. */
  stop(): Promise<void> {
    this.#stopping ??= new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.#server.forceShutdown();
        resolve();
      }, 5000);
      t.unref();
      this.#server.tryShutdown(() => {
        clearTimeout(t);
        resolve();
      });
    });
    return this.#stopping;
  }
}

/** JSON: an object whose resource list, if any, is an array. */
function checkJson(body: Buffer, signal: Signal): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(body.toString("utf8"));
  } catch (e: unknown) {
    throw new BadRequest(400, `the body is not JSON: ${toError(e).message}`);
  }
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new BadRequest(400, "the body is not a JSON object");
  const list = (v as Record<string, unknown>)[JSON_FIELD[signal]];
  if (list !== undefined && !Array.isArray(list))
    throw new BadRequest(400, `${JSON_FIELD[signal]} is not an array`);
  return v as Record<string, unknown>;
}

/**
 * Protobuf: well-formed on the wire, walked field by field with protobufjs's reader (no schema is needed
 * to see that every tag, length and varint fits): only the request's field 1 (length-delimited) at the
 * top level, and each of those resource entries well-formed in turn.
 */
export function checkProtobuf(body: Buffer): void {
  try {
    const r = protobuf.Reader.create(body);
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag >>> 3 !== 1 || (tag & 7) !== 2)
        throw new Error(`unexpected field ${tag >>> 3} (wire type ${tag & 7})`);
      const len = r.uint32();
      if (r.pos + len > r.len) throw new Error("truncated");
      wellFormed(body.subarray(r.pos, r.pos + len));
      r.skip(len);
    }
  } catch (e: unknown) {
    throw new BadRequest(400, `the body is not a protobuf Export request: ${toError(e).message}`);
  }
}

/** Every field of one resource entry decodes on the wire (tags, varints, lengths in bounds). */
function wellFormed(buf: Uint8Array): void {
  const r = protobuf.Reader.create(buf);
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0) throw new Error("field number 0");
    if (wire === 3 || wire === 4) throw new Error("groups are not used by OTLP");
    r.skipType(wire);
  }
}
