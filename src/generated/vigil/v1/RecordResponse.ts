// Original file: proto/vigil/v1/metrics.proto

import type { RejectedPoint as _vigil_v1_RejectedPoint, RejectedPoint__Output as _vigil_v1_RejectedPoint__Output } from '../../vigil/v1/RejectedPoint.js';
import type { Long } from '@grpc/proto-loader';

export interface RecordResponse {
  'accepted'?: (number | string | Long);
  'rejected'?: (_vigil_v1_RejectedPoint)[];
}

export interface RecordResponse__Output {
  'accepted'?: (number);
  'rejected': (_vigil_v1_RejectedPoint__Output)[];
}
