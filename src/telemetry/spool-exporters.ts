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

/**
 * An SDK exporter (span, log record or metric: the three share this shape) that serializes with the
 * SDK's own OTLP JSON serializer into the spool. Metrics go cumulative, as the OTLP/HTTP metric
 * exporter sends by default.
 */
class SpoolExporter<T> {
  readonly #sink: SpoolSink;
  readonly #signal: Signal;
  readonly #serialize: (items: T) => Uint8Array | undefined;
  constructor(sink: SpoolSink, signal: Signal, serialize: (items: T) => Uint8Array | undefined) {
    this.#sink = sink;
    this.#signal = signal;
    this.#serialize = serialize;
  }
  export(items: T, done: (r: ExportResult) => void): void {
    this.#sink.export(this.#signal, this.#serialize(items), done);
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

export const spoolSpanExporter = (sink: SpoolSink): SpanExporter =>
  new SpoolExporter<ReadableSpan[]>(sink, "traces", (s) => JsonTraceSerializer.serializeRequest(s));
export const spoolLogExporter = (sink: SpoolSink): LogRecordExporter =>
  new SpoolExporter<ReadableLogRecord[]>(sink, "logs", (l) => JsonLogsSerializer.serializeRequest(l));
export const spoolMetricExporter = (sink: SpoolSink): PushMetricExporter =>
  new SpoolExporter<ResourceMetrics>(sink, "metrics", (m) => JsonMetricsSerializer.serializeRequest(m));
