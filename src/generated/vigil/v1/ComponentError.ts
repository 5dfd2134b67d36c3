// Original file: proto/vigil/v1/heartbeat.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Health as _vigil_v1_Health, Health__Output as _vigil_v1_Health__Output } from '../../vigil/v1/Health.js';
import type { ComponentState as _vigil_v1_ComponentState, ComponentState__Output as _vigil_v1_ComponentState__Output } from '../../vigil/v1/ComponentState.js';

/**
 * ComponentError is a FAILING or DEGRADED beat, or a transition to DOWN.
 */
export interface ComponentError {
  'time'?: (_google_protobuf_Timestamp | null);
  'message'?: (string);
  'health'?: (_vigil_v1_Health);
  'state'?: (_vigil_v1_ComponentState);
}

/**
 * ComponentError is a FAILING or DEGRADED beat, or a transition to DOWN.
 */
export interface ComponentError__Output {
  'time'?: (_google_protobuf_Timestamp__Output);
  'message'?: (string);
  'health'?: (_vigil_v1_Health__Output);
  'state'?: (_vigil_v1_ComponentState__Output);
}
