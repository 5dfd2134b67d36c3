import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import {
  type ChannelOptions,
  Server,
  ServerCredentials,
  type ServerInterceptor,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import type { PackageDefinition } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { HealthImplementation, type ServingStatus } from "grpc-health-check";
import type { Logger } from "pino";
import { safeDeserializer } from "../api/decode.js";
import type { Config } from "../config/schema.js";
import { loadVigilProto, protoDir } from "../proto.js";

/** The handlers of every service of the contract. */
export interface ServiceHandlers {
  "vigil.v1.HeartbeatService": UntypedServiceImplementation;
  "vigil.v1.MetricsService": UntypedServiceImplementation;
  "vigil.v1.AdminService": UntypedServiceImplementation;
  "vigil.v1.RouterService": UntypedServiceImplementation;
  "vigil.v1.AlertService": UntypedServiceImplementation;
}

/**
 * What reflection serves: the real file descriptors (proto/descriptors.binpb, written by
 * scripts/gen-descriptors.sh), each vigil/v1 file under its own name with its imports, and
 * grpc/health/v1/health.proto. proto-loader's own descriptors merge a package into one made-up file
 * without imports, which `buf curl` and grpcurl cannot link. @grpc/reflection reads only
 * `fileDescriptorProtos` from a definition, so the set is handed over in that shape.
 */
function reflectedFiles(): PackageDefinition {
  const require = createRequire(import.meta.url);
  const { FileDescriptorSet, FileDescriptorProto } = require("protobufjs/ext/descriptor") as {
    FileDescriptorSet: { decode(b: Uint8Array): { file: unknown[] } };
    FileDescriptorProto: { encode(f: unknown): { finish(): Uint8Array } };
  };
  const set = FileDescriptorSet.decode(readFileSync(join(protoDir(), "descriptors.binpb")));
  const fileDescriptorProtos = set.file.map((f) => Buffer.from(FileDescriptorProto.encode(f).finish()));
  return {
    "vigil.descriptors": { format: "", type: {}, fileDescriptorProtos },
  } as unknown as PackageDefinition;
}

type ServerState = "new" | "starting" | "serving" | "draining" | "stopped";

/**
 * The gRPC endpoint: Vigil's services, grpc.health.v1 and server reflection.
 *
 * States: new → starting → serving → draining → stopped (stop() from any state
 * ends in stopped). While draining, health reports NOT_SERVING, in-flight calls
 * finish and new calls are still served until the drain delay is over (the bot
 * may still talk while it shuts down); then the server refuses new calls and
 * waits for running ones up to the shutdown deadline before cancelling them.
 */
export class GrpcServer {
  readonly #config: Config["server"]["grpc"];
  readonly #logger: Logger;
  readonly #server: Server;
  readonly #health: HealthImplementation;
  readonly #serviceNames: string[];
  readonly #credentials: ServerCredentials;
  #state: ServerState = "new";
  #port = 0;
  #stopping: Promise<void> | null = null;

  constructor(opts: {
    config: Config["server"]["grpc"];
    logger: Logger;
    handlers: ServiceHandlers;
    /** Request decoders replacing proto-loader's, by method path ("/vigil.v1.MetricsService/Record"). */
    decoders?: Record<string, (buf: Buffer) => unknown>;
    /** Run before every call's handler (bearer-token auth); a call's metadata reaches the first one first. */
    interceptors?: ServerInterceptor[];
    /** TLS or mTLS (server.grpc.tls); plaintext without. */
    credentials?: ServerCredentials;
  }) {
    this.#config = opts.config;
    this.#logger = opts.logger.child({ component: "grpc" });
    this.#credentials = opts.credentials ?? ServerCredentials.createInsecure();
    const ka = opts.config.keepalive;
    const options: ChannelOptions = {
      "grpc.max_receive_message_length": opts.config.maxMessageBytes,
      "grpc.max_send_message_length": opts.config.maxMessageBytes,
      "grpc.max_concurrent_streams": opts.config.maxConcurrentStreams,
      "grpc.keepalive_time_ms": ka.timeMs,
      "grpc.keepalive_timeout_ms": ka.timeoutMs,
      "grpc.keepalive_permit_without_calls": 1,
      "grpc.http2.min_ping_interval_without_data_ms": ka.minPingIntervalMs,
    };
    if (ka.maxConnectionIdleMs > 0) options["grpc.max_connection_idle_ms"] = ka.maxConnectionIdleMs;
    this.#server = new Server({ ...options, interceptors: opts.interceptors ?? [] });
    const { proto } = loadVigilProto();
    const v1 = proto.vigil.v1;
    const services: Array<
      [string, { service: Parameters<Server["addService"]>[0] }, UntypedServiceImplementation]
    > = [
      ["vigil.v1.HeartbeatService", v1.HeartbeatService, opts.handlers["vigil.v1.HeartbeatService"]],
      ["vigil.v1.MetricsService", v1.MetricsService, opts.handlers["vigil.v1.MetricsService"]],
      ["vigil.v1.AdminService", v1.AdminService, opts.handlers["vigil.v1.AdminService"]],
      ["vigil.v1.RouterService", v1.RouterService, opts.handlers["vigil.v1.RouterService"]],
      ["vigil.v1.AlertService", v1.AlertService, opts.handlers["vigil.v1.AlertService"]],
    ];
    const initial: Record<string, ServingStatus> = { "": "NOT_SERVING" };
    this.#serviceNames = [];
    for (const [name, def, impl] of services) {
      this.#server.addService(withSafeDecoders(def.service, opts.decoders ?? {}), impl);
      if (name in opts.handlers) {
        initial[name] = "NOT_SERVING";
        this.#serviceNames.push(name);
      }
    }
    this.#health = new HealthImplementation(initial);
    this.#health.addToServer(this.#server);
    new ReflectionService(reflectedFiles()).addToServer(this.#server);
  }

  get port(): number {
    return this.#port;
  }

  get state(): ServerState {
    return this.#state;
  }

  async start(): Promise<void> {
    if (this.#state !== "new") throw new Error(`grpc server: cannot start in state ${this.#state}`);
    this.#setState("starting");
    const address = this.#config.address;
    this.#port = await new Promise<number>((resolve, reject) => {
      this.#server.bindAsync(address, this.#credentials, (err, port) =>
        err ? reject(new Error(`grpc server: cannot listen on ${address}: ${err.message}`)) : resolve(port),
      );
    });
    this.#setState("serving");
    this.#setHealth("SERVING");
    const tls = this.#credentials._isSecure();
    this.#logger.info({ address, port: this.#port, tls }, "gRPC server listening");
    if (!tls && !isLoopback(address))
      this.#logger.warn(
        { address },
        "gRPC listens beyond loopback in plaintext: set server.grpc.tls (and server.auth) unless the network is trusted",
      );
  }

  /** Reports NOT_SERVING on grpc.health.v1 while calls are still served. */
  beginDrain(): void {
    if (this.#state !== "serving") return;
    this.#setState("draining");
    this.#setHealth("NOT_SERVING");
  }

  /**
   * Refuses new calls, waits for in-flight ones until `deadlineMs` from now,
   * then cancels what is left. Safe before start() and twice.
   */
  stop(deadlineMs = 5000): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.#state === "new") {
        this.#setState("stopped");
        return;
      }
      this.beginDrain();
      const graceful = new Promise<void>((resolve) => this.#server.tryShutdown(() => resolve()));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), deadlineMs);
        timer.unref();
      });
      const late = await Promise.race([graceful.then(() => false), timedOut]);
      clearTimeout(timer);
      if (late) {
        this.#logger.warn(
          { deadlineMs },
          "gRPC calls still running at the shutdown deadline; cancelling them",
        );
        this.#server.forceShutdown();
      }
      this.#setState("stopped");
    })();
    return this.#stopping;
  }

  #setHealth(status: ServingStatus): void {
    this.#health.setStatus("", status);
    for (const name of this.#serviceNames) this.#health.setStatus(name, status);
  }

  #setState(next: ServerState): void {
    const allowed: Record<ServerState, ServerState[]> = {
      new: ["starting", "stopped"],
      starting: ["serving", "draining", "stopped"],
      serving: ["draining", "stopped"],
      draining: ["stopped"],
      stopped: [],
    };
    if (!allowed[this.#state].includes(next))
      throw new Error(`grpc server: illegal transition ${this.#state} → ${next}`);
    this.#logger.debug({ from: this.#state, to: next }, "grpc server state");
    this.#state = next;
  }
}

type ServiceDefinition = Parameters<Server["addService"]>[0];

/**
 * Every request deserializer wrapped so that undecodable bytes reach the
 * handler as a DecodeFailure (answered INVALID_ARGUMENT) instead of grpc-js's INTERNAL.
 */
function withSafeDecoders(
  service: ServiceDefinition,
  decoders: Record<string, (buf: Buffer) => unknown>,
): ServiceDefinition {
  return Object.fromEntries(
    Object.entries(service).map(([name, method]) => [
      name,
      { ...method, requestDeserialize: safeDeserializer(decoders[method.path] ?? method.requestDeserialize) },
    ]),
  );
}

/** True for 127.0.0.0/8, ::1 and localhost (the sidecar default: only the pod reaches it). */
function isLoopback(address: string): boolean {
  const host = address.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}
