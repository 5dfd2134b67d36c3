// Original file: proto/vigil/v1/alert.proto

import type { Matcher as _vigil_v1_Matcher, Matcher__Output as _vigil_v1_Matcher__Output } from '../../vigil/v1/Matcher.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

/**
 * A silence in effect.
 */
export interface SilenceInfo {
  'id'?: (string);
  'matchers'?: (_vigil_v1_Matcher)[];
  'starts_at'?: (_google_protobuf_Timestamp | null);
  'ends_at'?: (_google_protobuf_Timestamp | null);
  'comment'?: (string);
  'created_by'?: (string);
}

/**
 * A silence in effect.
 */
export interface SilenceInfo__Output {
  'id'?: (string);
  'matchers': (_vigil_v1_Matcher__Output)[];
  'starts_at'?: (_google_protobuf_Timestamp__Output);
  'ends_at'?: (_google_protobuf_Timestamp__Output);
  'comment'?: (string);
  'created_by'?: (string);
}
