import type { LogRecordExporter } from "@opentelemetry/sdk-logs";
import type { PushMetricExporter } from "@opentelemetry/sdk-metrics";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Config } from "../config/schema.js";
import { clientTlsOptions, hasClientTls } from "../util/client-tls.js";
import type { OtelSettings, OtelSignal, OtlpProtocol } from "./otel-env.js";

/** An exporter class of one signal and protocol, as its module exports it. */
type ExporterClass = new (
  options?: Record<string, unknown>,
) => SpanExporter | PushMetricExporter | LogRecordExporter;

/**
 * The OTLP exporter modules a configuration needs, imported before the (synchronous) build: only the
 * protocols in use are loaded, since each module costs memory at load.
 */
export async function loadExporters(settings: OtelSettings): Promise<Partial<Record<OtelSignal, unknown>>> {
  const out: Partial<Record<OtelSignal, unknown>> = {};
  await Promise.all(
    (["traces", "metrics", "logs"] as const).map(async (s) => {
      if (settings[s].otlp) out[s] = await importExporter(s, settings[s].protocol);
    }),
  );
  return out;
}

async function importExporter(signal: OtelSignal, protocol: OtlpProtocol): Promise<unknown> {
  switch (`${signal} ${protocol}`) {
    case "traces grpc":
      return (await import("@opentelemetry/exporter-trace-otlp-grpc")).OTLPTraceExporter;
    case "traces http/json":
      return (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter;
    case "traces http/protobuf":
      return (await import("@opentelemetry/exporter-trace-otlp-proto")).OTLPTraceExporter;
    case "metrics grpc":
      return (await import("@opentelemetry/exporter-metrics-otlp-grpc")).OTLPMetricExporter;
    case "metrics http/json":
      return (await import("@opentelemetry/exporter-metrics-otlp-http")).OTLPMetricExporter;
    case "metrics http/protobuf":
      return (await import("@opentelemetry/exporter-metrics-otlp-proto")).OTLPMetricExporter;
    case "logs grpc":
      return (await import("@opentelemetry/exporter-logs-otlp-grpc")).OTLPLogExporter;
    case "logs http/json":
      return (await import("@opentelemetry/exporter-logs-otlp-http")).OTLPLogExporter;
    default:
      return (await import("@opentelemetry/exporter-logs-otlp-proto")).OTLPLogExporter;
  }
}

/**
 * One signal's OTLP exporter. Vigil's config keys come first where set (telemetry.otlp.endpoint,
 * .headers — merged over OTEL_EXPORTER_OTLP_*HEADERS, the same header from the config winning —, .tls);
 * everything else (the endpoint when the config has none, compression, timeout, certificates) the
 * exporter reads from the OTEL_EXPORTER_OTLP_* variables itself, so call this inside `withOtelEnv`.
 */
export function buildExporter<T extends SpanExporter | PushMetricExporter | LogRecordExporter>(
  signal: OtelSignal,
  protocol: OtlpProtocol,
  classes: Partial<Record<OtelSignal, unknown>>,
  otlp: Config["telemetry"]["otlp"],
  grpc: typeof import("@grpc/grpc-js") | null,
): T {
  const Exporter = classes[signal] as ExporterClass;
  const base = otlp.endpoint?.replace(/\/+$/, "");
  const headers = Object.keys(otlp.headers).length > 0 ? otlp.headers : undefined;
  let options: Record<string, unknown>;
  if (protocol === "grpc") {
    if (!grpc) throw new Error("the gRPC exporter needs @grpc/grpc-js loaded");
    let metadata: InstanceType<typeof grpc.Metadata> | undefined;
    if (headers) {
      metadata = new grpc.Metadata();
      for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
    }
    // The config's CA replaces the system's roots for gRPC (grpc-js takes one root set).
    const tls = otlp.tls;
    const credentials =
      base?.startsWith("https://") && hasClientTls(tls)
        ? (() => {
            const f = clientTlsOptions(tls);
            return grpc.credentials.createSsl(f.ca ?? null, f.key ?? null, f.cert ?? null);
          })()
        : undefined;
    options = { url: base, metadata, credentials };
  } else {
    const tls = otlp.tls;
    options = {
      url: base ? `${base}/v1/${signal}` : undefined,
      headers,
      // Only for https endpoints: the exporters build an https agent from these (CA, client pair for mTLS).
      ...(hasClientTls(tls) ? { httpAgentOptions: { keepAlive: true, ...clientTlsOptions(tls) } } : {}),
    };
  }
  for (const k of Object.keys(options)) if (options[k] === undefined) delete options[k];
  return new Exporter(options) as T;
}
