// Original file: proto/vigil/v1/admin.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface DestinationFault {
  'time'?: (_google_protobuf_Timestamp | null);
  'error'?: (string);
  /**
   * transient, throttled, timeout or permanent.
   */
  'kind'?: (string);
}

export interface DestinationFault__Output {
  'time'?: (_google_protobuf_Timestamp__Output);
  'error'?: (string);
  /**
   * transient, throttled, timeout or permanent.
   */
  'kind'?: (string);
}
