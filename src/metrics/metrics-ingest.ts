import {
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type UpDownCounter,
  ValueType,
} from "@opentelemetry/api";
import { hrTime, millisToHrTime } from "@opentelemetry/core";
import { emptyResource } from "@opentelemetry/resources";
import {
  AggregationTemporality,
  type CollectionResult,
  DataPointType,
  type GaugeMetricData,
  type MetricProducer,
} from "@opentelemetry/sdk-metrics";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import type { ErrorCode } from "../errors.js";
import { type AttributeLimits, attributeKey, checkedAttributeKey } from "../util/attribute-key.js";
import type { Clock } from "../util/clock.js";
import {
  BOUNDS_ERROR,
  type BucketRules,
  boundsProblem,
  chooseBuckets,
  compileBucketRules,
} from "./histogram-buckets.js";

export type MetricKind = "COUNTER" | "UP_DOWN_COUNTER" | "GAUGE" | "HISTOGRAM";

/** A point as decoded from the wire: kind as its enum name (proto-loader) or number (protobufjs). */
export interface PointInput {
  name?: string;
  kind?: string | number | null;
  value?: number;
  unit?: string;
  description?: string;
  attributes?: Record<string, string>;
  /** Histogram bucket boundaries, advisory: honoured when the histogram is created (protobufjs: empty when absent). */
  explicit_bounds?: ArrayLike<number>;
}

export interface Rejection {
  index: number;
  reason: string;
  code: ErrorCode;
}

/** Receives accepted points of the metrics it names (src/alerts/series-window.ts). */
export interface MetricTap {
  readonly names: ReadonlySet<string>;
  sample(
    name: string,
    kind: MetricKind,
    value: number,
    attributes: Record<string, string>,
    key: string,
    now: number,
  ): void;
}

export interface RecordResult {
  accepted: number;
  rejected: Rejection[];
}

/** OpenTelemetry instrument name syntax. */
const INSTRUMENT_NAME = /^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$/;
const MAX_ATTRIBUTES = 64;
const MAX_ATTRIBUTE_KEY = 255;
const MAX_ATTRIBUTE_VALUE = 4096;
const ATTRIBUTE_LIMITS: AttributeLimits = {
  maxAttributes: MAX_ATTRIBUTES,
  maxKeyLength: MAX_ATTRIBUTE_KEY,
  maxValueLength: MAX_ATTRIBUTE_VALUE,
};
/** OpenTelemetry's instrument unit (ASCII, at most 63) and description (at most 1023) limits. */
const MAX_UNIT = 63;
const UNIT_CHARS = /^[\x20-\x7e]*$/;
const MAX_DESCRIPTION = 1023;
const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ "otel.metric.overflow": true });
const OVERFLOW_KEY = "\u0002overflow";

interface GaugeSeries {
  attributes: Attributes;
  value: number;
  updatedAt: number;
}

/** Increments of one attribute set within one batch, added to the SDK once per batch. */
interface PendingSum {
  attributes: Attributes;
  sum: number;
}

interface Instrument {
  kind: MetricKind;
  sum: Counter | UpDownCounter | Histogram | null;
  /** Attribute-set keys seen, for the cardinality limit (sums and histograms). */
  seen: Set<string>;
  /** Gauge series with their last value (gauges only). */
  gauges: Map<string, GaugeSeries>;
  descriptor: { name: string; description: string; unit: string; valueType: ValueType };
}

export interface MetricsIngestOptions {
  config: Config["metrics"];
  /** The meter bot metrics are recorded on (scope: the bot). */
  botMeter: Meter;
  /** Instrumentation scope name of bot metrics, used for gauges. */
  botScope: string;
  /** Vigil's own meter. */
  meter: Meter;
  logger: Logger;
  clock: Clock;
  /**
   * Receives every accepted point as one JSON line when logs.record_metrics is
   * on (the seeds' "metrics straight to log, nothing kept in memory").
   */
  pointLog?: (line: string) => void;
}

