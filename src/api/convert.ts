import { invalidField } from "../errors.js";
import type { Duration, Duration__Output } from "../generated/google/protobuf/Duration.js";
import type { Timestamp } from "../generated/google/protobuf/Timestamp.js";

/** Longest duration accepted from a caller (30 days). */
const MAX_DURATION_MS = 30 * 86_400_000;

/** google.protobuf.Duration → ms; undefined when absent. Throws INVALID_ARGUMENT naming the field. */
export function durationMs(field: string, d: Duration__Output | null | undefined): number | undefined {
  if (d === null || d === undefined) return undefined;
  const seconds = Number(d.seconds ?? 0);
  const nanos = d.nanos ?? 0;
  if (!Number.isFinite(seconds) || seconds < 0 || nanos < 0 || nanos >= 1e9) {
    throw invalidField(field, "must be a non-negative duration");
  }
  const ms = seconds * 1000 + nanos / 1e6;
  if (ms > MAX_DURATION_MS) throw invalidField(field, "must be at most 30 days");
  return ms;
}

export function toDuration(ms: number): Duration {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

export function toTimestamp(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

export function optionalTimestamp(ms: number | null | undefined): Timestamp | null {
  return ms === null || ms === undefined ? null : toTimestamp(ms);
}

/** google.protobuf.Timestamp → ms; null when absent. */
export function timestampMs(
  field: string,
  t: { seconds?: number | string; nanos?: number } | null | undefined,
): number | null {
  if (!t) return null;
  const ms = Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
  if (!Number.isFinite(ms)) throw invalidField(field, "must be a timestamp");
  return ms;
}
