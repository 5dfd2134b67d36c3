// Original file: proto/vigil/v1/metrics.proto

export const MetricKind = {
  /**
   * Rejected: a point must say its kind.
   */
  METRIC_KIND_UNSPECIFIED: 'METRIC_KIND_UNSPECIFIED',
  /**
   * Monotonic sum: value is a non-negative increment.
   */
  METRIC_KIND_COUNTER: 'METRIC_KIND_COUNTER',
  /**
   * Non-monotonic sum: value is an increment, either sign.
   */
  METRIC_KIND_UP_DOWN_COUNTER: 'METRIC_KIND_UP_DOWN_COUNTER',
  /**
   * Last value.
   */
  METRIC_KIND_GAUGE: 'METRIC_KIND_GAUGE',
  /**
   * One observation.
   */
  METRIC_KIND_HISTOGRAM: 'METRIC_KIND_HISTOGRAM',
} as const;

export type MetricKind =
  /**
   * Rejected: a point must say its kind.
   */
  | 'METRIC_KIND_UNSPECIFIED'
  | 0
  /**
   * Monotonic sum: value is a non-negative increment.
   */
  | 'METRIC_KIND_COUNTER'
  | 1
  /**
   * Non-monotonic sum: value is an increment, either sign.
   */
  | 'METRIC_KIND_UP_DOWN_COUNTER'
  | 2
  /**
   * Last value.
   */
  | 'METRIC_KIND_GAUGE'
  | 3
  /**
   * One observation.
   */
  | 'METRIC_KIND_HISTOGRAM'
  | 4

export type MetricKind__Output = typeof MetricKind[keyof typeof MetricKind]
