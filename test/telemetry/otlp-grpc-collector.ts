import {
  type Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
} from "@grpc/grpc-js";

export type CollectorSignal = "traces" | "metrics" | "logs";

const SERVICES: Record<CollectorSignal, string> = {
  traces: "opentelemetry.proto.collector.trace.v1.TraceService",
  metrics: "opentelemetry.proto.collector.metrics.v1.MetricsService",
  logs: "opentelemetry.proto.collector.logs.v1.LogsService",
};

export interface CollectorRequest {
  body: Buffer;
  metadata: Metadata;
}

const identity = (b: Buffer) => b;

/**
 * A real OTLP/gRPC receiver: the Collector's three `Export` methods, each request kept as its
 * protobuf bytes with its metadata. Names (spans, metrics, attribute keys) are plain strings on the
 * wire, so a test looks for them in the bytes without a schema.
 */
export class OtlpGrpcCollector {
  readonly requests: Record<CollectorSignal, CollectorRequest[]> = { traces: [], metrics: [], logs: [] };
  readonly #server = new Server();

  constructor() {
    for (const [signal, service] of Object.entries(SERVICES) as Array<[CollectorSignal, string]>) {
      const def: ServiceDefinition = {
        Export: {
          path: `/${service}/Export`,
          requestStream: false,
          responseStream: false,
          requestSerialize: identity,
          requestDeserialize: identity,
          responseSerialize: identity,
          responseDeserialize: identity,
        },
      };
      this.#server.addService(def, {
        Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
          this.requests[signal].push({ body: call.request, metadata: call.metadata });
          // An empty Export*ServiceResponse: everything accepted.
          callback(null, Buffer.alloc(0));
        },
      });
    }
  }

  /** Listens on a free loopback port; returns the endpoint as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  async start(): Promise<string> {
    const port = await new Promise<number>((resolve, reject) =>
      this.#server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    return `http://127.0.0.1:${port}`;
  }

  /** True when some request of `signal` carries `text` (a span or metric name) in its bytes. */
  has(signal: CollectorSignal, text: string): boolean {
    return this.requests[signal].some((r) => r.body.includes(text));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.tryShutdown(() => resolve()));
  }
}
