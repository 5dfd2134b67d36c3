// Original file: proto/vigil/v1/metrics.proto

import type { Long } from '@grpc/proto-loader';

export interface RejectedPoint {
  /**
   * Index of the point; on RecordStream, counted across the whole stream.
   */
  'index'?: (number | string | Long);
  /**
   * Human-readable reason naming the field.
   */
  'reason'?: (string);
  /**
   * Error code from the catalogue, e.g. VIGIL_ERR_METRICS_KIND_CONFLICT.
   */
  'code'?: (string);
}

export interface RejectedPoint__Output {
  /**
   * Index of the point; on RecordStream, counted across the whole stream.
   */
  'index'?: (number);
  /**
   * Human-readable reason naming the field.
   */
  'reason'?: (string);
  /**
   * Error code from the catalogue, e.g. VIGIL_ERR_METRICS_KIND_CONFLICT.
   */
  'code'?: (string);
}
