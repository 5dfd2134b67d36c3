// Original file: proto/vigil/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface DiffConfigRequest {
  /**
   * Versions to compare; 0 = the running one.
   */
  'from'?: (number | string | Long);
  'to'?: (number | string | Long);
}

export interface DiffConfigRequest__Output {
  /**
   * Versions to compare; 0 = the running one.
   */
  'from'?: (number);
  'to'?: (number);
}
