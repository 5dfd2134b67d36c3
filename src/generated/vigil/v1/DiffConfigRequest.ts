// Original file: proto/vigil/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface DiffConfigRequest {
  'from'?: (number | string | Long);
  'to'?: (number | string | Long);
}

export interface DiffConfigRequest__Output {
  'from'?: (number);
  'to'?: (number);
}
