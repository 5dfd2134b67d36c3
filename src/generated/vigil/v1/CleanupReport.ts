// Original file: proto/vigil/v1/admin.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';
import type { Long } from '@grpc/proto-loader';

export interface CleanupReport {
  'files_deleted'?: (number | string | Long);
  'bytes_freed'?: (number | string | Long);
  'errors'?: (string)[];
  'duration'?: (_google_protobuf_Duration | null);
  'dry_run'?: (boolean);
  /**
   * Files deleted, or that would be deleted on a dry run.
   */
  'files'?: (string)[];
}

export interface CleanupReport__Output {
  'files_deleted'?: (number);
  'bytes_freed'?: (number);
  'errors': (string)[];
  'duration'?: (_google_protobuf_Duration__Output);
  'dry_run'?: (boolean);
  /**
   * Files deleted, or that would be deleted on a dry run.
   */
  'files': (string)[];
}
