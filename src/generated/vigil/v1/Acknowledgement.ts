// Original file: proto/vigil/v1/alert.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface Acknowledgement {
  'by'?: (string);
  'at'?: (_google_protobuf_Timestamp | null);
  'comment'?: (string);
}

export interface Acknowledgement__Output {
  'by'?: (string);
  'at'?: (_google_protobuf_Timestamp__Output);
  'comment'?: (string);
}
