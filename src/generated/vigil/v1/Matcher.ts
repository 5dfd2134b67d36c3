// Original file: proto/vigil/v1/alert.proto

import type { MatchOperator as _vigil_v1_MatchOperator, MatchOperator__Output as _vigil_v1_MatchOperator__Output } from '../../vigil/v1/MatchOperator.js';

export interface Matcher {
  'name'?: (string);
  'value'?: (string);
  'operator'?: (_vigil_v1_MatchOperator);
}

export interface Matcher__Output {
  'name'?: (string);
  'value'?: (string);
  'operator'?: (_vigil_v1_MatchOperator__Output);
}
