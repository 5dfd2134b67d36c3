// Original file: proto/vigil/v1/alert.proto

import type { Matcher as _vigil_v1_Matcher, Matcher__Output as _vigil_v1_Matcher__Output } from '../../vigil/v1/Matcher.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';

export interface SilenceRequest {
  'matchers'?: (_vigil_v1_Matcher)[];
  'duration'?: (_google_protobuf_Duration | null);
  'comment'?: (string);
  'created_by'?: (string);
}

export interface SilenceRequest__Output {
  'matchers': (_vigil_v1_Matcher__Output)[];
  'duration'?: (_google_protobuf_Duration__Output);
  'comment'?: (string);
  'created_by'?: (string);
}
