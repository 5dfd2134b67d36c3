// Original file: proto/vigil/v1/admin.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface TaskStatus {
  'name'?: (string);
  'interval'?: (_google_protobuf_Duration | null);
  'last_run'?: (_google_protobuf_Timestamp | null);
  'last_duration'?: (_google_protobuf_Duration | null);
  /**
   * Empty when the last run succeeded.
   */
  'last_error'?: (string);
  'runs'?: (number | string | Long);
  'failures'?: (number | string | Long);
  'running'?: (boolean);
}

export interface TaskStatus__Output {
  'name'?: (string);
  'interval'?: (_google_protobuf_Duration__Output);
  'last_run'?: (_google_protobuf_Timestamp__Output);
  'last_duration'?: (_google_protobuf_Duration__Output);
  /**
   * Empty when the last run succeeded.
   */
  'last_error'?: (string);
  'runs'?: (number);
  'failures'?: (number);
  'running'?: (boolean);
}
