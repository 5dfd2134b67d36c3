// Original file: proto/vigil/v1/metrics.proto

import type { MetricPoint as _vigil_v1_MetricPoint, MetricPoint__Output as _vigil_v1_MetricPoint__Output } from '../../vigil/v1/MetricPoint.js';

export interface RecordRequest {
  'points'?: (_vigil_v1_MetricPoint)[];
}

export interface RecordRequest__Output {
  'points': (_vigil_v1_MetricPoint__Output)[];
}
