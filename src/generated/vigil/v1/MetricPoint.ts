// Original file: proto/vigil/v1/metrics.proto

import type { MetricKind as _vigil_v1_MetricKind, MetricKind__Output as _vigil_v1_MetricKind__Output } from '../../vigil/v1/MetricKind.js';

export interface MetricPoint {
  /**
   * OpenTelemetry instrument name: [A-Za-z][A-Za-z0-9_.\-/]{0,254}.
   */
  'name'?: (string);
  'kind'?: (_vigil_v1_MetricKind);
  'value'?: (number | string);
  'unit'?: (string);
  'description'?: (string);
  'attributes'?: ({[key: string]: string});
  /**
   * Histogram bucket boundaries, strictly increasing and finite, at most 64:
   * advisory, used when the histogram is first created (OpenTelemetry's
   * explicitBucketBoundaries advice); metrics.histograms in the config wins
   * over it, and it wins over the unit's default buckets.
   */
  'explicit_bounds'?: (number | string)[];
}

export interface MetricPoint__Output {
  /**
   * OpenTelemetry instrument name: [A-Za-z][A-Za-z0-9_.\-/]{0,254}.
   */
  'name'?: (string);
  'kind'?: (_vigil_v1_MetricKind__Output);
  'value'?: (number);
  'unit'?: (string);
  'description'?: (string);
  'attributes': ({[key: string]: string});
  /**
   * Histogram bucket boundaries, strictly increasing and finite, at most 64:
   * advisory, used when the histogram is first created (OpenTelemetry's
   * explicitBucketBoundaries advice); metrics.histograms in the config wins
   * over it, and it wins over the unit's default buckets.
   */
  'explicit_bounds': (number)[];
}
