// Original file: proto/vigil/v1/admin.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { LogLevel as _vigil_v1_LogLevel, LogLevel__Output as _vigil_v1_LogLevel__Output } from '../../vigil/v1/LogLevel.js';

export interface LogRecord {
  'time'?: (_google_protobuf_Timestamp | null);
  'level'?: (_vigil_v1_LogLevel);
  'message'?: (string);
  'component'?: (string);
  /**
   * The whole record as written, one JSON object.
   */
  'json'?: (string);
  'trace_id'?: (string);
  'span_id'?: (string);
  'file'?: (string);
}

export interface LogRecord__Output {
  'time'?: (_google_protobuf_Timestamp__Output);
  'level'?: (_vigil_v1_LogLevel__Output);
  'message'?: (string);
  'component'?: (string);
  /**
   * The whole record as written, one JSON object.
   */
  'json'?: (string);
  'trace_id'?: (string);
  'span_id'?: (string);
  'file'?: (string);
}