/**
 * Turns a bot's metric points into OpenTelemetry instruments, created lazily by
 * name and kind. Counters, up-down counters and histograms are recorded on the
 * SDK; gauges are kept here and exported by `producer` so that a series that
 * stops updating disappears after `metrics.series_ttl` (the SDK's cumulative
 * storage would keep it forever). Every instrument is capped at
 * `metrics.cardinality_limit` attribute sets; the rest fold into the
 * `otel.metric.overflow=true` series.
 */
export class MetricsIngest {
  #config: Config["metrics"];
  readonly #botMeter: Meter;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #instruments = new Map<string, Instrument>();
  readonly #points: Counter;
  readonly #acceptedAttrs: Attributes = { result: "accepted" };
  /**
   * Counter increments are summed per attribute set within a batch and handed
   * to the SDK once per set: each SDK call hashes its attributes (sort +
   * JSON.stringify), which measured as the largest cost of a 500-point batch.
   */
  readonly #pending = new Map<Instrument, Map<string, PendingSum>>();
  readonly #rejectedAttrs = new Map<ErrorCode, Attributes>();
  #accepted = 0;
  #rejected = 0;
  #overflowed = 0;
  readonly producer: MetricProducer;
  readonly #pointLog: ((line: string) => void) | null;
  #recordToLog = false;
  #tap: MetricTap | null = null;
  /** Whether reaching metrics.max_instruments was logged (once, not per refused point). */
  #fullLogged = false;
  /** metrics.histograms, compiled at load and reload (not per point). */
  #bucketRules: BucketRules;

