import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
} from "@opentelemetry/otlp-transformer";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { PushMetricExporter, ResourceMetrics } from "@opentelemetry/sdk-metrics";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Signal } from "./spool.js";

// OTLP JSON, as the OTLP/HTTP exporters Vigil uses without the spool send it.
const JSON_TYPE = "application/json";

/**
 * Where Vigil's own telemetry goes when the OTLP spool runs: the same spool as the bot's, so a
 * collector outage loses neither. The spool is opened at start, after the SDK is built; until then
 * (and after it stopped) an export fails, and the SDK drops that batch as it would a failed send.
 */
export class SpoolSink {
  target: { append(signal: Signal, contentType: string, body: Buffer): Promise<void> } | null = null;

  /** Serialized by the SDK's own OTLP serializer (JSON), committed to the spool. */
  export(signal: Signal, body: Uint8Array | undefined, done: (r: ExportResult) => void): void {
    const t = this.target;
    if (!t || !body) {
      done({ code: ExportResultCode.FAILED, error: new Error("the OTLP spool is not open") });
      return;
    }
    t.append(signal, JSON_TYPE, Buffer.from(body.buffer, body.byteOffset, body.byteLength)).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (e: unknown) =>
        done({ code: ExportResultCode.FAILED, error: e instanceof Error ? e : new Error(String(e)) }),
    );
  }
}

export class SpoolSpanExporter implements SpanExporter {
  readonly #sink: SpoolSink;
  constructor(sink: SpoolSink) {
    this.#sink = sink;
  }
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.#sink.export("traces", JsonTraceSerializer.serializeRequest(spans), done);
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

export class SpoolLogExporter implements LogRecordExporter {
  readonly #sink: SpoolSink;
  constructor(sink: SpoolSink) {
    this.#sink = sink;
  }
  export(logs: ReadableLogRecord[], done: (r: ExportResult) => void): void {
    this.#sink.export("logs", JsonLogsSerializer.serializeRequest(logs), done);
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

/** Cumulative, as the OTLP/HTTP metric exporter sends by default. */
export class SpoolMetricExporter implements PushMetricExporter {
  readonly #sink: SpoolSink;
  constructor(sink: SpoolSink) {
    this.#sink = sink;
  }
  export(metrics: ResourceMetrics, done: (r: ExportResult) => void): void {
    this.#sink.export("metrics", JsonMetricsSerializer.serializeRequest(metrics), done);
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}
