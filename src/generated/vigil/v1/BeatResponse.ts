// Original file: proto/vigil/v1/heartbeat.proto

import type { ComponentState as _vigil_v1_ComponentState, ComponentState__Output as _vigil_v1_ComponentState__Output } from '../../vigil/v1/ComponentState.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface BeatResponse {
  'state'?: (_vigil_v1_ComponentState);
  /**
   * When the component becomes LATE without another beat.
   */
  'deadline'?: (_google_protobuf_Timestamp | null);
}

export interface BeatResponse__Output {
  'state'?: (_vigil_v1_ComponentState__Output);
  /**
   * When the component becomes LATE without another beat.
   */
  'deadline'?: (_google_protobuf_Timestamp__Output);
}
