import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { DescMethod } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createConnectRouter,
  createContextKey,
  createContextValues,
} from "@connectrpc/connect";
import type { UniversalHandler, UniversalServerResponse } from "@connectrpc/connect/protocol";
import { codeToHttpStatus, codeToString } from "@connectrpc/connect/protocol-connect";
import { universalResponseToNodeResponse } from "@connectrpc/connect-node";
import { Metadata } from "@grpc/grpc-js";
import type { Attributes, Counter, Meter } from "@opentelemetry/api";
import type { Logger } from "pino";
import { clientKey } from "../api/client-key.js";
import { safeDeserializer } from "../api/decode.js";
import { PRINCIPAL_KEY } from "../api/handler.js";
import { JSON_WRITE_OPTIONS, loaderToMessage, messageToLoader, vigilMethods } from "../api/proto-json.js";
import type { Config } from "../config/schema.js";
import { toError, toGrpcStatus, VigilError } from "../errors.js";
import { parseDurationMs } from "../util/units.js";
import type { Authenticator } from "./auth.js";
import type { CallLimits } from "./call-limits.js";
import type { ServiceHandlers } from "./grpc-server.js";
import { splitAddress } from "./http-server.js";

/** A ping's POST body (healthchecks.io's form: the job's output, as text). */
export const PING_MAX_BODY_BYTES = 10 * 1024;
/** BeatRequest.message's bound (heartbeat-api.ts); a longer ping body keeps its end, where a log says why. */
const MAX_MESSAGE = 4096;
const BEAT = "/vigil.v1.HeartbeatService/Beat";
/** Request headers passed to the handlers as gRPC metadata (never authorization: the token stays here). */
const PASSED_HEADERS = ["traceparent", "tracestate", "vigil-client"];
const SIGNALS: Record<string, string> = {
  start: "SIGNAL_START",
  success: "SIGNAL_SUCCESS",
  fail: "SIGNAL_FAIL",
};

type ApiState = "new" | "starting" | "serving" | "stopping" | "stopped";

/** What a request carries to the gRPC handler it ends in. */
interface CallInfo {
  metadata: Metadata;
  peer: string;
}
const CALL = createContextKey<CallInfo | null>(null, { description: "vigil call info" });

/** A gRPC unary handler as grpc-js calls it (from src/api/*.ts, built by the wiring). */
type GrpcUnary = (
  call: { request: unknown; metadata: Metadata; getPeer(): string; cancelled: boolean },
  callback: (err: { code?: number; details?: string } | null, value?: unknown) => void,
) => void;

/** Calls a gRPC unary handler with a request already decoded; rejects with a ConnectError. */
function invokeUnary(handler: GrpcUnary, request: unknown, info: CallInfo): Promise<unknown> {
  return new Promise((resolve, reject) => {
    handler(
      { request, metadata: info.metadata, getPeer: () => info.peer, cancelled: false },
      (err, value) => {
        if (err === null) resolve(value);
        // Connect's codes are gRPC's, number for number.
        else reject(new ConnectError(err.details ?? "", (err.code ?? Code.Internal) as Code));
      },
    );
  });
}

/**
 * A request refused before its body was read closes its connection: node would otherwise read
 * and discard the whole body to reuse the connection, however large it is.
 */
function closeIfUnread(res: ServerResponse): void {
  if (!res.req.complete) res.setHeader("connection", "close");
}

/** Connect's error body, with Connect's HTTP status for its code (connectrpc.com/docs/protocol). */
function connectError(
  res: ServerResponse,
  code: Code,
  message: string,
  status = codeToHttpStatus(code),
): number {
  const body = JSON.stringify({ code: codeToString(code), message });
  closeIfUnread(res);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
  return status;
}

/** The error a request ends with before a handler runs, as Connect's code and message. */
function vigilConnectError(e: VigilError): { code: Code; message: string } {
  const s = toGrpcStatus(e);
  return { code: s.code as number as Code, message: s.details };
}

/**
 * Reads a body in: the bytes, "over" as soon as it passes `max` (the rest is not kept), "aborted"
 * when the client goes away first.
 */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | "over" | "aborted"> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: Buffer | "over" | "aborted") => {
      if (done) return;
      done = true;
      chunks.length = 0;
      resolve(r);
    };
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) finish("over");
      else chunks.push(chunk);
    });
    req.on("end", () => finish(Buffer.concat(chunks, size)));
    req.on("error", () => finish("aborted"));
    req.on("close", () => finish("aborted"));
  });
}