  constructor(opts: MetricsIngestOptions) {
    this.#pointLog = opts.pointLog ?? null;
    this.#config = opts.config;
    this.#bucketRules = compileBucketRules(opts.config.histograms);
    this.#botMeter = opts.botMeter;
    this.#logger = opts.logger.child({ component: "metrics" });
    this.#clock = opts.clock;
    this.#points = opts.meter.createCounter("vigil.metrics.points", {
      description: "Metric points received from the bot, by result",
    });
    const scope = { name: opts.botScope };
    this.producer = { collect: async () => this.#collectGauges(scope) };
  }

  applyConfig(config: Config["metrics"]): void {
    this.#config = config;
    // Applies to histograms created from now on: the SDK keeps an instrument's buckets for its lifetime.
    this.#bucketRules = compileBucketRules(config.histograms);
    this.#fullLogged = false;
  }

  /** logs.record_metrics: write every accepted point to the local log. */
  setRecordToLog(on: boolean): void {
    this.#recordToLog = on && this.#pointLog !== null;
  }

  /** Hands every accepted point of the metrics `tap.names` lists to the tap (alert rules' windows). */
  setTap(tap: MetricTap | null): void {
    this.#tap = tap;
  }

  /**
   * Records a batch. `indexBase` offsets the reported indexes (for streams).
   * A bad point is rejected alone; the rest of the batch is recorded.
   */
  record(points: readonly PointInput[], indexBase = 0): RecordResult {
    let accepted = 0;
    let rejected: Rejection[] | null = null;
    const now = this.#clock.now();
    try {
      for (let i = 0; i < points.length; i++) {
        const p = points[i] as PointInput;
        const problem = this.#recordOne(p, now);
        if (problem === null) {
          accepted++;
          if (this.#recordToLog) this.#logPoint(p, now);
          if (this.#tap?.names.has(p.name as string)) this.#tapPoint(p, now);
        } else {
          if (rejected === null) rejected = [];
          rejected.push({ index: indexBase + i, reason: problem[1], code: problem[0] });
          this.#points.add(1, this.#rejectedAttributes(problem[0]));
        }
      }
    } finally {
      this.#flushPending();
    }
    if (accepted > 0) this.#points.add(accepted, this.#acceptedAttrs);
    this.#accepted += accepted;
    const rej = rejected ?? [];
    this.#rejected += rej.length;
    return { accepted, rejected: rej };
  }

  stats(): { instruments: number; series: number; accepted: number; rejected: number; overflowed: number } {
    let series = 0;
    for (const inst of this.#instruments.values())
      series += inst.kind === "GAUGE" ? inst.gauges.size : inst.seen.size;
    return {
      instruments: this.#instruments.size,
      series,
      accepted: this.#accepted,
      rejected: this.#rejected,
      overflowed: this.#overflowed,
    };
  }

  /** Returns null when recorded, else [code, reason]. Plain code: this is the ingest hot path. */
  #recordOne(p: PointInput, now: number): [ErrorCode, string] | null {
    const name = p.name;
    if (!name) return ["VIGIL_ERR_METRICS_INVALID_NAME", "name: required"];
    let inst = this.#instruments.get(name);
    const kind = p.kind;
    if (kind === undefined || kind === null || kind === 0 || kind === "METRIC_KIND_UNSPECIFIED") {
      return ["VIGIL_ERR_METRICS_INVALID_KIND", "kind: required (METRIC_KIND_UNSPECIFIED is not a kind)"];
    }
    const k = kindOf(kind);
    if (k === null) return ["VIGIL_ERR_METRICS_INVALID_KIND", `kind: unknown value ${kind}`];
    if (inst === undefined) {
      const bad = checkName(name);
      if (bad !== null) return bad;
    } else if (inst.kind !== k) {
      return [
        "VIGIL_ERR_METRICS_KIND_CONFLICT",
        `kind: ${name} is a ${inst.kind.toLowerCase()}, not a ${k.toLowerCase()}`,
      ];
    }
    // Checked on every point, as every other field is; a known instrument's own unit skips the scan.
    const unit = p.unit;
    if (unit && (inst === undefined || unit !== inst.descriptor.unit)) {
      if (unit.length > MAX_UNIT)
        return [
          "VIGIL_ERR_METRICS_INVALID_UNIT",
          `unit: longer than ${MAX_UNIT} characters (got ${unit.length})`,
        ];
      if (!UNIT_CHARS.test(unit))
        return ["VIGIL_ERR_METRICS_INVALID_UNIT", "unit: must be ASCII (OpenTelemetry's instrument unit)"];
    }
    if (p.description && p.description.length > MAX_DESCRIPTION) {
      return [
        "VIGIL_ERR_METRICS_INVALID_DESCRIPTION",
        `description: longer than ${MAX_DESCRIPTION} characters (got ${p.description.length})`,
      ];
    }
    const value = p.value ?? 0;
    if (!Number.isFinite(value))
      return ["VIGIL_ERR_METRICS_INVALID_VALUE", `value: must be finite, got ${value}`];
    if (value < 0 && (k === "COUNTER" || k === "HISTOGRAM")) {
      return [
        "VIGIL_ERR_METRICS_NEGATIVE_INCREMENT",
        `value: a ${k === "COUNTER" ? "counter increment" : "histogram observation"} must not be negative, got ${value}`,
      ];
    }
    const bounds = p.explicit_bounds;
    if (bounds !== undefined && bounds.length > 0) {
      if (k !== "HISTOGRAM")
        return [
          BOUNDS_ERROR,
          `explicit_bounds: only a histogram has bucket boundaries, not a ${k.toLowerCase()}`,
        ];
      // Checked on every point that carries them, though only the first point of a name uses them.
      const bad = boundsProblem(bounds, "explicit_bounds");
      if (bad !== null) return [BOUNDS_ERROR, bad];
    }
    const attrs = p.attributes ?? {};
    const key = checkedAttributeKey(attrs, ATTRIBUTE_LIMITS);
    if (key === null) return ["VIGIL_ERR_METRICS_INVALID_ATTRIBUTE", attributeProblem(attrs)];
    if (inst === undefined) {
      // Instruments are never freed (the SDK keeps what it created), so their number is the bound.
      if (this.#instruments.size >= this.#config.maxInstruments) return this.#full(name);
      inst = this.#create(name, k, unit ?? "", p.description ?? "", bounds);
    }
    const limit = this.#config.cardinalityLimit;
    if (k === "GAUGE") {
      const series = inst.gauges.get(key);
      if (series !== undefined) {
        series.value = value;
        series.updatedAt = now;
      } else if (inst.gauges.size < limit) {
        inst.gauges.set(key, { attributes: { ...attrs }, value, updatedAt: now });
      } else {
        this.#overflowed++;
        const o = inst.gauges.get(OVERFLOW_KEY);
        if (o) {
          o.value = value;
          o.updatedAt = now;
        } else inst.gauges.set(OVERFLOW_KEY, { attributes: OVERFLOW_ATTRIBUTES, value, updatedAt: now });
      }
      return null;
    }
    let recordAttrs: Attributes = attrs;
    let recordKey = key;
    if (!inst.seen.has(key)) {
      if (inst.seen.size < limit) inst.seen.add(key);
      else {
        this.#overflowed++;
        recordAttrs = OVERFLOW_ATTRIBUTES;
        recordKey = OVERFLOW_KEY;
      }
    }
    if (k === "HISTOGRAM") {
      (inst.sum as Histogram).record(value, recordAttrs);
      return null;
    }
    let sums = this.#pending.get(inst);
    if (sums === undefined) {
      sums = new Map();
      this.#pending.set(inst, sums);
    }
    const pending = sums.get(recordKey);
    if (pending === undefined) sums.set(recordKey, { attributes: recordAttrs, sum: value });
    else pending.sum += value;
    return null;
  }

  #full(name: string): [ErrorCode, string] {
    const max = this.#config.maxInstruments;
    if (!this.#fullLogged) {
      this.#fullLogged = true;
      this.#logger.warn(
        { metric: name, instruments: this.#instruments.size },
        `metrics.max_instruments (${max}) reached: points of new metric names are rejected`,
      );
    }
    return [
      "VIGIL_ERR_METRICS_TOO_MANY_INSTRUMENTS",
      `name: ${name} would be instrument ${this.#instruments.size + 1}; metrics.max_instruments is ${max} (points of known names are still recorded)`,
    ];
  }

  #tapPoint(p: PointInput, now: number): void {
    const attrs = p.attributes ?? {};
    const kind = kindOf(p.kind as string | number) as MetricKind;
    (this.#tap as MetricTap).sample(p.name as string, kind, p.value ?? 0, attrs, attributeKey(attrs), now);
  }

  #logPoint(p: PointInput, now: number): void {
    const kind = kindOf(p.kind as string | number) ?? "";
    (this.#pointLog as (line: string) => void)(
      `${JSON.stringify({
        level: "info",
        time: new Date(now).toISOString(),
        service: "vigil",
        component: "metrics",
        msg: "metric point",
        metric: p.name,
        kind: kind.toLowerCase(),
        value: p.value ?? 0,
        unit: p.unit || undefined,
        attributes: p.attributes,
      })}\n`,
    );
  }

  #flushPending(): void {
    if (this.#pending.size === 0) return;
    for (const [inst, sums] of this.#pending) {
      const sdk = inst.sum as Counter;
      for (const p of sums.values()) sdk.add(p.sum, p.attributes);
    }
    this.#pending.clear();
  }

  #create(
    name: string,
    kind: MetricKind,
    unit: string,
    description: string,
    bounds: ArrayLike<number> | undefined,
  ): Instrument {
    const opts = { unit, description };
    let sum: Instrument["sum"] = null;
    if (kind === "COUNTER") sum = this.#botMeter.createCounter(name, opts);
    else if (kind === "UP_DOWN_COUNTER") sum = this.#botMeter.createUpDownCounter(name, opts);
    else if (kind === "HISTOGRAM") {
      // OpenTelemetry's advisory parameter: a view configured on the provider still wins.
      const buckets = chooseBuckets(name, unit, bounds, this.#bucketRules);
      sum = this.#botMeter.createHistogram(
        name,
        buckets === null ? opts : { ...opts, advice: { explicitBucketBoundaries: [...buckets] } },
      );
    }
    const inst: Instrument = {
      kind,
      sum,
      seen: new Set(),
      gauges: new Map(),
      descriptor: { name, unit, description, valueType: ValueType.DOUBLE },
    };
    this.#instruments.set(name, inst);
    this.#logger.debug({ metric: name, kind }, "instrument created");
    return inst;
  }

  #rejectedAttributes(code: ErrorCode): Attributes {
    let a = this.#rejectedAttrs.get(code);
    if (a === undefined) {
      a = { result: "rejected", reason: code };
      this.#rejectedAttrs.set(code, a);
    }
    return a;
  }

  #collectGauges(scope: { name: string }): CollectionResult {
    const now = this.#clock.now();
    const ttl = this.#config.seriesTtlMs;
    const endTime = hrTime();
    const metrics: GaugeMetricData[] = [];
    for (const inst of this.#instruments.values()) {
      if (inst.kind !== "GAUGE") continue;
      const dataPoints: GaugeMetricData["dataPoints"] = [];
      for (const [key, s] of inst.gauges) {
        if (now - s.updatedAt > ttl) {
          inst.gauges.delete(key);
          continue;
        }
        const t = millisToHrTime(s.updatedAt);
        dataPoints.push({ startTime: t, endTime, attributes: s.attributes, value: s.value });
      }
      if (dataPoints.length > 0) {
        metrics.push({
          descriptor: inst.descriptor,
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.GAUGE,
          dataPoints,
        });
      }
    }
    return { resourceMetrics: { resource: emptyResource(), scopeMetrics: [{ scope, metrics }] }, errors: [] };
  }
}

