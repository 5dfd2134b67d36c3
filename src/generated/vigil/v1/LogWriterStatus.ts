// Original file: proto/vigil/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface LogWriterStatus {
  'file'?: (string);
  'records'?: (number | string | Long);
  'dropped'?: (number | string | Long);
  'bytes_written'?: (number | string | Long);
}

export interface LogWriterStatus__Output {
  'file'?: (string);
  'records'?: (number);
  'dropped'?: (number);
  'bytes_written'?: (number);
}