/**
 * The HTTP/JSON door (`server.http_api`): the Connect protocol's unary form for every unary RPC of
 * vigil.v1 (`POST /vigil.v1.<Service>/<Method>`, application/json in the proto3 JSON mapping or
 * application/proto), and healthchecks.io-style pings for cron and shell (`/ping/<component>…`).
 *
 * @connectrpc/connect implements the Connect protocol (content types, error bodies, status mapping,
 * timeouts) and @bufbuild/protobuf the proto3 JSON mapping (Duration/Timestamp strings,
 * enum names, int64 as strings, bytes as base64), both from the real descriptors
 * (proto/descriptors.binpb). Each RPC then ends in the very gRPC handler from src/api/*.ts: the
 * request goes to the wire format and through the gRPC server's own decoder, the response back,
 * so validation, error codes, spans and vigil.grpc.errors are the gRPC API's. Bearer tokens
 * (src/server/auth.ts, admin rules included) and server.limits (per client: the token's name, else
 * the peer's address) are checked here before the handler, as the gRPC interceptors do.
 *
 * JSON that names a field or enum value the message does not have is rejected (invalid_argument
 * naming it), as unknown config keys are: protobuf-es's lenient mode would also drop an unknown enum
 * name silently, so `"health":"HEALTH_FAILNG"` would become a healthy beat. The binary format
 * (application/proto) skips unknown fields as gRPC does: there, that is protobuf's compatibility rule.
 *
 * States: new → starting → serving → stopping → stopped. While stopping, requests on open
 * connections get 503 `unavailable` and the connection closes; in-flight ones finish.
 */
export class HttpApiServer {
  readonly #config: Config["server"]["httpApi"];
  readonly #maxBodyBytes: number;
  readonly #logger: Logger;
  readonly #auth: Authenticator;
  readonly #limits: CallLimits;
  readonly #server: Server;
  readonly #requests: Counter;
  readonly #attrs = new Map<string, Attributes>();
  /** Connect handlers by path ("/vigil.v1.HeartbeatService/Beat"). */
  readonly #rpcs = new Map<string, UniversalHandler>();
  /** Streaming RPCs: gRPC only. */
  readonly #streaming = new Set<string>();
  readonly #beat: GrpcUnary;
  #state: ApiState = "new";
  #port = 0;
  #stopping: Promise<void> | null = null;

