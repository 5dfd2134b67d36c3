// Original file: proto/vigil/v1/admin.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { LogLevel as _vigil_v1_LogLevel, LogLevel__Output as _vigil_v1_LogLevel__Output } from '../../vigil/v1/LogLevel.js';

export interface QueryLogsRequest {
  'from'?: (_google_protobuf_Timestamp | null);
  'to'?: (_google_protobuf_Timestamp | null);
  /**
   * Minimum level.
   */
  'level'?: (_vigil_v1_LogLevel);
  /**
   * Substring the record's JSON must contain.
   */
  'contains'?: (string);
  /**
   * 0 = server default.
   */
  'limit'?: (number);
  'component'?: (string);
  'newest_first'?: (boolean);
}

export interface QueryLogsRequest__Output {
  'from'?: (_google_protobuf_Timestamp__Output);
  'to'?: (_google_protobuf_Timestamp__Output);
  /**
   * Minimum level.
   */
  'level'?: (_vigil_v1_LogLevel__Output);
  /**
   * Substring the record's JSON must contain.
   */
  'contains'?: (string);
  /**
   * 0 = server default.
   */
  'limit'?: (number);
  'component'?: (string);
  'newest_first'?: (boolean);
}
