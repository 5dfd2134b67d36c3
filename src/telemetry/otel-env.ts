import {
  getBooleanFromEnv,
  getNumberFromEnv,
  getStringFromEnv,
  getStringListFromEnv,
} from "@opentelemetry/core";
import type { Config } from "../config/schema.js";

/**
 * The OpenTelemetry SDK environment specification as Vigil applies it, with the semantics of
 * `@opentelemetry/sdk-node` 0.223 (its `NodeSDK` and `utils.ts`, mirrored here rather than imported:
 * that package's modules require all nine OTLP exporters, Zipkin and two propagators at load, 7 MiB
 * of RSS measured beside Vigil's own modules, where the one exporter a signal uses costs 0.2 MiB).
 * Values are read with `@opentelemetry/core`'s env helpers; the exporters and processors read their
 * own variables (headers, compression, timeout, certificates, OTEL_BSP_*) the same way.
 */

export type OtlpProtocol = "grpc" | "http/protobuf" | "http/json";
export type OtelSignal = "traces" | "metrics" | "logs";

export interface SignalExport {
  /** Export this signal over OTLP. */
  otlp: boolean;
  /** Export this signal to the console exporter (stdout). */
  console: boolean;
  protocol: OtlpProtocol;
}

export interface OtelSettings {
  /** OTEL_SDK_DISABLED: no OTLP or console export of Vigil's own signals; `/metrics` is not affected. */
  disabled: boolean;
  traces: SignalExport;
  metrics: SignalExport;
  logs: SignalExport;
  exportIntervalMs: number;
  exportTimeoutMs: number;
  /** The resource detectors to run besides `env` (DESIGN §3 always applies OTEL_RESOURCE_ATTRIBUTES). */
  detectors: Set<ResourceDetectorName>;
}

export type ResourceDetectorName = "host" | "os" | "process" | "serviceinstance" | "container";
const ALL_DETECTORS: ResourceDetectorName[] = ["host", "os", "process", "serviceinstance", "container"];
/** NodeSDK's default (env, process, host), plus the container's id: Vigil runs in a pod. */
const DEFAULT_DETECTORS: ResourceDetectorName[] = ["host", "process", "container"];

const DEFAULT_EXPORT_INTERVAL_MS = 10_000;
const DEFAULT_EXPORT_TIMEOUT_MS = 30_000;
const SIGNAL_ID: Record<OtelSignal, string> = { traces: "TRACES", metrics: "METRICS", logs: "LOGS" };

/**
 * Runs `build` with `process.env`'s OTEL_* variables exactly those of `env`, for the SDK's own env
 * parsing (which reads `process.env` only) while Vigil's components take their environment injected:
 * a test's sidecar sees its own variables, not the test runner's. `build` must be synchronous, so no
 * other code can observe the swap. In production `env` is `process.env` and nothing is swapped.
 *
 * The gRPC exporter reads its certificate variables at its first connect, outside this scope: with an
 * injected env that differs from the process's, those three come from `process.env`.
 */
export function withOtelEnv<T>(env: NodeJS.ProcessEnv, build: () => T): T {
  if (env === process.env) return build();
  const saved: Array<[string, string | undefined]> = [];
  for (const key of Object.keys(process.env))
    if (key.startsWith("OTEL_")) saved.push([key, process.env[key]]);
  const clear = () => {
    for (const key of Object.keys(process.env)) if (key.startsWith("OTEL_")) delete process.env[key];
  };
  clear();
  for (const [key, value] of Object.entries(env))
    if (key.startsWith("OTEL_") && value !== undefined) process.env[key] = value;
  try {
    return build();
  } finally {
    clear();
    for (const [key, value] of saved) if (value !== undefined) process.env[key] = value;
  }
}

/**
 * What the SDK exports, from Vigil's config and the OTEL_* variables (read inside `withOtelEnv`).
 * A signal goes over OTLP when its OTEL_<SIGNAL>_EXPORTER list names `otlp` (the default) and an
 * endpoint is configured — telemetry.otlp.endpoint, OTEL_EXPORTER_OTLP_ENDPOINT or the signal's own
 * — or the list names `otlp` explicitly (then the exporter's default endpoint, localhost:4318/4317):
 * with nothing configured Vigil needs no collector (DESIGN §3).
 */
