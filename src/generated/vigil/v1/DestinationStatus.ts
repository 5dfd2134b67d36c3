// Original file: proto/vigil/v1/admin.proto

import type { CircuitState as _vigil_v1_CircuitState, CircuitState__Output as _vigil_v1_CircuitState__Output } from '../../vigil/v1/CircuitState.js';
import type { Long } from '@grpc/proto-loader';

export interface DestinationStatus {
  'name'?: (string);
  'kind'?: (string);
  'circuit_state'?: (_vigil_v1_CircuitState);
  'queue_depth'?: (number | string | Long);
  'queue_bytes'?: (number | string | Long);
  'paused'?: (boolean);
  'delivered'?: (number | string | Long);
  'failed'?: (number | string | Long);
  'dead_lettered'?: (number | string | Long);
}

export interface DestinationStatus__Output {
  'name'?: (string);
  'kind'?: (string);
  'circuit_state'?: (_vigil_v1_CircuitState__Output);
  'queue_depth'?: (number);
  'queue_bytes'?: (number);
  'paused'?: (boolean);
  'delivered'?: (number);
  'failed'?: (number);
  'dead_lettered'?: (number);
}