function kindOf(kind: string | number): MetricKind | null {
  switch (kind) {
    case 1:
    case "METRIC_KIND_COUNTER":
      return "COUNTER";
    case 2:
    case "METRIC_KIND_UP_DOWN_COUNTER":
      return "UP_DOWN_COUNTER";
    case 3:
    case "METRIC_KIND_GAUGE":
      return "GAUGE";
    case 4:
    case "METRIC_KIND_HISTOGRAM":
      return "HISTOGRAM";
    default:
      return null;
  }
}

function checkName(name: string): [ErrorCode, string] | null {
  if (!INSTRUMENT_NAME.test(name)) {
    return [
      "VIGIL_ERR_METRICS_INVALID_NAME",
      `name: ${JSON.stringify(name.slice(0, 64))} is not a valid instrument name ([A-Za-z][A-Za-z0-9_.-/]{0,254})`,
    ];
  }
  if (name.startsWith("vigil.") || name.startsWith("otel.")) {
    return [
      "VIGIL_ERR_METRICS_INVALID_NAME",
      `name: the prefix of ${name} is reserved for Vigil's own metrics`,
    ];
  }
  return null;
}

function attributeProblem(attrs: Record<string, string>): string {
  const keys = Object.keys(attrs);
  if (keys.length > MAX_ATTRIBUTES)
    return `attributes: at most ${MAX_ATTRIBUTES} per point, got ${keys.length}`;
  for (const k of keys) {
    if (k.length === 0) return "attributes: keys must not be empty";
    if (k.length > MAX_ATTRIBUTE_KEY) return `attributes: key longer than ${MAX_ATTRIBUTE_KEY} characters`;
    if ((attrs[k] as string).length > MAX_ATTRIBUTE_VALUE) {
      return `attributes[${k.slice(0, 64)}]: value longer than ${MAX_ATTRIBUTE_VALUE} characters`;
    }
  }
  return "attributes: invalid";
}
