// Original file: proto/vigil/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface ExportConfigRequest {
  /**
   * 0 = the running version.
   */
  'version'?: (number | string | Long);
}

export interface ExportConfigRequest__Output {
  /**
   * 0 = the running version.
   */
  'version'?: (number);
}
