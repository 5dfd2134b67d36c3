import { type Meter, ProxyTracerProvider, type Tracer, type TracerProvider } from "@opentelemetry/api";
import type { Logger as OtelLogger } from "@opentelemetry/api-logs";
import type { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import {
  defaultResource,
  detectResources,
  emptyResource,
  hostDetector,
  osDetector,
  processDetector,
  type Resource,
  type ResourceDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from "@opentelemetry/resources";
import type { LoggerProvider, LogRecordExporter, LogRecordProcessor } from "@opentelemetry/sdk-logs";
import {
  AggregationTemporality,
  type CollectionResult,
  ConsoleMetricExporter,
  DataPointType,
  InstrumentType,
  MeterProvider,
  type MetricProducer,
  MetricReader,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from "@opentelemetry/sdk-metrics";
import type { BasicTracerProvider, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import { toError } from "../errors.js";
import {
  batchLogRecordOptions,
  type OtelSettings,
  otelSettings,
  otlpProtocol,
  type ResourceDetectorName,
  withOtelEnv,
} from "./otel-env.js";
import { buildExporter, loadExporters } from "./otlp-exporters.js";
import {
  type SpoolSink,
  spoolLogExporter,
  spoolMetricExporter,
  spoolSpanExporter,
} from "./spool-exporters.js";

/** Instrumentation scope of Vigil's own signals (DESIGN §3). */
export const VIGIL_SCOPE = "vigil";
/** Upper bound of any config's cardinality limit: bot instruments are capped in MetricsIngest first. */
const SDK_CARDINALITY_LIMIT = 100_001;

export interface TelemetryOptions {
  config: Config;
  env: NodeJS.ProcessEnv;
  version: string;
  logger: Logger;
  /** Process and runtime metrics; tests that start many sidecars turn them off. */
  hostMetrics?: boolean;
  /** When the OTLP spool runs: Vigil's own OTLP goes into it instead of straight to the collector. */
  spool?: SpoolSink;
}

/**
 * Owns the OpenTelemetry providers. Readers and exporters are built once at
 * start-up from config; OTLP and Prometheus modules are imported only when
 * configured, since each costs memory at load.
 */
export class Telemetry {
  readonly resource: Resource;
  readonly meterProvider: MeterProvider;
  /** The SDK's tracer provider when traces are exported; null when nothing would receive spans. */
  readonly tracerProvider: BasicTracerProvider | null;
  readonly loggerProvider: LoggerProvider | null;
  readonly prometheus: PrometheusExporter | null;
  /** Vigil's own meter, tracer and OTel logger (scope `vigil`). */
  readonly meter: Meter;
  readonly tracer: Tracer;
  readonly otelLogger: OtelLogger | null;
  /** Scope name under which bot metrics are recorded. */
  readonly botScope: string;
  readonly botMeter: Meter;
  readonly otlpEndpoint: string | null;
  readonly #producers: MetricProducer[];
  /** The reader alert rules on Vigil's own metrics pull through; null when none can be shared. */
  readonly #pull: MetricReader | null;
  readonly #logger: Logger;
  readonly #stopHooks: Array<() => void> = [];
  #stopping: Promise<void> | null = null;

  private constructor(init: {
    resource: Resource;
    meterProvider: MeterProvider;
    tracerProvider: BasicTracerProvider | null;
    loggerProvider: LoggerProvider | null;
    prometheus: PrometheusExporter | null;
    producers: MetricProducer[];
    pull: MetricReader | null;
    version: string;
    logger: Logger;
    otlpEndpoint: string | null;
  }) {
    this.resource = init.resource;
    this.meterProvider = init.meterProvider;
    this.tracerProvider = init.tracerProvider;
    this.loggerProvider = init.loggerProvider;
    this.prometheus = init.prometheus;
    this.#producers = init.producers;
    this.#pull = init.pull;
    this.#logger = init.logger;
    this.otlpEndpoint = init.otlpEndpoint;
    this.meter = init.meterProvider.getMeter(VIGIL_SCOPE, init.version);
    // Without an exporter, a no-op tracer: spans would go nowhere, and a
    // non-recording span still carries the caller's trace context.
    const tracers: TracerProvider = init.tracerProvider ?? new ProxyTracerProvider();
    this.tracer = tracers.getTracer(VIGIL_SCOPE, init.version);
    this.otelLogger = init.loggerProvider?.getLogger(VIGIL_SCOPE, init.version) ?? null;
    this.botScope = String(init.resource.attributes["service.name"] ?? "bot");
    this.botMeter = init.meterProvider.getMeter(this.botScope);
  }

  static async create(opts: TelemetryOptions): Promise<Telemetry> {
    const { config, env } = opts;
    const warnings: string[] = [];
    const settings = withOtelEnv(env, () => otelSettings(config.telemetry.otlp, warnings));
    const resource = botResource(config.bot, env, await detectResource(settings.detectors));
    const producers: MetricProducer[] = [];
    // Producers registered later (bot gauges) are collected through this one.
    const producerSet: MetricProducer = {
      collect: async (options) => {
        const results = await Promise.all(producers.map((p) => p.collect(options)));
        return {
          resourceMetrics: { resource, scopeMetrics: results.flatMap((r) => r.resourceMetrics.scopeMetrics) },
          errors: results.flatMap((r) => r.errors),
        } satisfies CollectionResult;
      },
    };
    const readers: MetricReader[] = [];
    let prometheus: PrometheusExporter | null = null;
    if (config.telemetry.prometheus.enabled) {
      const { PrometheusExporter } = await import("@opentelemetry/exporter-prometheus");
      prometheus = new PrometheusExporter({ preventServerStart: true, metricProducers: [producerSet] });
      readers.push(prometheus);
    }
    const sink = opts.spool;
    // Modules first (asynchronous), then every component in one synchronous build inside withOtelEnv.
    const wanted = (s: "traces" | "metrics" | "logs") => settings[s].otlp || settings[s].console;
    const [classes, grpc, sdkLogs, sdkTrace] = await Promise.all([
      sink ? {} : loadExporters(settings),
      !sink &&
      (["traces", "metrics", "logs"] as const).some(
        (s) => settings[s].otlp && settings[s].protocol === "grpc",
      )
        ? import("@grpc/grpc-js")
        : null,
      wanted("logs") ? import("@opentelemetry/sdk-logs") : null,
      wanted("traces") ? import("@opentelemetry/sdk-trace-base") : null,
    ]);
    let tracerProvider: BasicTracerProvider | null = null;
    let loggerProvider: LoggerProvider | null = null;
    const otlpConfig = config.telemetry.otlp;
    withOtelEnv(env, () => {
      if (settings.metrics.otlp || settings.metrics.console) {
        const exporter: PushMetricExporter = settings.metrics.otlp
          ? sink
            ? spoolMetricExporter(sink)
            : buildExporter<PushMetricExporter>(
                "metrics",
                settings.metrics.protocol,
                classes,
                otlpConfig,
                grpc,
              )
          : new ConsoleMetricExporter();
        readers.push(
          new PeriodicExportingMetricReader({
            exporter,
            exportIntervalMillis: settings.exportIntervalMs,
            exportTimeoutMillis: settings.exportTimeoutMs,
            metricProducers: [producerSet],
            cardinalityLimits: { default: SDK_CARDINALITY_LIMIT },
          }),
        );
      }
      if (sdkTrace) {
        const exporters: SpanExporter[] = [];
        if (settings.traces.otlp)
          exporters.push(
            sink
              ? spoolSpanExporter(sink)
              : buildExporter<SpanExporter>("traces", settings.traces.protocol, classes, otlpConfig, grpc),
          );
        // The span processor reads OTEL_BSP_*, the provider OTEL_TRACES_SAMPLER(_ARG) and the span limits.
        const processors: SpanProcessor[] = exporters.map((e) => new sdkTrace.BatchSpanProcessor(e));
        if (settings.traces.console)
          processors.push(new sdkTrace.SimpleSpanProcessor(new sdkTrace.ConsoleSpanExporter()));
        tracerProvider = new sdkTrace.BasicTracerProvider({ resource, spanProcessors: processors });
      }
      if (sdkLogs) {
        const processors: LogRecordProcessor[] = [];
        if (settings.logs.otlp)
          processors.push(
            new sdkLogs.BatchLogRecordProcessor({
              exporter: sink
                ? spoolLogExporter(sink)
                : buildExporter<LogRecordExporter>("logs", settings.logs.protocol, classes, otlpConfig, grpc),
              ...batchLogRecordOptions(warnings),
            }),
          );
        if (settings.logs.console)
          processors.push(
            new sdkLogs.SimpleLogRecordProcessor({ exporter: new sdkLogs.ConsoleLogRecordExporter() }),
          );
        loggerProvider = new sdkLogs.LoggerProvider({ resource, processors });
      }
    });
    // Alert rules on Vigil's own metrics pull through a cumulative reader that already exists: an
    // extra reader that collects only now and then would make the SDK stash every other reader's
    // deltas for it (sdk-metrics TemporalMetricProcessor), an unbounded growth. With no reader at
    // all, a private one is added (nothing else collects, so nothing is stashed).
    const counterTemporality = (r: MetricReader) => r.selectAggregationTemporality(InstrumentType.COUNTER);
    let pull: MetricReader | null =
      readers.find((r) => counterTemporality(r) === AggregationTemporality.CUMULATIVE) ?? null;
    if (readers.length === 0) {
      pull = new OwnMetricsReader();
      readers.push(pull);
    }
    const meterProvider = new MeterProvider({
      resource,
      readers,
      views: [
        {
          meterName: resource.attributes["service.name"] as string,
          aggregationCardinalityLimit: SDK_CARDINALITY_LIMIT,
        },
      ],
    });
    const t = new Telemetry({
      resource,
      meterProvider,
      tracerProvider,
      loggerProvider,
      prometheus,
      producers,
      pull,
      version: opts.version,
      logger: opts.logger.child({ component: "telemetry" }),
      otlpEndpoint: describeOtlp(settings, config.telemetry.otlp.endpoint, env),
    });
    for (const w of warnings) t.#logger.warn(w);
    if (settings.disabled) t.#logger.info("OTEL_SDK_DISABLED=true: no OTLP export of Vigil's own signals");
    if (opts.hostMetrics ?? config.telemetry.hostMetrics.enabled) await t.#startHostMetrics();
    return t;
  }

  /**
   * Vigil's own metrics (scope `vigil`) as they stand now: cumulative sums,
   * last gauge values, cumulative histogram count and sum (alert rules on
   * `vigil.*` metrics). Collects every instrument, so it is called only when a
   * rule needs it.
   */
  async collectOwn(): Promise<OwnMetric[]> {
    if (this.#pull === null)
      throw new Error(
        "no cumulative metric reader to read Vigil's own metrics from (Prometheus is off and OTLP metrics are delta)",
      );
    const { resourceMetrics } = await this.#pull.collect();
    const out: OwnMetric[] = [];
    for (const scope of resourceMetrics.scopeMetrics) {
      if (scope.scope.name !== VIGIL_SCOPE) continue;
      for (const m of scope.metrics) {
        const kind =
          m.dataPointType === DataPointType.HISTOGRAM
            ? "HISTOGRAM"
            : m.dataPointType === DataPointType.SUM && m.isMonotonic
              ? "COUNTER"
              : m.dataPointType === DataPointType.SUM || m.dataPointType === DataPointType.GAUGE
                ? "GAUGE"
                : null;
        if (kind === null) continue;
        out.push({
          name: m.descriptor.name,
          kind,
          points: m.dataPoints.map((p) => {
            const attributes: Record<string, string> = {};
            for (const [k, v] of Object.entries(p.attributes)) attributes[k] = String(v);
            const v = p.value as number | { count: number; sum?: number };
            return typeof v === "number"
              ? { attributes, value: v, count: 0 }
              : { attributes, value: v.sum ?? 0, count: v.count };
          }),
        });
      }
    }
    return out;
  }

  /** Adds a producer whose metrics every reader exports (e.g. bot gauges). */
  addMetricProducer(p: MetricProducer): void {
    this.#producers.push(p);
  }

  async #startHostMetrics(): Promise<void> {
    const [{ HostMetrics }, { RuntimeNodeInstrumentation }] = await Promise.all([
      import("@opentelemetry/host-metrics"),
      import("@opentelemetry/instrumentation-runtime-node"),
    ]);
    // Process metrics only: the system-wide groups describe the node, not this sidecar.
    new HostMetrics({
      meterProvider: this.meterProvider,
      name: VIGIL_SCOPE,
      metricGroups: ["process.cpu", "process.memory"],
    }).start();
    const runtime = new RuntimeNodeInstrumentation({ monitoringPrecision: 5000 });
    runtime.setMeterProvider(this.meterProvider);
    runtime.enable();
    this.#stopHooks.push(() => runtime.disable());
  }

  /** Flushes and shuts down every provider; safe to call twice. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      for (const h of this.#stopHooks) h();
      const results = await Promise.allSettled([
        this.meterProvider.shutdown(),
        this.tracerProvider?.shutdown(),
        this.loggerProvider?.shutdown(),
      ]);
      for (const r of results) {
        if (r.status === "rejected") this.#logger.warn({ err: toError(r.reason) }, "telemetry flush failed");
      }
    })();
    return this.#stopping;
  }
}

/**
 * The Resource of the bot workload: service.name from bot.name, else OTEL_SERVICE_NAME, else
 * OTEL_RESOURCE_ATTRIBUTES' service.name, else "bot"; attributes from bot.attributes over
 * OTEL_RESOURCE_ATTRIBUTES over what the resource detectors found (`detected`).
 */
export function botResource(bot: Config["bot"], env: NodeJS.ProcessEnv, detected?: Resource): Resource {
  const attrs: Record<string, string> = { ...parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES ?? "") };
  Object.assign(attrs, bot.attributes);
  attrs["service.name"] = bot.name ?? (env.OTEL_SERVICE_NAME || undefined) ?? attrs["service.name"] ?? "bot";
  const base = detected ? defaultResource().merge(detected) : defaultResource();
  return base.merge(resourceFromAttributes(attrs));
}

/**
 * The resource detectors OTEL_NODE_RESOURCE_DETECTORS selects (host, process, container by default),
 * their asynchronous attributes (host.id, container.id) settled before anything reads them.
 */
async function detectResource(names: Set<ResourceDetectorName>): Promise<Resource> {
  const detectors: ResourceDetector[] = [];
  if (names.has("host")) detectors.push(hostDetector);
  if (names.has("os")) detectors.push(osDetector);
  if (names.has("process")) detectors.push(processDetector);
  if (names.has("serviceinstance")) detectors.push(serviceInstanceIdDetector);
  // A separate package (opentelemetry-js-contrib; 0.8.x is the line for SDK 2.x and Node 20), loaded only when used.
  if (names.has("container"))
    detectors.push((await import("@opentelemetry/resource-detector-container")).containerDetector);
  if (detectors.length === 0) return emptyResource();
  const r = detectResources({ detectors });
  await r.waitForAsyncAttributes?.();
  return r;
}

/** OTEL_RESOURCE_ATTRIBUTES: comma-separated key=value pairs, values percent-encoded. */
export function parseResourceAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    try {
      out[key] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      out[key] = part.slice(eq + 1).trim();
    }
  }
  return out;
}

/** A URL's userinfo (credentials are allowed there) never reaches status or logs. */
function withoutUserinfo(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = "redacted";
    u.password = "";
    return u.toString();
  } catch {
    return url;
  }
}

/** Where Vigil's own OTLP goes, for status: the config's endpoint, else the variables', else "off" (null). */
function describeOtlp(
  settings: OtelSettings,
  endpoint: string | null,
  env: NodeJS.ProcessEnv,
): string | null {
  const on = (["traces", "metrics", "logs"] as const).filter((s) => settings[s].otlp);
  if (on.length === 0) return null;
  const where =
    endpoint ??
    (env.OTEL_EXPORTER_OTLP_ENDPOINT ||
      on.map((s) => env[`OTEL_EXPORTER_OTLP_${s.toUpperCase()}_ENDPOINT`]).find(Boolean) ||
      "the exporters' default endpoint");
  return `${withoutUserinfo(where).replace(/\/+$/, "")} (${[...new Set(on.map((s) => settings[s].protocol))].join(", ")}: ${on.join(", ")})`;
}

/**
 * Where the OTLP spool sends each signal: telemetry.otlp.endpoint + /v1/<signal>, else the per-signal
 * OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT (a full URL), else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/<signal>.
 * Null when none is configured: there is nowhere to forward to. Null too when a signal's
 * OTEL_EXPORTER_OTLP_*PROTOCOL is `grpc`: the spool forwards over OTLP/HTTP only, and a gRPC port
 * answers no HTTP/1.1 POST, so Vigil exports its own signals straight over gRPC instead.
 */
export function otlpSignalUrls(
  endpoint: string | null,
  env: NodeJS.ProcessEnv,
): ((signal: "traces" | "metrics" | "logs") => string) | null {
  const base = (endpoint || env.OTEL_EXPORTER_OTLP_ENDPOINT || "").replace(/\/+$/, "");
  const own = (s: string) => (endpoint ? undefined : env[`OTEL_EXPORTER_OTLP_${s.toUpperCase()}_ENDPOINT`]);
  if (!base && !own("traces") && !own("metrics") && !own("logs")) return null;
  const grpc = withOtelEnv(env, () =>
    (["traces", "metrics", "logs"] as const).some((s) => otlpProtocol(s) === "grpc"),
  );
  if (grpc) return null;
  return (s) => own(s) || `${base}/v1/${s}`;
}

/** One of Vigil's own metrics at one collection (cumulative for counters and histograms). */
export interface OwnMetric {
  name: string;
  kind: "COUNTER" | "GAUGE" | "HISTOGRAM";
  /** value: the sum (counters, histograms) or the value (gauges); count: histogram observations. */
  points: Array<{ attributes: Record<string, string>; value: number; count: number }>;
}

/** A reader nobody schedules, for when there is no other: `collectOwn()` pulls through it on demand. */
class OwnMetricsReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}
