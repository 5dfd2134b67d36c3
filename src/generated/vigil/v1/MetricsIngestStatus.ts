// Original file: proto/vigil/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface MetricsIngestStatus {
  'instruments'?: (number | string | Long);
  'series'?: (number | string | Long);
  'points_accepted'?: (number | string | Long);
  'points_rejected'?: (number | string | Long);
  'overflowed_points'?: (number | string | Long);
}

export interface MetricsIngestStatus__Output {
  'instruments'?: (number);
  'series'?: (number);
  'points_accepted'?: (number);
  'points_rejected'?: (number);
  'overflowed_points'?: (number);
}
