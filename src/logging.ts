import { Writable } from "node:stream";
import { context, ROOT_CONTEXT, TraceFlags, trace } from "@opentelemetry/api";
import type { Logger as OtelLogger } from "@opentelemetry/api-logs";
import { SeverityNumber } from "@opentelemetry/api-logs";
import pino, { type DestinationStream, type Logger } from "pino";
import type { LogLevelName } from "./config/schema.js";

const SEVERITY: Record<number, [SeverityNumber, string]> = {
  10: [SeverityNumber.TRACE, "TRACE"],
  20: [SeverityNumber.DEBUG, "DEBUG"],
  30: [SeverityNumber.INFO, "INFO"],
  40: [SeverityNumber.WARN, "WARN"],
  50: [SeverityNumber.ERROR, "ERROR"],
  60: [SeverityNumber.FATAL, "FATAL"],
};

const BY_LABEL = new Map(Object.values(SEVERITY).map((v) => [v[1].toLowerCase(), v] as const));

/** Vigil's own pino logger: JSON lines to `destination` (stdout by default). */
export function createLogger(level: LogLevelName, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "vigil" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // A record written while a span is active (inside a gRPC handler) carries its ids.
      mixin: () => {
        const sc = trace.getSpanContext(context.active());
        return sc && trace.isSpanContextValid(sc) ? { trace_id: sc.traceId, span_id: sc.spanId } : {};
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/**
 * A pino destination that re-emits each record as an OpenTelemetry log record
 * (for OTLP logs). Used through pino.multistream beside the local destination.
 */
export class OtelLogStream extends Writable {
  readonly #logger: OtelLogger;
  constructor(logger: OtelLogger) {
    super({ decodeStrings: false });
    this.#logger = logger;
  }
  override _write(chunk: string | Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    try {
      const rec = JSON.parse(String(chunk)) as Record<string, unknown>;
      const { level, time, msg, trace_id, span_id, ...attributes } = rec;
      // The stream runs after the span ended: the ids travel in the record.
      const ctx =
        typeof trace_id === "string" && typeof span_id === "string"
          ? trace.setSpanContext(ROOT_CONTEXT, {
              traceId: trace_id,
              spanId: span_id,
              traceFlags: TraceFlags.SAMPLED,
            })
          : undefined;
      const sev = (typeof level === "string" ? BY_LABEL.get(level) : SEVERITY[Number(level)]) ?? SEVERITY[30];
      this.#logger.emit({
        severityNumber: sev?.[0],
        severityText: sev?.[1],
        body: typeof msg === "string" ? msg : "",
        timestamp: typeof time === "string" ? new Date(time) : new Date(),
        attributes: flatten(attributes),
        ...(ctx ? { context: ctx } : {}),
      });
    } catch {
      // A line that is not JSON is not ours to forward.
    }
    cb();
  }
}

function flatten(o: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = v;
    else if (v !== null && v !== undefined) out[k] = JSON.stringify(v);
  }
  return out;
}
