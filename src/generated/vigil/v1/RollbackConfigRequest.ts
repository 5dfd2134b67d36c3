// Original file: proto/vigil/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface RollbackConfigRequest {
  'version'?: (number | string | Long);
}

export interface RollbackConfigRequest__Output {
  'version'?: (number);
}
