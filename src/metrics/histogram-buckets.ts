import picomatch from "picomatch";
import type { ErrorCode } from "../errors.js";

/**
 * Bucket boundaries for durations in seconds: OpenTelemetry's HTTP semantic
 * conventions' advice (`http.server.request.duration`), 5 ms to 10 s. The SDK's
 * default boundaries (0, 5, 10 … 10,000) suit milliseconds, so a histogram in
 * seconds landed every observation in its first bucket.
 */
export const SECONDS_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);

/** The same in milliseconds: 5 ms to 10 s. */
export const MILLISECONDS_BUCKETS: readonly number[] = Object.freeze(SECONDS_BUCKETS.map((b) => b * 1000));

/** Sizes in bytes: powers of 4 from 1 KiB to 1 GiB (1 KiB, 4 KiB, 16 KiB … 256 MiB, 1 GiB; 11 bounds). */
export const BYTES_BUCKETS: readonly number[] = Object.freeze(
  Array.from({ length: 11 }, (_, i) => 1024 * 4 ** i),
);

/**
 * Job runs in seconds (vigil.component.job.duration): the seconds buckets and
 * on to 1 h, since a cron job commonly runs for minutes.
 */
export const JOB_SECONDS_BUCKETS: readonly number[] = Object.freeze([
  ...SECONDS_BUCKETS,
  30,
  60,
  120,
  300,
  600,
  1800,
  3600,
]);

/** At most this many boundaries per histogram, from a point or from config. */
export const MAX_BOUNDS = 64;

/** The default boundaries for an instrument's unit (UCUM, as OpenTelemetry writes it), or null for the SDK's. */
export function unitBuckets(unit: string): readonly number[] | null {
  switch (unit) {
    case "s":
      return SECONDS_BUCKETS;
    case "ms":
      return MILLISECONDS_BUCKETS;
    case "By":
      return BYTES_BUCKETS;
    default:
      return null;
  }
}

/**
 * Why a list of boundaries is unusable, or null when it is fine: finite,
 * strictly increasing, at most MAX_BOUNDS. `field` names it in the message.
 */
export function boundsProblem(bounds: ArrayLike<number>, field: string): string | null {
  if (bounds.length > MAX_BOUNDS) return `${field}: at most ${MAX_BOUNDS} bounds, got ${bounds.length}`;
  for (let i = 0; i < bounds.length; i++) {
    const b = bounds[i] as number;
    if (typeof b !== "number" || !Number.isFinite(b))
      return `${field}[${i}]: must be a finite number, got ${b}`;
    if (i > 0 && b <= (bounds[i - 1] as number))
      return `${field}[${i}]: bounds must be strictly increasing, got ${b} after ${bounds[i - 1]}`;
  }
  return null;
}

export const BOUNDS_ERROR: ErrorCode = "VIGIL_ERR_METRICS_INVALID_BOUNDS";

/** metrics.histograms as the ingest uses it: name patterns compiled once per config. */
export type BucketRules = ReadonlyArray<{ test: (name: string) => boolean; buckets: readonly number[] }>;

export function compileBucketRules(rules: ReadonlyArray<{ match: string; buckets: number[] }>): BucketRules {
  // Instrument names are dot-separated; `*` stays within one segment only when the
  // pattern says so: picomatch treats "." as an ordinary character, "/" as its separator.
  return rules.map((r) => ({
    test: picomatch(r.match, { dot: true }),
    buckets: Object.freeze([...r.buckets]),
  }));
}

/**
 * The boundaries a new histogram gets: the first metrics.histograms pattern
 * that matches its name, else the point's explicit_bounds, else its unit's
 * default, else null (the SDK's default).
 */
export function chooseBuckets(
  name: string,
  unit: string,
  explicit: ArrayLike<number> | undefined,
  rules: BucketRules,
): readonly number[] | null {
  for (const r of rules) if (r.test(name)) return r.buckets;
  if (explicit !== undefined && explicit.length > 0) return Array.from(explicit);
  return unitBuckets(unit);
}
