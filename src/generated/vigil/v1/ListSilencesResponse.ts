// Original file: proto/vigil/v1/alert.proto

import type { SilenceInfo as _vigil_v1_SilenceInfo, SilenceInfo__Output as _vigil_v1_SilenceInfo__Output } from '../../vigil/v1/SilenceInfo.js';

export interface ListSilencesResponse {
  'silences'?: (_vigil_v1_SilenceInfo)[];
}

export interface ListSilencesResponse__Output {
  'silences': (_vigil_v1_SilenceInfo__Output)[];
}
