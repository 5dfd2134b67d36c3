// Original file: proto/vigil/v1/alert.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface SilenceResponse {
  'id'?: (string);
  'ends_at'?: (_google_protobuf_Timestamp | null);
}

export interface SilenceResponse__Output {
  'id'?: (string);
  'ends_at'?: (_google_protobuf_Timestamp__Output);
}