  constructor(opts: {
    config: Config["server"]["httpApi"];
    /** server.grpc.max_message_bytes: the largest Connect request and response. */
    maxMessageBytes: number;
    logger: Logger;
    meter: Meter;
    handlers: ServiceHandlers;
    /** The gRPC server's request decoders by method path (metricsDecoders), used here too. */
    decoders: Record<string, (buf: Buffer) => unknown>;
    auth: Authenticator;
    limits: CallLimits;
  }) {
    this.#config = opts.config;
    this.#maxBodyBytes = opts.maxMessageBytes;
    this.#logger = opts.logger.child({ component: "http-api" });
    this.#auth = opts.auth;
    this.#limits = opts.limits;
    this.#requests = opts.meter.createCounter("vigil.http_api.requests", {
      description: "HTTP API requests answered, by route (connect, ping, other) and HTTP status",
    });
    const router = createConnectRouter({
      connect: true,
      grpc: false,
      grpcWeb: false,
      readMaxBytes: opts.maxMessageBytes,
      writeMaxBytes: opts.maxMessageBytes,
      // No compression: on loopback it only costs CPU, and an inflated body would be refused as
      // resource_exhausted (429, "retry") rather than 413. A gzip request gets `unimplemented`.
      acceptCompression: [],
      // Unknown JSON names are errors (see above); responses show every field, zeros included, so a
      // curl user sees `"duplicate": false` rather than nothing.
      // The JSON that /status.json and the CLI's --json write too (src/api/proto-json.ts).
      jsonOptions: { ignoreUnknownFields: false, ...JSON_WRITE_OPTIONS },
    });
    for (const serviceName of Object.keys(opts.handlers) as Array<keyof ServiceHandlers>) {
      const impls = opts.handlers[serviceName] as Record<string, unknown>;
      for (const [name, { desc: method, loader: grpc }] of vigilMethods(serviceName)) {
        const handler = impls[name] as GrpcUnary | undefined;
        if (!handler) continue;
        if (grpc.requestStream || grpc.responseStream) {
          this.#streaming.add(grpc.path);
          continue;
        }
        const decode = safeDeserializer(opts.decoders[grpc.path] ?? grpc.requestDeserialize);
        router.rpc(method as DescMethod & { methodKind: "unary" }, async (req, ctx) => {
          const info = ctx.values.get(CALL);
          if (info === null) throw new ConnectError("no call info", Code.Internal);
          const request = messageToLoader(method.input, req, decode);
          const response = await invokeUnary(handler, request, info);
          return loaderToMessage(method.output, (v) => grpc.responseSerialize(v), response);
        });
      }
    }
    for (const h of router.handlers) this.#rpcs.set(h.requestPath, h);
    const beat = (opts.handlers["vigil.v1.HeartbeatService"] as Record<string, unknown>).Beat;
    if (typeof beat !== "function") throw new Error("http api: HeartbeatService has no Beat handler");
    this.#beat = beat as GrpcUnary;
    this.#server = createServer(
      { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 2_500 },
      (req, res) => {
        this.#handle(req, res).catch((e: unknown) => {
          this.#logger.error({ err: toError(e), url: req.url?.slice(0, 256) }, "http api handler failed");
          this.#count("other", 500);
          if (!res.headersSent) connectError(res, Code.Internal, "VIGIL_ERR_SERVER_INTERNAL: internal error");
          else res.destroy();
        });
      },
    );
    this.#server.keepAliveTimeout = 5_000;
    this.#server.maxConnections = opts.config.maxConnections;
    this.#server.on("drop", () => this.#count("other", 0));
  }

  get port(): number {
    return this.#port;
  }

  get state(): ApiState {
    return this.#state;
  }

  async start(): Promise<void> {
    if (this.#state !== "new") throw new Error(`http api: cannot start in state ${this.#state}`);
    this.#setState("starting");
    const { host, port } = splitAddress(this.#config.address);
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (e: Error) =>
          reject(new Error(`http api: cannot listen on ${this.#config.address}: ${e.message}`));
        this.#server.once("error", onError);
        this.#server.listen(port, host, () => {
          this.#server.off("error", onError);
          resolve();
        });
      });
    } catch (e) {
      this.#setState("stopped");
      throw e;
    }
    this.#port = (this.#server.address() as AddressInfo).port;
    this.#setState("serving");
    this.#logger.info({ address: this.#config.address, port: this.#port }, "HTTP API listening");
    if (!/^(127\.|localhost:|\[::1\]:|::1:)/.test(this.#config.address))
      this.#logger.warn(
        { address: this.#config.address },
        "the HTTP API listens beyond loopback in plaintext: set server.auth unless the network is trusted",
      );
  }

  /** Refuses new requests, lets running ones finish until `deadlineMs`, then closes what is left. */
  stop(deadlineMs = 5000): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.#state !== "serving") {
        if (this.#state === "new") this.#setState("stopped");
        return;
      }
      this.#setState("stopping");
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      this.#server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        closed.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), deadlineMs);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
      if (late) {
        this.#logger.warn(
          { deadlineMs },
          "HTTP API requests still running at the shutdown deadline; closing",
        );
        this.#server.closeAllConnections();
        await closed;
      }
      this.#setState("stopped");
    })();
    return this.#stopping;
  }

  #setState(next: ApiState): void {
    const allowed: Record<ApiState, ApiState[]> = {
      new: ["starting", "stopped"],
      starting: ["serving", "stopped"],
      serving: ["stopping"],
      stopping: ["stopped"],
      stopped: [],
    };
    if (!allowed[this.#state].includes(next))
      throw new Error(`http api: illegal transition ${this.#state} → ${next}`);
    this.#logger.debug({ from: this.#state, to: next }, "http api state");
    this.#state = next;
  }

  #count(route: string, status: number): void {
    const key = `${route} ${status}`;
    let a = this.#attrs.get(key);
    if (a === undefined) {
      a = { route, status: status === 0 ? "dropped" : String(status) };
      this.#attrs.set(key, a);
    }
    this.#requests.add(1, a);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    if (this.#state !== "serving") {
      res.setHeader("connection", "close");
      const status = connectError(res, Code.Unavailable, "VIGIL_ERR_SERVER_SHUTTING_DOWN: Vigil is stopping");
      this.#count("other", status);
      return;
    }
    if (path.startsWith("/ping/")) {
      const status = await this.#ping(req, res, path, q < 0 ? "" : url.slice(q + 1));
      this.#count("ping", status);
      return;
    }
    const handler = this.#rpcs.get(path);
    if (handler === undefined) {
      let status: number;
      if (this.#streaming.has(path))
        status = connectError(
          res,
          Code.Unimplemented,
          `${path.slice(1)} is a streaming RPC: the HTTP API serves the unary RPCs, use gRPC for streams`,
          404,
        );
      else if (path.startsWith("/vigil.v1."))
        // 404 as for any unknown path; the code tells Connect clients what it means.
        status = connectError(res, Code.Unimplemented, `no RPC ${path.slice(1, 200)} in vigil.v1`, 404);
      else {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found: the HTTP API serves POST /vigil.v1.<Service>/<Method> and /ping/<component>\n");
        status = 404;
      }
      this.#count("other", status);
      return;
    }
    this.#count("connect", await this.#connect(req, res, path, handler));
  }

  /**
   * One Connect unary call; returns the HTTP status answered. Connect's handler is called directly
   * rather than through connectNodeAdapter, so that tokens are checked before the body is read,
   * and a body over the limit is cut off at the limit and answered 413 (Connect's own limit answers
   * resource_exhausted, 429, which tells a client to retry the same body).
   */
  async #connect(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    handler: UniversalHandler,
  ): Promise<number> {
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      return connectError(res, Code.Unimplemented, `method ${req.method}: Connect unary calls are POST`, 405);
    }
    const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json" && type !== "application/proto") {
      res.setHeader("accept-post", "application/json, application/proto");
      return connectError(
        res,
        Code.InvalidArgument,
        `content-type ${JSON.stringify(type ?? "")}: expected application/json (proto3 JSON) or application/proto`,
        415,
      );
    }
    const info = this.#callInfo(req);
    let principal: string;
    try {
      principal = this.#auth.authorize(path, req.headers.authorization, info.peer);
    } catch (e) {
      if (!(e instanceof VigilError)) throw e;
      const { code, message } = vigilConnectError(e);
      return connectError(res, code, message);
    }
    if (principal !== "") info.metadata.set(PRINCIPAL_KEY, principal);
    const body = await this.#body(req, res, this.#maxBodyBytes, false);
    if (typeof body === "number") return body;
    const refused = this.#limits.admit(
      path,
      clientKey({ metadata: info.metadata, getPeer: () => info.peer }),
      body.length,
    );
    if (refused !== null) {
      res.setHeader("retry-after", String(Math.max(1, Math.ceil(refused.waitMs / 1000))));
      const { code, message } = vigilConnectError(refused.error);
      return connectError(res, code, message);
    }
    const abort = new AbortController();
    res.once("close", () => abort.abort());
    const header = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const x of v) header.append(k, x);
      else header.set(k, v);
    }
    const uRes: UniversalServerResponse = await handler({
      httpVersion: req.httpVersion,
      url: new URL(req.url ?? "/", "http://vigil.local").href,
      method: "POST",
      header,
      body: (async function* () {
        yield body;
      })(),
      signal: abort.signal,
      contextValues: createContextValues().set(CALL, info),
    });
    // Not awaited: it waits for an "end" event that node's ServerResponse never emits (connect-node
    // 2.1 waits so on HTTP/1.1 too); a write error is the client gone, nothing to answer.
    universalResponseToNodeResponse(uRes, res).catch(() => res.destroy());
    return uRes.status;
  }

  /** The metadata and peer a gRPC call would have: trace context, vigil-client and the peer's address. */
  #callInfo(req: IncomingMessage): CallInfo {
    const metadata = new Metadata();
    for (const name of PASSED_HEADERS) {
      const v = req.headers[name];
      if (typeof v === "string" && v.length <= 512) metadata.set(name, v);
    }
    return { metadata, peer: `${req.socket.remoteAddress ?? "unknown"}:${req.socket.remotePort ?? 0}` };
  }

  /**
   * Reads a body up to `max` bytes. Over it, answers 413 (as a Connect error, or as text for a ping)
   * and closes the connection; returns the status answered instead of the body (499: the client left).
   */
  async #body(
    req: IncomingMessage,
    res: ServerResponse,
    max: number,
    ping: boolean,
  ): Promise<Buffer | number> {
    const length = Number(req.headers["content-length"] ?? 0);
    const body = length > max ? "over" : await readBody(req, max);
    if (body === "aborted") return 499;
    if (body !== "over") return body;
    // The rest of an oversized body is not read: the connection closes once the answer is out.
    res.setHeader("connection", "close");
    res.once("finish", () => req.destroy());
    if (ping) {
      res.writeHead(413, { "content-type": "text/plain; charset=utf-8" });
      res.end(`VIGIL_ERR_REQUEST_TOO_LARGE: a ping's body (the beat's message) is at most ${max} bytes\n`);
      return 413;
    }
    return connectError(
      res,
      Code.ResourceExhausted,
      `VIGIL_ERR_REQUEST_TOO_LARGE: the request body is over ${max} bytes (server.grpc.max_message_bytes)`,
      413,
    );
  }

  /**
   * `GET|POST /ping/<component>[/start|/success|/fail|/<exit code>]?interval=&grace=&rid=`: a beat
   * through HeartbeatService/Beat's handler; answers the component's state as text. Returns the status.
   */
  async #ping(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<number> {
    const text = (status: number, body: string) => {
      closeIfUnread(res);
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
      res.end(`${body}\n`);
      return status;
    };
    const parts = path.slice("/ping/".length).split("/");
    if (parts.length > 2 || parts[0] === "" || parts[1] === "")
      return text(404, "not found: expected /ping/<component>[/start|/success|/fail|/<exit code>]");
    if (req.method !== "GET" && req.method !== "POST") {
      res.setHeader("allow", "GET, POST");
      return text(405, `method ${req.method}: pings are GET or POST`);
    }
    let component: string;
    try {
      component = decodeURIComponent(parts[0] as string);
    } catch {
      return text(400, "VIGIL_ERR_REQUEST_INVALID_FIELD: component: not valid percent-encoding");
    }
    const action = parts[1];
    const request: Record<string, unknown> = { component };
    if (action !== undefined) {
      if (/^-?\d{1,10}$/.test(action)) {
        const code = Number(action);
        if (code < 0 || code > 255)
          return text(
            400,
            `VIGIL_ERR_REQUEST_INVALID_FIELD: exit_code: ${action} is not an exit status (0–255)`,
          );
        request.exit_code = code;
      } else {
        const signal = SIGNALS[action];
        if (signal === undefined)
          return text(404, `not found: ${action.slice(0, 64)} is not start, success, fail or an exit code`);
        request.signal = signal;
      }
    }
    const params = new URLSearchParams(query);
    for (const key of ["interval", "grace"]) {
      const raw = params.get(key);
      if (raw === null) continue;
      const ms = parseDurationMs(raw);
      if (ms === undefined)
        return text(400, `VIGIL_ERR_REQUEST_INVALID_FIELD: ${key}: expected a duration like 30s or 5m`);
      request[key] = { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
    }
    const rid = params.get("rid");
    if (rid !== null) request.run_id = rid;
    const info = this.#callInfo(req);
    try {
      const principal = this.#auth.authorize(BEAT, req.headers.authorization, info.peer);
      if (principal !== "") info.metadata.set(PRINCIPAL_KEY, principal);
    } catch (e) {
      if (!(e instanceof VigilError)) throw e;
      const { code, message } = vigilConnectError(e);
      return text(codeToHttpStatus(code), message);
    }
    let bytes = 0;
    if (req.method === "POST") {
      const body = await this.#body(req, res, PING_MAX_BODY_BYTES, true);
      if (typeof body === "number") return body;
      bytes = body.length;
      const message = body.toString("utf8").trim();
      // The end of a job's output is where it says why it failed.
      request.message = message.length > MAX_MESSAGE ? `…${message.slice(-(MAX_MESSAGE - 1))}` : message;
    }
    const refused = this.#limits.admit(
      BEAT,
      clientKey({ metadata: info.metadata, getPeer: () => info.peer }),
      bytes,
    );
    if (refused !== null) {
      res.setHeader("retry-after", String(Math.max(1, Math.ceil(refused.waitMs / 1000))));
      const { code, message } = vigilConnectError(refused.error);
      return text(codeToHttpStatus(code), message);
    }
    try {
      const r = (await invokeUnary(this.#beat, request, info)) as { state?: string };
      return text(200, String(r.state ?? "").replace(/^COMPONENT_STATE_/, ""));
    } catch (e) {
      const err = ConnectError.from(e);
      return text(codeToHttpStatus(err.code), err.rawMessage);
    }
  }
}
