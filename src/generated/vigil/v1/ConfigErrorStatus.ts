// Original file: proto/vigil/v1/admin.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface ConfigErrorStatus {
  /**
   * Why the file was rejected (file:line:column: key.path: reason); secret values never appear.
   */
  'message'?: (string);
  'time'?: (_google_protobuf_Timestamp | null);
  /**
   * file (the watcher), signal (SIGHUP) or api (ReloadConfig).
   */
  'source'?: (string);
}

export interface ConfigErrorStatus__Output {
  /**
   * Why the file was rejected (file:line:column: key.path: reason); secret values never appear.
   */
  'message'?: (string);
  'time'?: (_google_protobuf_Timestamp__Output);
  /**
   * file (the watcher), signal (SIGHUP) or api (ReloadConfig).
   */
  'source'?: (string);
}