export function otelSettings(
  otlp: Pick<Config["telemetry"]["otlp"], "endpoint" | "exportIntervalMs" | "exportIntervalConfigured">,
  warnings: string[],
): OtelSettings {
  const disabled = getBooleanFromEnv("OTEL_SDK_DISABLED");
  const signal = (s: OtelSignal): SignalExport => {
    const id = SIGNAL_ID[s];
    const listed = getStringListFromEnv(`OTEL_${id}_EXPORTER`);
    const names = new Set(listed && listed.length > 0 ? listed : ["otlp"]);
    for (const n of names)
      if (!["otlp", "console", "none", ...(s === "metrics" ? ["prometheus"] : [])].includes(n))
        warnings.push(`Unsupported OTEL_${id}_EXPORTER value: "${n}"; ignored`);
    const endpoint =
      otlp.endpoint !== null ||
      getStringFromEnv("OTEL_EXPORTER_OTLP_ENDPOINT") !== undefined ||
      getStringFromEnv(`OTEL_EXPORTER_OTLP_${id}_ENDPOINT`) !== undefined;
    const none = disabled || names.has("none");
    return {
      otlp: !none && names.has("otlp") && (endpoint || listed !== undefined),
      console: !none && names.has("console"),
      protocol: otlpProtocol(s, warnings),
    };
  };
  const interval = otlp.exportIntervalConfigured
    ? otlp.exportIntervalMs
    : (positiveFromEnv("OTEL_METRIC_EXPORT_INTERVAL", warnings) ?? DEFAULT_EXPORT_INTERVAL_MS);
  // The reader refuses a timeout longer than the interval; the SDK clamps it (NodeSDK does the same).
  const timeout = Math.min(
    positiveFromEnv("OTEL_METRIC_EXPORT_TIMEOUT", warnings) ?? DEFAULT_EXPORT_TIMEOUT_MS,
    interval,
  );
  return {
    disabled,
    traces: signal("traces"),
    metrics: signal("metrics"),
    logs: signal("logs"),
    exportIntervalMs: interval,
    exportTimeoutMs: timeout,
    detectors: resourceDetectors(warnings),
  };
}

/** OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf (the spec's default). */
export function otlpProtocol(s: OtelSignal, warnings: string[] = []): OtlpProtocol {
  const name = `OTEL_EXPORTER_OTLP_${SIGNAL_ID[s]}_PROTOCOL`;
  const value =
    (getStringFromEnv(name) ?? getStringFromEnv("OTEL_EXPORTER_OTLP_PROTOCOL"))?.trim() || "http/protobuf";
  if (value === "grpc" || value === "http/protobuf" || value === "http/json") return value;
  warnings.push(`Unsupported OTLP ${s} protocol: "${value}". Using http/protobuf.`);
  return "http/protobuf";
}

/** The BatchLogRecordProcessor's OTEL_BLRP_* variables (the span processor reads OTEL_BSP_* itself). */
export function batchLogRecordOptions(warnings: string[]): {
  maxQueueSize?: number;
  scheduledDelayMillis?: number;
  exportTimeoutMillis?: number;
  maxExportBatchSize?: number;
} {
  return {
    maxQueueSize: positiveFromEnv("OTEL_BLRP_MAX_QUEUE_SIZE", warnings),
    scheduledDelayMillis: positiveFromEnv("OTEL_BLRP_SCHEDULE_DELAY", warnings),
    exportTimeoutMillis: positiveFromEnv("OTEL_BLRP_EXPORT_TIMEOUT", warnings),
    maxExportBatchSize: positiveFromEnv("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", warnings),
  };
}

/** OTEL_NODE_RESOURCE_DETECTORS (sdk-node's variable): a list of names, `all` or `none`. */
function resourceDetectors(warnings: string[]): Set<ResourceDetectorName> {
  const listed = getStringListFromEnv("OTEL_NODE_RESOURCE_DETECTORS");
  if (!listed || listed.length === 0) return new Set(DEFAULT_DETECTORS);
  if (listed.includes("all")) return new Set(ALL_DETECTORS);
  const out = new Set<ResourceDetectorName>();
  for (const name of listed) {
    if ((ALL_DETECTORS as string[]).includes(name)) out.add(name as ResourceDetectorName);
    else if (name !== "env" && name !== "none")
      warnings.push(`Unsupported OTEL_NODE_RESOURCE_DETECTORS value: "${name}"; ignored`);
  }
  return out;
}

/** A number above 0, else undefined (with the SDK's warning for a bad value). */
function positiveFromEnv(name: string, warnings: string[]): number | undefined {
  const value = getNumberFromEnv(name);
  if (value !== undefined && value <= 0) {
    warnings.push(`${name} (${value}) is invalid, expected number greater than 0, using default.`);
    return undefined;
  }
  return value;
}
